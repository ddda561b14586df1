using System;
using System.Net;
using System.Security;

namespace OneLoginMfa.Http;

/// <summary>Everything a connection needs to talk to one tenant. Validated by the caller (Connect-OneLogin).</summary>
internal sealed class OneLoginClientOptions
{
    public OneLoginClientOptions(Uri baseUri, string clientId, SecureString clientSecret)
    {
        BaseUri = EndpointResolver.WithTrailingSlash(baseUri);
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    /// <summary>The API root, always ending in '/'.</summary>
    public Uri BaseUri { get; }

    public string ClientId { get; }

    /// <summary>Read-only copy owned by the connection; turned into plain text only while building a request.</summary>
    public SecureString ClientSecret { get; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetry { get; set; } = 3;

    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An explicit proxy; null means the system proxy.</summary>
    public Uri? Proxy { get; set; }

    public NetworkCredential? ProxyCredential { get; set; }

    public bool ProxyUseDefaultCredentials { get; set; }

    public string UserAgent { get; set; } = "OneLoginMfa";

    /// <summary>Backoff base for retries (doubling, full jitter, capped at <see cref="RetryDelayCap"/>).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryDelayCap { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The key of the shared rate budget: one per account (base URI + client id).</summary>
    public string AccountKey => BaseUri.AbsoluteUri.ToUpperInvariant() + "|" + ClientId;
}
