using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>The governor as the pipeline uses it: headers in, waits before sends, 429 and 400 rate_limit_exceeded.</summary>
public class RateLimitPipelineTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Every_v1_response_feeds_the_budget_headers()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4912, 1195));

        await client.Api.GetAvailableAuthFactorsAsync(5, s_none);

        OneLoginRateLimit snapshot = client.Budget.Snapshot()!;
        Assert.Equal(5000, snapshot.Limit);
        Assert.Equal(4912, snapshot.Remaining);
        Assert.Equal(time.Now.AddSeconds(1195), snapshot.ResetAt);
        Assert.Contains(client.Observer.Lines, l => l.Contains("budget 4912/5000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lowercase_rate_headers_as_captured_are_read()
    {
        using var client = TestClient.Create();
        client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.OtpDevicesEmptyReal, ("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "4902"), ("x-ratelimit-reset", "1189"));

        await client.Api.GetEnrolledAuthFactorsAsync(5, s_none);

        Assert.Equal(4902, client.Budget.Snapshot()!.Remaining);
    }

    [Fact]
    public async Task A_call_is_not_sent_while_the_budget_is_spent_it_waits_for_the_reset()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 0, 3));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        DateTimeOffset resetAt = time.Now.AddSeconds(3);
        Assert.Empty(time.Delays);

        await client.Api.GetAvailableAuthFactorsAsync(2, s_none);

        Assert.Equal(TimeSpan.FromSeconds(3), time.TotalDelay);
        Assert.True(time.Now >= resetAt);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
        Assert.True(client.Observer.Waits[0].First);
        Assert.Equal(1, client.Observer.Waits.Count(w => w.First));
        Assert.Equal(1, client.Observer.WaitsEnded);
    }

    [Fact]
    public async Task Spent_budget_with_reset_beyond_MaxRateLimitWait_fails_without_sending()
    {
        using var client = TestClient.Create(o => o.MaxRateLimitWait = TimeSpan.FromMinutes(1));
        client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 0, 1195));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(2, s_none));

        Assert.Equal(OneLoginErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1195), ex.RetryAfter);
        Assert.Null(ex.StatusCode);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/1/users/2/auth_factors", ex.Path);
        Assert.Single(client.Handler.ResourceRequests); // the second call never left
    }

    [Fact]
    public async Task A_v1_error_without_rate_headers_does_not_unmeter_v1()
    {
        // Real v1 401s carry no X-RateLimit-* (reference 8); neither do a gateway's 5xx pages.
        using var client = TestClient.Create(o => o.MaxRetry = 0);
        client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 100, 1000));
        client.Handler.Enqueue(HttpStatusCode.Unauthorized, Samples.InsufficientPermission);
        client.Handler.EnqueueResponse(() => Respond.Html(HttpStatusCode.BadGateway, Samples.BadGatewayHtml));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(2, s_none));
        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(3, s_none));

        Assert.True(client.Budget.IsMetered("api/1"));
    }

    [Fact]
    public async Task Unmetered_v2_call_is_not_blocked_by_a_spent_v1_budget()
    {
        using var client = TestClient.Create(o => o.MaxRateLimitWait = TimeSpan.Zero);
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 0, 1195));
        client.Handler.Enqueue(HttpStatusCode.OK, "[" + Samples.UserV2 + "]");

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        UserPage page = await client.Api.GetUsersPageAsync("api/2/users?limit=50", s_none);

        Assert.Single(page.Users);
        Assert.Empty(time.Delays);
        Assert.False(client.Budget.IsMetered("api/2"));
        // ... while a v1 call is still held back.
        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(2, s_none));
    }

    [Fact]
    public async Task A_v2_response_carrying_rate_headers_makes_v2_metered()
    {
        using var client = TestClient.Create();
        client.UseFakeTime();
        Assert.False(client.Budget.IsMetered("api/2"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2, Respond.RateHeaders(5000, 4000, 1000));

        await client.Api.GetUserAsync(36216766, s_none);

        Assert.True(client.Budget.IsMetered("api/2"));
    }

    [Fact]
    public async Task A_v1_success_without_rate_headers_makes_v1_unmetered()
    {
        using var client = TestClient.Create();
        client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors);

        await client.Api.GetAvailableAuthFactorsAsync(5, s_none);

        Assert.False(client.Budget.IsMetered("api/1"));
    }

    [Fact]
    public async Task A_429_with_retry_after_marks_the_budget_spent_and_resends_after_the_wait()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 10, 1195));
        client.Handler.Enqueue(
            HttpStatusCode.TooManyRequests,
            """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""",
            ("Retry-After", "7"),
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "7"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        time.Advance(TimeSpan.FromSeconds(1188)); // the window's last 7 seconds: the 429's figures agree with it
        DateTimeOffset refusedAt = time.Now;
        var factors = await client.Api.GetAvailableAuthFactorsAsync(2, s_none);

        Assert.Single(factors);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
        Assert.Equal(TimeSpan.FromSeconds(7), time.TotalDelay);
        Assert.True(time.Now >= refusedAt.AddSeconds(7));
        Assert.Equal(1, client.Observer.Waits.Count(w => w.First));
    }

    [Fact]
    public async Task A_429_on_a_post_is_resent_because_a_refusal_is_a_no_op()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(
            HttpStatusCode.TooManyRequests,
            """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""",
            ("Retry-After", "2"),
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "2"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Enroll, Respond.RateHeaders(5000, 4999, 3600));

        EnrolledAuthFactor device = await client.Api.RegisterAuthFactorAsync(35510511, 16282, "Rich's Phone", "+14156456830", false, s_none);

        Assert.Equal(525509, device.DeviceId);
        Assert.Equal(new[] { "POST", "POST" }, client.Handler.ResourceRequests.Select(r => r.Method).ToArray());
        Assert.Equal(TimeSpan.FromSeconds(2), time.TotalDelay);
    }

    [Fact]
    public async Task A_429_with_budget_left_waits_only_its_retry_after_and_later_calls_flow()
    {
        // Reference 4 leaves the limit's shape open (a leaky bucket per DataGrail): a burst refusal while
        // the headers show budget must not hold calls until the hourly reset.
        using var client = TestClient.Create(o => o.MaxRateLimitWait = TimeSpan.FromMinutes(1));
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""", ("Retry-After", "1"), ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "3900"), ("X-RateLimit-Reset", "3600"));
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 3899, 3599)));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        await client.Api.GetAvailableAuthFactorsAsync(2, s_none);

        Assert.Equal(TimeSpan.FromSeconds(1), time.TotalDelay);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task A_429_without_retry_after_backs_off_when_budget_is_left_else_waits_for_the_reset()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        const string body = """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""";
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, body, Respond.RateHeaders(5000, 3900, 3600));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 3899, 3600));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);
        TimeSpan burstWait = time.TotalDelay;

        time.Advance(TimeSpan.FromSeconds(3590));
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, body, Respond.RateHeaders(5000, 0, 8));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));
        await client.Api.GetAvailableAuthFactorsAsync(2, s_none);

        Assert.Equal(TimeSpan.FromSeconds(2), burstWait); // first refusal: 2 s, doubling per refusal of one call
        Assert.Equal(TimeSpan.FromSeconds(10), time.TotalDelay); // + the 8 s to the window's reset
        Assert.Equal(4, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task A_v1_429_without_rate_headers_still_waits_before_resending()
    {
        // The 429 body and status are UNCONFIRMED (reference 4); a gateway may well send no X-RateLimit-*.
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""", ("Retry-After", "5"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);

        Assert.Equal(2, client.Handler.ResourceRequests.Count);
        Assert.Equal(TimeSpan.FromSeconds(5), time.TotalDelay);
        Assert.True(client.Budget.IsMetered("api/1"));
    }

    [Fact]
    public async Task A_400_rate_limit_exceeded_v1_body_takes_the_same_path()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.BadRequest, Samples.RateLimitExceededV1, Respond.RateHeaders(5000, 0, 4));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));

        var factors = await client.Api.GetAvailableAuthFactorsAsync(1, s_none);

        Assert.Single(factors);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
        Assert.Equal(TimeSpan.FromSeconds(4), time.TotalDelay);
        Assert.Single(client.Handler.TokenRequests); // not mistaken for a token problem
    }

    [Fact]
    public async Task A_400_whose_message_says_rate_limit_is_treated_as_a_refusal()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.BadRequest, """{"status":{"error":true,"code":400,"type":"bad request","message":"API Rate Limit exceeded"}}""", ("Retry-After", "3"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 4999, 3600));

        await client.Api.GetAvailableAuthFactorsAsync(1, s_none);

        Assert.Equal(TimeSpan.FromSeconds(3), time.TotalDelay);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task A_v2_429_blocks_v2_calls_until_retry_after()
    {
        using var client = TestClient.Create();
        FakeTime time = client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, """{"statusCode":429,"name":"TooManyRequests","message":"Too many requests"}""", ("Retry-After", "3"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginUser user = await client.Api.GetUserAsync(36216766, s_none);

        Assert.Equal(36216766, user.Id);
        Assert.Equal(TimeSpan.FromSeconds(3), time.TotalDelay);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task A_429_whose_wait_exceeds_MaxRateLimitWait_is_RateLimited()
    {
        using var client = TestClient.Create(o => o.MaxRateLimitWait = TimeSpan.FromSeconds(30));
        client.UseFakeTime();
        client.Handler.Enqueue(HttpStatusCode.TooManyRequests, """{"status":{"error":true,"code":429,"type":"Too Many Requests","message":"Rate limit exceeded"}}""", ("Retry-After", "600"), ("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "600"));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(1, s_none));

        Assert.Equal(OneLoginErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(600), ex.RetryAfter);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/1/users/1/auth_factors", ex.Path);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Budget_is_shared_by_every_pipeline_of_the_same_account()
    {
        var baseUri = TestClient.UniqueBaseUri();
        var handlerA = new StubHandler();
        var handlerB = new StubHandler();
        using var a = new OneLoginMfa.Http.OneLoginHttpPipeline(new OneLoginMfa.Http.OneLoginClientOptions(baseUri, "same-client", TestClient.Secret()) { MaxRateLimitWait = TimeSpan.Zero }, handlerA);
        using var b = new OneLoginMfa.Http.OneLoginHttpPipeline(new OneLoginMfa.Http.OneLoginClientOptions(baseUri, "same-client", TestClient.Secret()) { MaxRateLimitWait = TimeSpan.Zero }, handlerB);
        var time = new FakeTime();
        time.Attach(a.Budget);
        handlerA.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 0, 900));

        await new OneLoginApi(a, null).GetAvailableAuthFactorsAsync(1, s_none);
        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => new OneLoginApi(b, null).GetAvailableAuthFactorsAsync(1, s_none));

        Assert.Same(a.Budget, b.Budget);
        Assert.Equal(OneLoginErrorKind.RateLimited, ex.Kind);
        Assert.Empty(handlerB.ResourceRequests);
    }
}
