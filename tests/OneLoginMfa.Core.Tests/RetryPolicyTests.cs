using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Design 5 (Retries): GET/DELETE retry transient faults; a POST only if it was never sent.</summary>
public class RetryPolicyTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, OneLoginErrorKind.ServiceError)]
    [InlineData(HttpStatusCode.BadGateway, OneLoginErrorKind.ServiceError)]
    [InlineData(HttpStatusCode.ServiceUnavailable, OneLoginErrorKind.ServiceError)]
    [InlineData(HttpStatusCode.GatewayTimeout, OneLoginErrorKind.ServiceError)]
    [InlineData(HttpStatusCode.RequestTimeout, OneLoginErrorKind.Timeout)]
    public async Task Get_is_retried_MaxRetry_times_on_transient_status_then_fails(HttpStatusCode status, OneLoginErrorKind kind)
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(status));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal((int)status, ex.StatusCode);
        Assert.Equal(4, client.Handler.ResourceRequests.Count);
        Assert.Single(client.Handler.TokenRequests);
        Assert.Equal(3, client.Observer.Lines.Count(l => l.Contains("retry", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_succeeds_when_a_retry_succeeds()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}");
        client.Handler.Enqueue(HttpStatusCode.GatewayTimeout, "{}");
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors);

        var factors = await client.Api.GetAvailableAuthFactorsAsync(5, s_none);

        Assert.Single(factors);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task MaxRetry_zero_means_one_attempt()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 0);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.ServiceUnavailable));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Delete_is_retried_on_503()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 2);
        client.Handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}");
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Remove);

        await client.Api.RemoveAuthFactorAsync(5, 6, s_none);

        Assert.Equal(new[] { "DELETE", "DELETE" }, client.Handler.ResourceRequests.Select(r => r.Method).ToArray());
    }

    [Fact]
    public async Task Status_501_is_not_retried()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.NotImplemented));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Equal(501, ex.StatusCode);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task Client_errors_are_never_retried(HttpStatusCode status)
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(status, """{"statusCode":0,"name":"X","message":"nope"}"""));

        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Post_is_not_retried_on_503()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.ServiceUnavailable));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(
            () => client.Api.RegisterAuthFactorAsync(5, 16282, "Phone", "+14155550100", false, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("POST", ex.Method);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Post_is_retried_when_the_connection_was_refused_because_it_was_never_sent()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Enqueue((_, _) => throw new HttpRequestException("Connection refused (acme.onelogin.com:443)", new SocketException((int)SocketError.ConnectionRefused)));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Enroll);

        EnrolledAuthFactor device = await client.Api.RegisterAuthFactorAsync(5, 16282, "Phone", "+14155550100", false, s_none);

        Assert.Equal(525509, device.DeviceId);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
        Assert.All(client.Handler.ResourceRequests, r => Assert.Equal("POST", r.Method));
        Assert.Equal(client.Handler.ResourceRequests[0].Body, client.Handler.ResourceRequests[1].Body);
    }

    [Fact]
    public async Task Connection_refused_every_time_is_ConnectionFailed_after_retries()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 2);
        client.Handler.Fallback = (_, _) => throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.NewMfaTokenAsync(5, 300, false, s_none));

        Assert.Equal(OneLoginErrorKind.ConnectionFailed, ex.Kind);
        Assert.True(ex.IsSessionFatal);
        Assert.Null(ex.StatusCode);
        Assert.Equal("POST", ex.Method);
        Assert.Equal("/api/1/users/5/mfa_token", ex.Path);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task Post_is_not_retried_when_the_connection_failed_mid_flight()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Fallback = (_, _) => throw new HttpRequestException("The response ended prematurely.");

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(
            () => client.Api.RegisterAuthFactorAsync(5, 16282, "Phone", "+14155550100", false, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Contains("The response ended prematurely.", ex.Message, StringComparison.Ordinal);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Get_is_retried_when_the_connection_failed_mid_flight()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        client.Handler.Enqueue((_, _) => throw new HttpRequestException("The response ended prematurely."));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginUser user = await client.Api.GetUserAsync(36216766, s_none);

        Assert.Equal(36216766, user.Id);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task Get_that_times_out_every_time_is_Timeout_after_retries()
    {
        using var client = TestClient.Create(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(50);
            o.MaxRetry = 2;
        });
        client.Handler.Fallback = async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Respond.Json(HttpStatusCode.OK, "[]");
        };

        var stopwatch = Stopwatch.StartNew();
        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));
        stopwatch.Stop();

        Assert.Equal(OneLoginErrorKind.Timeout, ex.Kind);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/2/users/5", ex.Path);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(140), "three attempts of 50 ms each");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "the per-request timeout cut each attempt short");
    }

    [Fact]
    public async Task Post_that_times_out_is_not_retried()
    {
        using var client = TestClient.Create(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(50);
            o.MaxRetry = 3;
        });
        client.Handler.Fallback = async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Respond.Json(HttpStatusCode.OK, "{}");
        };

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.NewMfaTokenAsync(5, 300, false, s_none));

        Assert.Equal(OneLoginErrorKind.Timeout, ex.Kind);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_timeout_and_stops_retrying()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 3);
        using var cts = new CancellationTokenSource();
        client.Handler.Fallback = async (_, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Respond.Json(HttpStatusCode.OK, "[]");
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Api.GetUserAsync(5, cts.Token));

        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Retry_after_within_the_cap_is_honoured()
    {
        using var client = TestClient.Create(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryDelayCap = TimeSpan.FromSeconds(2);
        });
        client.Handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "0.3"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        await client.Api.GetUserAsync(36216766, s_none);

        var sent = client.Handler.ResourceRequests;
        Assert.Equal(2, sent.Count);
        TimeSpan gap = sent[1].At - sent[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(280), "waited " + gap.TotalMilliseconds + " ms; Retry-After asked for 300");
        Assert.Contains(client.Observer.Lines, l => l.Contains("retry 1 of 3 in 300 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_after_beyond_the_cap_is_ignored_in_favour_of_backoff()
    {
        using var client = TestClient.Create(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryDelayCap = TimeSpan.FromMilliseconds(20);
        });
        client.Handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "120"));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        var stopwatch = Stopwatch.StartNew();
        await client.Api.GetUserAsync(36216766, s_none);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public void Retry_after_reads_seconds_an_http_date_or_falls_back_to_the_rate_reset()
    {
        static System.Collections.Generic.Dictionary<string, string> H(params (string, string)[] headers) =>
            headers.ToDictionary(h => h.Item1, h => h.Item2, StringComparer.OrdinalIgnoreCase);
        DateTimeOffset inTenSeconds = DateTimeOffset.UtcNow.AddSeconds(10);

        Assert.Equal(TimeSpan.FromSeconds(7), OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("Retry-After", "7"))));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("retry-after", "1.5"))));
        Assert.Equal(TimeSpan.Zero, OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("Retry-After", "-3"))));
        TimeSpan? fromDate = OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("Retry-After", inTenSeconds.ToString("r", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.InRange(fromDate!.Value, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"))));
        Assert.Equal(TimeSpan.FromSeconds(1195), OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H(("X-RateLimit-Reset", "1195"))));
        Assert.Null(OneLoginMfa.Http.OneLoginHttpPipeline.RetryAfter(H()));
    }

    [Fact]
    public async Task A_5xx_backoff_ignores_the_rate_limit_reset_header()
    {
        // X-RateLimit-Reset is on every v1 response; it says when the budget window ends, not when to retry.
        using var client = TestClient.Create(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.RetryDelayCap = TimeSpan.FromSeconds(5);
        });
        client.Handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}", Respond.RateHeaders(5000, 4000, 2));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors, Respond.RateHeaders(5000, 3999, 2));

        await client.Api.GetAvailableAuthFactorsAsync(5, s_none);

        var sent = client.Handler.ResourceRequests;
        Assert.True(sent[1].At - sent[0].At < TimeSpan.FromSeconds(1), "waited " + (sent[1].At - sent[0].At).TotalMilliseconds + " ms");
    }

    [Fact]
    public async Task Backoff_grows_exponentially_and_stays_under_the_cap()
    {
        using var client = TestClient.Create(o =>
        {
            o.MaxRetry = 4;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(8);
            o.RetryDelayCap = TimeSpan.FromMilliseconds(40);
        });
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.BadGateway));

        await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        // "retry N of 4 in D ms": jitter keeps D within [ceiling/2, ceiling], ceiling = min(cap, base * 2^(N-1)).
        double[] delays = client.Observer.Lines
            .Where(l => l.Contains(" retry ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(" in ", StringComparison.Ordinal) + 4)..].Replace(" ms", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        double[] ceilings = { 8, 16, 32, 40 };
        Assert.Equal(4, delays.Length);
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(delays[i], Math.Floor(ceilings[i] / 2), Math.Ceiling(ceilings[i]));
        }
    }
}
