using System;
using System.Globalization;
using System.Threading;
using OneLoginMfa.Http;

namespace OneLoginMfa;

/// <summary>Where a connection's client credentials came from.</summary>
public enum OneLoginCredentialSource
{
    /// <summary>-Credential (user name = client id, password = client secret).</summary>
    Credential,

    /// <summary>-ClientId and -ClientSecret.</summary>
    ClientSecret,

    /// <summary>$env:ONELOGIN_CLIENT_ID and $env:ONELOGIN_CLIENT_SECRET.</summary>
    Environment,
}

/// <summary>
/// A validated connection to one OneLogin tenant, made by Connect-OneLogin. Safe to share between
/// runspaces and threads (pass it with -Connection or $using:): its token is renewed under a lock and its
/// rate budget is the account's, shared process-wide. No member exposes the client secret or the token.
/// </summary>
public sealed class OneLoginConnection
{
    internal OneLoginConnection(OneLoginHttpPipeline pipeline, OneLoginCredentialSource source)
    {
        Pipeline = pipeline;
        CredentialSource = source;
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The API root, e.g. https://acme.onelogin.com/.</summary>
    public Uri BaseUri => Pipeline.Options.BaseUri;

    /// <summary>The API client id (not a secret).</summary>
    public string ClientId => Pipeline.Options.ClientId;

    /// <summary>OneLogin's account id, from the token response.</summary>
    public long? AccountId => Pipeline.Tokens.Current?.AccountId;

    /// <summary>When Connect-OneLogin validated the connection.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>When the current access token expires; it is renewed automatically before then.</summary>
    public DateTimeOffset? TokenExpiresAt => Pipeline.Tokens.Current?.ExpiresAt;

    /// <summary>The account's budget as last reported by OneLogin (live; null until a metered call).</summary>
    public OneLoginRateLimit? RateLimit => Pipeline.Budget.Snapshot();

    /// <summary>Which of the three credential sources was used.</summary>
    public OneLoginCredentialSource CredentialSource { get; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan Timeout => Pipeline.Options.Timeout;

    /// <summary>Retries for GET and DELETE on transient failures.</summary>
    public int MaxRetry => Pipeline.Options.MaxRetry;

    /// <summary>The longest a call waits for the rate budget to reset before failing.</summary>
    public TimeSpan MaxRateLimitWait => Pipeline.Options.MaxRateLimitWait;

    /// <summary>The explicit proxy, or null for the system proxy.</summary>
    public Uri? Proxy => Pipeline.Options.Proxy;

    internal OneLoginHttpPipeline Pipeline { get; }

    /// <summary>True once Disconnect-OneLogin has closed this connection; commands then refuse to use it.</summary>
    internal bool IsClosed => Volatile.Read(ref _closed) != 0;

    private int _closed;

    /// <summary>Marks the connection closed (idempotent). Requests already in flight are not interrupted.</summary>
    internal void Close() => Interlocked.Exchange(ref _closed, 1);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "OneLogin {0} (client {1})", BaseUri.GetLeftPart(UriPartial.Authority), ClientId);
}
