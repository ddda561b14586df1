using System;
using System.Net;
using System.Text.RegularExpressions;

namespace OneLoginMfa.Http;

/// <summary>Turns -Subdomain, -Region and -BaseUri into the API root, refusing anything unsafe or ambiguous.</summary>
internal static class EndpointResolver
{
    private static readonly Regex s_label = new("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant);

    /// <summary><c>acme</c>, <c>acme.onelogin.com</c> and <c>https://acme.onelogin.com/</c> all give https://acme.onelogin.com/.</summary>
    public static Uri FromSubdomain(string subdomain)
    {
        if (subdomain is null)
        {
            throw new ArgumentNullException(nameof(subdomain));
        }

        // No trimming: a value with spaces is a mistake worth reporting, not guessing about.
        string value = subdomain;
        if (value.Length == 0)
        {
            throw new ArgumentException("The subdomain is empty.", nameof(subdomain));
        }

        string host = value;
        if (value.IndexOf("://", StringComparison.Ordinal) >= 0)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || !string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{subdomain}' is not a OneLogin subdomain: a URL must use https, e.g. https://acme.onelogin.com.", nameof(subdomain));
            }

            if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || !uri.IsDefaultPort || uri.UserInfo.Length > 0)
            {
                throw new ArgumentException($"'{subdomain}' is not a OneLogin subdomain: give just the tenant, e.g. 'acme' or 'https://acme.onelogin.com' (no path, port or query).", nameof(subdomain));
            }

            host = uri.Host;
        }

        host = host.ToLowerInvariant();
        const string suffix = ".onelogin.com";
        if (host.EndsWith(suffix, StringComparison.Ordinal))
        {
            host = host.Substring(0, host.Length - suffix.Length);
        }

        if (!s_label.IsMatch(host))
        {
            throw new ArgumentException($"'{subdomain}' is not a OneLogin subdomain. Use the name in your portal address, e.g. 'acme' for https://acme.onelogin.com.", nameof(subdomain));
        }

        return new Uri("https://" + host + suffix + "/");
    }

    public static Uri FromRegion(OneLoginRegion region) =>
        new(region == OneLoginRegion.EU ? "https://api.eu.onelogin.com/" : "https://api.us.onelogin.com/");

    /// <summary>An absolute https URI, or http to a loopback host (the emulator and tests). Nothing else.</summary>
    public static Uri FromBaseUri(Uri baseUri)
    {
        if (baseUri is null)
        {
            throw new ArgumentNullException(nameof(baseUri));
        }

        if (!baseUri.IsAbsoluteUri)
        {
            throw new ArgumentException($"'{baseUri}' is not an absolute URI. Give the API root, e.g. https://acme.onelogin.com.", nameof(baseUri));
        }

        if (baseUri.Query.Length > 0 || baseUri.Fragment.Length > 0 || baseUri.UserInfo.Length > 0)
        {
            throw new ArgumentException($"'{baseUri}' must not carry a query, fragment or user info.", nameof(baseUri));
        }

        if (string.Equals(baseUri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return WithTrailingSlash(baseUri);
        }

        if (string.Equals(baseUri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            if (IsLoopback(baseUri))
            {
                return WithTrailingSlash(baseUri);
            }

            throw new ArgumentException($"'{baseUri}' uses http. OneLogin is reached over https only; http is allowed for loopback addresses (127.0.0.0/8, ::1, localhost) such as the test emulator.", nameof(baseUri));
        }

        throw new ArgumentException($"'{baseUri}' uses the scheme '{baseUri.Scheme}'. Use https.", nameof(baseUri));
    }

    public static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string host = uri.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    public static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");
}
