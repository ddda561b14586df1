using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Http;

/// <summary>An access token and when we consider it expired (computed from the local request time).</summary>
internal sealed class AccessToken
{
    public AccessToken(string value, DateTimeOffset obtainedAt, TimeSpan lifetime, long? accountId)
    {
        Value = value;
        ObtainedAt = obtainedAt;
        ExpiresAt = obtainedAt + lifetime;
        Lifetime = lifetime;
        AccountId = accountId;
    }

    public string Value { get; }

    public DateTimeOffset ObtainedAt { get; }

    public DateTimeOffset ExpiresAt { get; }

    public TimeSpan Lifetime { get; }

    public long? AccountId { get; }

    /// <summary>Renew ahead of expiry: 5 minutes early, or 10% of a short lifetime.</summary>
    public bool IsStale(DateTimeOffset now)
    {
        TimeSpan margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, Lifetime.Ticks / 10));
        return now >= ExpiresAt - margin;
    }
}

/// <summary>
/// Gets client-credentials tokens from POST /auth/oauth2/v2/token, renews them ahead of expiry, and
/// coalesces concurrent renewals into one request. Thread-safe; one per connection.
/// </summary>
internal sealed class TokenProvider
{
    private readonly OneLoginHttpPipeline _pipeline;
    private readonly object _gate = new();
    private AccessToken? _current;
    private Task<AccessToken>? _pending;

    public TokenProvider(OneLoginHttpPipeline pipeline) => _pipeline = pipeline;

    public AccessToken? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>A valid token: the cached one, or a fresh one (one request however many callers ask at once).</summary>
    public Task<AccessToken> GetAsync(IRequestObserver observer, CancellationToken cancellationToken) =>
        GetAsync(null, observer, cancellationToken);

    /// <summary>
    /// After a 401 with <paramref name="rejected"/>: a new token, unless another caller already renewed it,
    /// in which case that one is returned.
    /// </summary>
    public Task<AccessToken> RenewAsync(AccessToken rejected, IRequestObserver observer, CancellationToken cancellationToken) =>
        GetAsync(rejected, observer, cancellationToken);

    /// <summary>Forgets the token (after a revoke); the next call fetches a new one.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _current = null;
        }
    }

    private async Task<AccessToken> GetAsync(AccessToken? rejected, IRequestObserver observer, CancellationToken cancellationToken)
    {
        // The refused token is compared by value, not by object: OneLogin hands back the same token until it
        // expires (reference 2.1), so a renewal ahead of expiry yields a new AccessToken carrying the very
        // value that is about to be refused. Comparing objects, a caller refused with the older object took
        // that re-issued copy as "already renewed", was refused again and failed with AuthenticationFailed.
        for (int attempt = 0; ; attempt++)
        {
            Task<AccessToken> pending;
            lock (_gate)
            {
                AccessToken? current = _current;
                bool usable = current is not null && !current.IsStale(DateTimeOffset.UtcNow)
                    && (rejected is null || !string.Equals(current.Value, rejected.Value, StringComparison.Ordinal));
                if (usable)
                {
                    return current!;
                }

                if (_pending is null || _pending.IsCompleted)
                {
                    // The request itself must not be cancelled by one caller's Ctrl+C while others wait on it.
                    _pending = FetchAsync(observer);
                }

                pending = _pending;
            }

            AccessToken token = await WaitAsync(pending, cancellationToken).ConfigureAwait(false);

            // A fetch already under way when the token was refused (a renewal ahead of expiry) may bring the
            // refused value back; then ask once more, now that the server has let it expire.
            if (rejected is null || attempt > 0 || !string.Equals(token.Value, rejected.Value, StringComparison.Ordinal))
            {
                return token;
            }
        }
    }

    private async Task<AccessToken> FetchAsync(IRequestObserver observer)
    {
        AccessToken token = await _pipeline.RequestTokenAsync(observer, CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            _current = token;
        }

        return token;
    }

    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || task.IsCompleted)
        {
            return await task.ConfigureAwait(false);
        }

        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Builds "Basic base64(id:secret)", holding the secret in plain text only inside this method.</summary>
    internal static AuthenticationHeaderValue BasicHeader(string clientId, SecureString secret)
    {
        IntPtr ptr = IntPtr.Zero;
        char[]? chars = null;
        byte[]? bytes = null;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
            chars = new char[clientId.Length + 1 + secret.Length];
            clientId.CopyTo(0, chars, 0, clientId.Length);
            chars[clientId.Length] = ':';
            Marshal.Copy(ptr, chars, clientId.Length + 1, secret.Length);
            bytes = Encoding.UTF8.GetBytes(chars);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(bytes));
        }
        finally
        {
            if (ptr != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }

            if (chars is not null)
            {
                Array.Clear(chars, 0, chars.Length);
            }

            if (bytes is not null)
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }

    /// <summary>The token request body and exact content type (no charset: a known OneLogin quirk).</summary>
    internal static HttpContent TokenRequestContent()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"grant_type\":\"client_credentials\"}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
