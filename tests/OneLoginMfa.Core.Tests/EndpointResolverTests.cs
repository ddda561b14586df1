using System;
using OneLoginMfa.Http;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Design 2 (Connect-OneLogin): -Subdomain, -Region and -BaseUri.</summary>
public class EndpointResolverTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("ACME")]
    [InlineData("acme.onelogin.com")]
    [InlineData("ACME.OneLogin.com")]
    [InlineData("https://acme.onelogin.com/")]
    [InlineData("https://acme.onelogin.com")]
    [InlineData("HTTPS://ACME.ONELOGIN.COM")]
    [InlineData("https://acme.onelogin.com:443/")]
    public void Subdomain_forms_all_mean_the_tenant_host(string value)
    {
        Uri uri = EndpointResolver.FromSubdomain(value);

        Assert.Equal("https://acme.onelogin.com/", uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("my-company")]
    [InlineData("a")]
    [InlineData("acme2")]
    public void Subdomain_labels_with_digits_and_inner_hyphens_are_accepted(string value)
    {
        Assert.Equal("https://" + value + ".onelogin.com/", EndpointResolver.FromSubdomain(value).AbsoluteUri);
    }

    [Theory]
    [InlineData("acme corp")]
    [InlineData(" acme")]
    [InlineData("acme ")]
    [InlineData("")]
    [InlineData("https://acme.onelogin.com/path")]
    [InlineData("https://acme.onelogin.com/?x=1")]
    [InlineData("https://acme.onelogin.com/#frag")]
    [InlineData("https://acme.onelogin.com:8443/")]
    [InlineData("https://user:pw@acme.onelogin.com/")]
    [InlineData("http://acme.onelogin.com")]
    [InlineData("ftp://x")]
    [InlineData("acme.example.com")]
    [InlineData("https://evil.example.com/")]
    [InlineData("onelogin.com")]
    [InlineData("a.b.onelogin.com")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme_corp")]
    [InlineData("acme/")]
    public void Anything_but_a_tenant_name_is_an_argument_error(string value)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => EndpointResolver.FromSubdomain(value));

        Assert.Equal("subdomain", ex.ParamName);
    }

    [Fact]
    public void Null_subdomain_is_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => EndpointResolver.FromSubdomain(null!));
    }

    [Theory]
    [InlineData(OneLoginRegion.US, "https://api.us.onelogin.com/")]
    [InlineData(OneLoginRegion.EU, "https://api.eu.onelogin.com/")]
    public void Regions_map_to_the_legacy_hosts(OneLoginRegion region, string expected)
    {
        Assert.Equal(expected, EndpointResolver.FromRegion(region).AbsoluteUri);
    }

    [Theory]
    [InlineData("https://acme.onelogin.com", "https://acme.onelogin.com/")]
    [InlineData("https://api.us.onelogin.com/", "https://api.us.onelogin.com/")]
    [InlineData("https://proxy.example.com:8443/onelogin", "https://proxy.example.com:8443/onelogin/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://127.8.9.10/", "http://127.8.9.10/")]
    [InlineData("http://localhost", "http://localhost/")]
    [InlineData("http://LOCALHOST:8080/", "http://localhost:8080/")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080/")]
    public void Base_uri_accepts_https_anywhere_and_http_only_on_loopback(string value, string expected)
    {
        Assert.Equal(expected, EndpointResolver.FromBaseUri(new Uri(value)).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("http://10.0.0.1")]
    [InlineData("http://192.168.1.1:5000/")]
    [InlineData("http://localhost.example.com/")]
    [InlineData("http://[::2]:8080/")]
    [InlineData("https://acme.onelogin.com/?tenant=x")]
    [InlineData("https://acme.onelogin.com/#x")]
    [InlineData("https://user:pw@acme.onelogin.com/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("file:///tmp/x")]
    public void Base_uri_rejects_plain_http_to_other_hosts_queries_and_other_schemes(string value)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => EndpointResolver.FromBaseUri(new Uri(value)));

        Assert.Equal("baseUri", ex.ParamName);
    }

    [Fact]
    public void Relative_base_uri_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EndpointResolver.FromBaseUri(new Uri("/api", UriKind.Relative)));
    }

    [Fact]
    public void Options_always_end_the_base_uri_in_a_slash_and_key_the_budget_by_host_and_client()
    {
        var a = new OneLoginClientOptions(new Uri("https://acme.onelogin.com"), "client-1", Infrastructure.TestClient.Secret());
        var b = new OneLoginClientOptions(new Uri("https://ACME.onelogin.com/"), "client-1", Infrastructure.TestClient.Secret());
        var c = new OneLoginClientOptions(new Uri("https://acme.onelogin.com/"), "client-2", Infrastructure.TestClient.Secret());

        Assert.Equal("https://acme.onelogin.com/", a.BaseUri.AbsoluteUri);
        Assert.Equal(a.AccountKey, b.AccountKey);
        Assert.NotEqual(a.AccountKey, c.AccountKey);
        Assert.Same(RateLimitGovernor.For(a.AccountKey), RateLimitGovernor.For(b.AccountKey));
        Assert.NotSame(RateLimitGovernor.For(a.AccountKey), RateLimitGovernor.For(c.AccountKey));
    }
}
