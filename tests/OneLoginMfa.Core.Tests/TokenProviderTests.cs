using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using OneLoginMfa.Http;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Design 5 (Token): renewed ahead of expiry; a 401 triggers one renewal; concurrent renewals coalesce.</summary>
public class TokenProviderTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Token_is_cached_across_calls()
    {
        using var client = TestClient.Create();
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactors));

        for (int i = 0; i < 10; i++)
        {
            await client.Api.GetAvailableAuthFactorsAsync(i + 1, s_none);
        }

        Assert.Single(client.Handler.TokenRequests);
        Assert.Equal(10, client.Handler.ResourceRequests.Count);
        Assert.All(client.Handler.ResourceRequests, r => Assert.Equal("bearer:token-1", r.Authorization));
    }

    [Fact]
    public async Task Twenty_concurrent_first_calls_share_one_token_request()
    {
        using var client = TestClient.Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Handler.TokenResponder = async (_, _) =>
        {
            await release.Task;
            return Respond.Json(HttpStatusCode.OK, StubHandler.TokenBody("shared-token"));
        };
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactors));

        Task[] calls = Enumerable.Range(1, 20).Select(i => Task.Run(() => client.Api.GetAvailableAuthFactorsAsync(i, s_none))).ToArray();
        await WaitUntil(() => client.Handler.TokenRequests.Count >= 1);
        await Task.Delay(50); // give every caller time to arrive while the token request is open
        release.SetResult();
        await Task.WhenAll(calls);

        Assert.Single(client.Handler.TokenRequests);
        Assert.Equal(20, client.Handler.ResourceRequests.Count);
        Assert.All(client.Handler.ResourceRequests, r => Assert.Equal("bearer:shared-token", r.Authorization));
    }

    [Fact]
    public async Task A_401_with_the_v2_UnauthorizedError_body_renews_once_and_retries_with_the_new_token()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.Unauthorized, Samples.UnauthorizedV2);
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginUser user = await client.Api.GetUserAsync(36216766, s_none);

        Assert.Equal(36216766, user.Id);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(new[] { "bearer:token-1", "bearer:token-2" }, client.Handler.ResourceRequests.Select(r => r.Authorization).ToArray());
        Assert.Equal("token-2", client.Pipeline.Tokens.Current!.Value);
        Assert.Contains(client.Observer.Lines, l => l.Contains("getting a new one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_401_on_a_post_is_retried_after_renewal_because_the_server_refused_it()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.Unauthorized, Samples.AuthenticationFailure);
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Trigger);

        AuthFactorChallenge challenge = await client.Api.SendChallengeAsync(35510511, 525509, null, false, null, s_none);

        Assert.Equal(525509, challenge.DeviceId);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
    }

    [Fact]
    public async Task Twenty_concurrent_401s_coalesce_into_one_renewal()
    {
        using var client = TestClient.Create();
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstTokenCalls = 0;
        client.Handler.Fallback = async (request, _) =>
        {
            if (request.Authorization == "bearer:token-1")
            {
                // Hold every 401 until all 20 calls are in flight with the old token.
                if (Interlocked.Increment(ref firstTokenCalls) == 20)
                {
                    allSent.SetResult();
                }

                await allSent.Task;
                return Respond.Json(HttpStatusCode.Unauthorized, Samples.UnauthorizedV2);
            }

            return Respond.Json(HttpStatusCode.OK, Samples.UserV2);
        };

        OneLoginUser[] users = await Task.WhenAll(Enumerable.Range(1, 20).Select(_ => Task.Run(() => client.Api.GetUserAsync(36216766, s_none))));

        Assert.Equal(20, users.Length);
        Assert.Equal(2, client.Handler.TokenRequests.Count); // the first token and ONE renewal
        Assert.Equal(20, client.Handler.ResourceRequests.Count(r => r.Authorization == "bearer:token-1"));
        Assert.Equal(20, client.Handler.ResourceRequests.Count(r => r.Authorization == "bearer:token-2"));
    }

    [Fact]
    public async Task A_second_401_after_renewal_is_not_renewed_again()
    {
        using var client = TestClient.Create();
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.Unauthorized, Samples.UnauthorizedV2));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("Unauthorized", ex.Message);
        Assert.Equal("UnauthorizedError", ex.ApiErrorType);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task Token_is_renewed_once_its_short_lifetime_is_used_up()
    {
        using var client = TestClient.Create();
        client.Handler.TokenLifetimeSeconds = 1; // stale after 0.9 s (10% margin of a short lifetime)
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactorsEmpty));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        await client.Api.GetAvailableAuthFactorsAsync(2, s_none);
        AccessToken first = client.Pipeline.Tokens.Current!;
        TimeSpan untilStale = first.ExpiresAt - TimeSpan.FromMilliseconds(100) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(20);
        await Task.Delay(untilStale > TimeSpan.Zero ? untilStale : TimeSpan.Zero);
        await client.Api.GetAvailableAuthFactorsAsync(3, s_none);

        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(
            new[] { "bearer:token-1", "bearer:token-1", "bearer:token-2" },
            client.Handler.ResourceRequests.Select(r => r.Authorization).ToArray());
        // No 401 was needed: the renewal happened before the call, not after a refusal.
        Assert.DoesNotContain(client.Observer.Lines, l => l.Contains("refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, 1.79, false)]
    [InlineData(2, 1.80, true)]
    [InlineData(36000, 35699, false)] // 10 h: 5 minutes early
    [InlineData(36000, 35700, true)]
    [InlineData(600, 539, false)]     // 10 min: 10% = 60 s early
    [InlineData(600, 540, true)]
    [InlineData(600, 700, true)]      // past expiry
    public void Token_is_stale_five_minutes_or_ten_percent_of_its_lifetime_before_expiry(int lifetimeSeconds, double ageSeconds, bool stale)
    {
        var obtained = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var token = new AccessToken("t", obtained, TimeSpan.FromSeconds(lifetimeSeconds), 1);

        Assert.Equal(stale, token.IsStale(obtained.AddSeconds(ageSeconds)));
        Assert.Equal(obtained.AddSeconds(lifetimeSeconds), token.ExpiresAt);
    }

    [Fact]
    public async Task A_caller_cancelling_does_not_cancel_the_shared_token_request()
    {
        using var client = TestClient.Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Handler.TokenResponder = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return Respond.Json(HttpStatusCode.OK, StubHandler.TokenBody("survivor"));
        };
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactorsEmpty));
        using var cts = new CancellationTokenSource();

        Task cancelled = client.Api.GetAvailableAuthFactorsAsync(1, cts.Token);
        Task patient = client.Api.GetAvailableAuthFactorsAsync(2, s_none);
        await WaitUntil(() => client.Handler.TokenRequests.Count == 1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();
        await patient;

        Assert.Single(client.Handler.TokenRequests);
        Assert.Equal("bearer:survivor", client.Handler.ResourceRequests.Single().Authorization);
    }

    [Fact]
    public async Task Revoke_posts_the_token_with_basic_auth_and_forgets_it()
    {
        using var client = TestClient.Create();
        await client.Api.AuthenticateAsync(s_none);
        client.Handler.Enqueue(HttpStatusCode.OK, """{"status":{"error":false,"code":200,"type":"success","message":"Success"}}""");

        await client.Api.RevokeAsync(s_none);

        RecordedRequest revoke = client.Handler.ResourceRequests.Single();
        Assert.Equal("POST", revoke.Method);
        Assert.Equal("auth/oauth2/revoke", revoke.RelativeUri);
        Assert.StartsWith("Basic ", revoke.Authorization, StringComparison.Ordinal);
        Assert.Equal("""{"access_token":"token-1"}""", revoke.Body);
        Assert.Equal("application/json", revoke.ContentHeaders["Content-Type"]);
        Assert.Null(client.Pipeline.Tokens.Current);
    }

    [Fact]
    public async Task A_failed_token_request_is_not_cached_the_next_call_tries_again()
    {
        using var client = TestClient.Create();
        int attempts = 0;
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Interlocked.Increment(ref attempts) == 1
            ? Respond.Json(HttpStatusCode.Unauthorized, Samples.AuthenticationFailure)
            : Respond.Json(HttpStatusCode.OK, StubHandler.TokenBody("second-try")));
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactorsEmpty));

        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(1, s_none));
        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);

        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal("bearer:second-try", client.Handler.ResourceRequests.Single().Authorization);
    }

    [Fact]
    public async Task A_401_with_an_empty_body_renews_once_then_AuthenticationFailed()
    {
        using var client = TestClient.Create();
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.Unauthorized));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetEnrolledAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Theory]
    [InlineData("\"expires_in\":\"300\",", 300)]
    [InlineData("\"expires_in\":300,", 300)]
    [InlineData("", 36000)]
    [InlineData("\"expires_in\":0,", 1)]
    public async Task Token_lifetime_reads_a_string_or_number_and_defaults_to_ten_hours(string expiresIn, int seconds)
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, "{\"access_token\":\"x\"," + expiresIn + "\"token_type\":\"bearer\"}"));

        AccessToken token = await client.Api.AuthenticateAsync(s_none);

        Assert.Equal(TimeSpan.FromSeconds(seconds), token.Lifetime);
        Assert.Null(token.AccountId);
    }

    [Fact]
    public async Task A_renewal_that_got_the_same_token_value_back_is_not_taken_as_already_renewed()
    {
        // OneLogin re-issues the same token until it expires (reference 2.1). Caller X holds the token when
        // caller Y renews it ahead of expiry and gets the same value back as a new object; X's 401 must then
        // still lead to a real renewal, not to a retry with the refused value.
        using var client = TestClient.Create();
        int fetches = 0;
        client.Handler.TokenResponder = (_, _) =>
        {
            int n = Interlocked.Increment(ref fetches);
            return Task.FromResult(Respond.Json(HttpStatusCode.OK, StubHandler.TokenBody(n <= 2 ? "same-token" : "new-token", expiresIn: 1)));
        };
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Handler.Fallback = async (request, _) =>
        {
            if (request.Authorization == "bearer:same-token" && request.Path.Contains("/users/1/", StringComparison.Ordinal))
            {
                await release.Task;
                return Respond.Json(HttpStatusCode.Unauthorized, Samples.AuthenticationFailure);
            }

            return Respond.Json(HttpStatusCode.OK, Samples.AuthFactorsEmpty);
        };

        Task x = client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        await WaitUntil(() => client.Handler.ResourceRequests.Count == 1);
        AccessToken first = client.Pipeline.Tokens.Current!;
        TimeSpan untilStale = first.ExpiresAt - TimeSpan.FromMilliseconds(80) - DateTimeOffset.UtcNow;
        await Task.Delay(untilStale > TimeSpan.Zero ? untilStale : TimeSpan.Zero);
        await client.Api.GetAvailableAuthFactorsAsync(2, s_none); // Y: renews ahead of expiry
        Assert.Equal(2, Volatile.Read(ref fetches));
        Assert.NotSame(first, client.Pipeline.Tokens.Current);
        Assert.Equal("same-token", client.Pipeline.Tokens.Current!.Value);
        release.SetResult();
        await x;

        Assert.Equal(3, client.Handler.TokenRequests.Count);
        Assert.Equal(
            new[] { "bearer:same-token", "bearer:new-token" },
            client.Handler.ResourceRequests.Where(r => r.Path.Contains("/users/1/", StringComparison.Ordinal)).Select(r => r.Authorization).ToArray());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "timed out waiting for the condition");
    }

    [Fact]
    public async Task A_reissued_token_expires_when_its_first_issue_does_not_a_full_lifetime_later()
    {
        // OneLogin re-issues the same token with expires_in 36000 however old it is (reference 2.1): the age
        // comes from the server's Date minus created_at, so a token created 9 h ago has 1 h left.
        using var client = TestClient.Create();
        DateTimeOffset serverNow = DateTimeOffset.UtcNow;
        string created = serverNow.AddHours(-9).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        client.Handler.TokenResponder = (_, _) =>
        {
            HttpResponseMessage response = Respond.Json(HttpStatusCode.OK, "{\"access_token\":\"old\",\"created_at\":\"" + created + "\",\"expires_in\":36000,\"token_type\":\"bearer\",\"account_id\":189185}");
            response.Headers.Date = serverNow;
            return Task.FromResult(response);
        };

        AccessToken token = await client.Api.AuthenticateAsync(s_none);

        TimeSpan left = token.ExpiresAt - DateTimeOffset.UtcNow;
        Assert.InRange(left.TotalMinutes, 58, 61);
    }

    [Fact]
    public async Task Without_a_Date_header_the_lifetime_counts_from_the_local_request()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, StubHandler.TokenBody("fresh", 3600)));

        AccessToken token = await client.Api.AuthenticateAsync(s_none);

        Assert.InRange((token.ExpiresAt - DateTimeOffset.UtcNow).TotalMinutes, 59, 61);
    }
}
