using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Design section 2 "Wire rules", asserted on the requests as they reached the handler.</summary>
public class WireRulesTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Token_request_uses_basic_auth_and_exact_json_content_type()
    {
        using var client = TestClient.Create();

        await client.Api.AuthenticateAsync(s_none);

        RecordedRequest token = Assert.Single(client.Handler.Requests);
        Assert.Equal("POST", token.Method);
        Assert.Equal(new Uri(client.Options.BaseUri, "auth/oauth2/v2/token"), token.Uri);
        Assert.Equal(client.Options.BaseUri.AbsoluteUri + "auth/oauth2/v2/token", token.Uri.AbsoluteUri);
        string expectedBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TestClient.ClientId + ":" + TestClient.ClientSecret));
        Assert.Equal(expectedBasic, token.Authorization);
        Assert.Equal("application/json", token.ContentHeaders["Content-Type"]);
        Assert.Equal("""{"grant_type":"client_credentials"}""", token.Body);
        Assert.Equal("OneLoginMfa/1.2.3 PowerShell/7.4.6", token.Header("User-Agent"));
    }

    [Fact]
    public async Task Basic_credentials_are_utf8_encoded_and_may_contain_a_colon_in_the_secret()
    {
        var handler = new StubHandler();
        var options = new OneLoginMfa.Http.OneLoginClientOptions(TestClient.UniqueBaseUri(), "client-ü", TestClient.Secret("se:cr€t"));
        using var pipeline = new OneLoginMfa.Http.OneLoginHttpPipeline(options, handler);

        await pipeline.Tokens.GetAsync(OneLoginMfa.Http.NullRequestObserver.Instance, s_none);

        string header = handler.TokenRequests.Single().Authorization!;
        Assert.StartsWith("Basic ", header, StringComparison.Ordinal);
        Assert.Equal("client-ü:se:cr€t", Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring("Basic ".Length))));
    }

    [Fact]
    public async Task Resource_calls_carry_colon_bearer_accept_json_and_the_user_agent()
    {
        using var client = TestClient.Create(o => o.UserAgent = "OneLoginMfa/9.8.7 PowerShell/5.1.19041.1");
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors);

        await client.Api.GetAvailableAuthFactorsAsync(5, s_none);

        RecordedRequest call = client.Handler.ResourceRequests.Single();
        Assert.Equal("GET", call.Method);
        Assert.Equal("bearer:token-1", call.Authorization);
        Assert.Equal("application/json", call.Header("Accept"));
        Assert.Equal("OneLoginMfa/9.8.7 PowerShell/5.1.19041.1", call.Header("User-Agent"));
        Assert.Null(call.Body);
        Assert.False(call.ContentHeaders.ContainsKey("Content-Type"));
    }

    [Fact]
    public async Task Resource_post_body_is_json_with_exact_content_type()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.Created, Samples.MfaToken);

        await client.Api.NewMfaTokenAsync(5, null, reusable: true, s_none);

        RecordedRequest call = client.Handler.ResourceRequests.Single();
        Assert.Equal("POST", call.Method);
        Assert.Equal("application/json", call.ContentHeaders["Content-Type"]);
        Assert.Equal("""{"reusable":true}""", call.Body);
        Assert.Equal("bearer:token-1", call.Authorization);
    }

    [Fact]
    public async Task Base_uri_with_a_path_keeps_the_path_for_every_call()
    {
        var handler = new StubHandler();
        handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactorsEmpty);
        var options = new OneLoginMfa.Http.OneLoginClientOptions(new Uri("http://127.0.0.1:5000/tenant-" + Guid.NewGuid().ToString("N")), "id", TestClient.Secret());
        using var pipeline = new OneLoginMfa.Http.OneLoginHttpPipeline(options, handler);
        var api = new OneLoginApi(pipeline, null);

        await api.GetAvailableAuthFactorsAsync(5, s_none);

        Assert.EndsWith("/", options.BaseUri.AbsoluteUri, StringComparison.Ordinal);
        Assert.All(handler.Requests, r => Assert.StartsWith(options.BaseUri.AbsolutePath, r.Path, StringComparison.Ordinal));
        Assert.Equal(options.BaseUri.AbsolutePath + "api/1/users/5/auth_factors", handler.ResourceRequests.Single().Path);
    }

    // ---- users paging ---------------------------------------------------------------------------------

    [Fact]
    public void First_users_page_is_filters_then_limit_50_escaped()
    {
        string path = OneLoginApi.FirstUsersPage(new[]
        {
            new KeyValuePair<string, string>("email", "kelly*@onelogin.com"),
            new KeyValuePair<string, string>("custom_attributes.food", "chicken & chips"),
        });

        Assert.Equal("api/2/users?email=kelly%2A%40onelogin.com&custom_attributes.food=chicken%20%26%20chips&limit=50", path);
        Assert.Equal("api/2/users?limit=50", OneLoginApi.FirstUsersPage(Array.Empty<KeyValuePair<string, string>>()));
    }

    [Fact]
    public void Next_users_page_is_only_the_cursor_url_encoded_with_case_preserved()
    {
        Assert.Equal("api/2/users?cursor=bGltaXQ9MTAwMCZwYWdlPTM%3D", OneLoginApi.NextUsersPage("bGltaXQ9MTAwMCZwYWdlPTM="));
        Assert.Equal("api/2/users?cursor=Ab%2Bc%2FDe%3D%3D", OneLoginApi.NextUsersPage("Ab+c/De=="));
    }

    [Fact]
    public void Next_users_page_with_filters_repeats_them_with_the_cursor_but_never_limit_or_page()
    {
        string path = OneLoginApi.NextUsersPage(
            new[] { new KeyValuePair<string, string>("email", "kelly*"), new KeyValuePair<string, string>("directory_id", "7") },
            "bGltaXQ9NTAmcGFnZT0y");

        Assert.Equal("api/2/users?email=kelly%2A&directory_id=7&cursor=bGltaXQ9NTAmcGFnZT0y", path);
        Assert.Equal(new[] { "email", "directory_id", "cursor" }, QueryKeys(new Uri("https://x/" + path)));
    }

    [Fact]
    public async Task Users_paging_follows_after_cursor_only_and_stops_when_it_is_absent()
    {
        // Mixed-case cursors with the characters base64 needs escaping for.
        const string cursor2 = "bGltaXQ9NTAmcGFnZT0y";
        const string cursor3 = "QmFzZTY0+Q3Vyc29y/PaGE9Mw==";
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, "[" + User(1) + "," + User(2) + "]", ("Total-Count", "5"), ("After-Cursor", cursor2), ("Current-Page", "1"));
        client.Handler.Enqueue(HttpStatusCode.OK, "[" + User(3) + "," + User(4) + "]", ("Total-Count", "5"), ("After-Cursor", cursor3), ("Before-Cursor", "YmVmb3Jl"));
        client.Handler.Enqueue(HttpStatusCode.OK, "[" + User(5) + "]", ("Total-Count", "5"), ("Before-Cursor", "YmVmb3JlMg=="));

        var ids = new List<long>();
        var cursors = new List<string?>();
        string path = OneLoginApi.FirstUsersPage(new[] { new KeyValuePair<string, string>("updated_since", "2020-01-01T00:00:00Z") });
        for (int guard = 0; guard < 10; guard++)
        {
            UserPage page = await client.Api.GetUsersPageAsync(path, s_none);
            ids.AddRange(page.Users.Select(u => u.Id));
            cursors.Add(page.AfterCursor);
            Assert.Equal(5, page.TotalCount);
            if (page.AfterCursor is null)
            {
                break;
            }

            path = OneLoginApi.NextUsersPage(page.AfterCursor);
        }

        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, ids);
        Assert.Equal(new[] { cursor2, cursor3, null }, cursors);
        IReadOnlyList<RecordedRequest> sent = client.Handler.ResourceRequests;
        Assert.Equal(3, sent.Count);
        Assert.Equal("api/2/users?updated_since=2020-01-01T00%3A00%3A00Z&limit=50", sent[0].RelativeUri);
        Assert.Equal("api/2/users?cursor=" + cursor2, sent[1].RelativeUri);
        Assert.Equal("api/2/users?cursor=QmFzZTY0%2BQ3Vyc29y%2FPaGE9Mw%3D%3D", sent[2].RelativeUri);
        // Later pages carry the cursor and nothing else: never limit or page with it.
        foreach (RecordedRequest later in sent.Skip(1))
        {
            Assert.Equal(new[] { "cursor" }, QueryKeys(later.Uri));
        }

        // Decoding the query gives back the cursor exactly, case included.
        Assert.Equal(cursor3, Uri.UnescapeDataString(sent[2].Uri.Query.AsSpan("?cursor=".Length)));
        Assert.All(sent, r => Assert.Equal("bearer:token-1", r.Authorization));
    }

    [Fact]
    public async Task Blank_after_cursor_header_means_last_page()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, "[]", ("After-Cursor", "  "));

        UserPage page = await client.Api.GetUsersPageAsync("api/2/users?limit=50", s_none);

        Assert.Null(page.AfterCursor);
        Assert.Null(page.TotalCount);
        Assert.Empty(page.Users);
    }

    private static string User(long id) => "{\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"username\":\"u" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\",\"status\":1}";

    private static string[] QueryKeys(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).ToArray();
}
