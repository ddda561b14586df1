using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using OneLoginMfa.Http;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>The rate budget on a fake clock: headers, waits, reservations, windows, metering.</summary>
public class RateBudgetTests
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static (RateBudget Budget, FakeTime Time) NewBudget()
    {
        var budget = new RateBudget();
        var time = new FakeTime();
        time.Attach(budget);
        return (budget, time);
    }

    [Fact]
    public void Snapshot_is_null_until_headers_arrive_then_tracks_limit_remaining_and_reset()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        Assert.Null(budget.Snapshot());

        budget.Observe(5000, 4988, 832);

        OneLoginRateLimit snapshot = budget.Snapshot()!;
        Assert.Equal(5000, snapshot.Limit);
        Assert.Equal(4988, snapshot.Remaining);
        Assert.Equal(time.Now.AddSeconds(832), snapshot.ResetAt);
        Assert.Equal(TimeSpan.FromSeconds(832), snapshot.ResetIn);

        time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(TimeSpan.FromSeconds(800), budget.Snapshot()!.ResetIn);
    }

    [Fact]
    public void Snapshot_forgets_the_figures_once_the_window_has_reset()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 0, 10);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(budget.Snapshot());
    }

    [Fact]
    public void Observe_without_limit_or_remaining_changes_nothing()
    {
        (RateBudget budget, _) = NewBudget();
        budget.Observe(100, 50, 600);

        budget.Observe(null, null, 5);

        Assert.Equal(50, budget.Snapshot()!.Remaining);
    }

    [Fact]
    public async Task Acquire_does_not_wait_while_budget_remains_or_is_unknown()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        var observer = new RecordingObserver();

        RateBudget.Reservation? unknown = await budget.AcquireAsync(metered: true, s_hour, observer, s_none);
        budget.Observe(5000, 10, 600);
        RateBudget.Reservation? known = await budget.AcquireAsync(metered: true, s_hour, observer, s_none);

        Assert.NotNull(unknown);
        Assert.NotNull(known);
        Assert.Empty(time.Delays);
        Assert.Empty(observer.Waits);
    }

    [Fact]
    public async Task Spent_budget_waits_until_the_reset_and_never_returns_early()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        var observer = new RecordingObserver();
        budget.Observe(5000, 0, 5);
        DateTimeOffset resetAt = time.Now.AddSeconds(5);

        RateBudget.Reservation? reservation = await budget.AcquireAsync(metered: true, s_hour, observer, s_none);

        Assert.NotNull(reservation);
        Assert.True(time.Now >= resetAt, "returned at " + time.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + ", before the reset");
        Assert.Equal(TimeSpan.FromSeconds(5), time.TotalDelay);
        // It wakes about once a second so the countdown moves.
        Assert.All(time.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(1)));
        Assert.Equal(5, time.Delays.Count);

        Assert.Equal(5, observer.Waits.Count);
        Assert.Equal(1, observer.Waits.Count(w => w.First));
        Assert.True(observer.Waits[0].First);
        Assert.Equal(TimeSpan.FromSeconds(5), observer.Waits[0].Remaining);
        Assert.All(observer.Waits, w => Assert.Equal(resetAt, w.ResetAt));
        Assert.Equal(new[] { 5.0, 4, 3, 2, 1 }, observer.Waits.Select(w => w.Remaining.TotalSeconds).ToArray());
        Assert.Equal(1, observer.WaitsEnded);
    }

    [Fact]
    public async Task Reset_beyond_max_wait_is_RateLimited_with_RetryAfter_and_no_wait()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        var observer = new RecordingObserver();
        budget.Observe(5000, 0, 1800);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(
            () => budget.AcquireAsync(metered: true, TimeSpan.FromMinutes(10), observer, s_none));

        Assert.Equal(OneLoginErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1800), ex.RetryAfter);
        Assert.True(ex.IsSessionFatal);
        Assert.Contains("1800 s", ex.Message, StringComparison.Ordinal);
        Assert.Empty(time.Delays);
        Assert.Empty(observer.Waits);
        Assert.Equal(0, observer.WaitsEnded);
    }

    [Fact]
    public async Task Reset_exactly_at_max_wait_is_waited_for()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 0, 3);

        await budget.AcquireAsync(metered: true, TimeSpan.FromSeconds(3), NullRequestObserver.Instance, s_none);

        Assert.Equal(TimeSpan.FromSeconds(3), time.TotalDelay);
    }

    [Fact]
    public async Task In_flight_reservations_count_against_remaining()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(100, 2, 60);

        RateBudget.Reservation? first = await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);
        RateBudget.Reservation? second = await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);
        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(
            () => budget.AcquireAsync(true, TimeSpan.FromSeconds(1), NullRequestObserver.Instance, s_none));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(OneLoginErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);

        // Completing a reservation frees its slot; completing twice frees nothing more.
        first!.Complete();
        first.Complete();
        Assert.NotNull(await budget.AcquireAsync(true, TimeSpan.Zero, NullRequestObserver.Instance, s_none));
        await Assert.ThrowsAsync<OneLoginApiException>(() => budget.AcquireAsync(true, TimeSpan.Zero, NullRequestObserver.Instance, s_none));
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task Concurrent_callers_never_reserve_more_than_remaining()
    {
        (RateBudget budget, _) = NewBudget();
        budget.Observe(100, 5, 3600);

        Task<RateBudget.Reservation?>[] attempts = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(async () =>
            {
                try
                {
                    return await budget.AcquireAsync(true, TimeSpan.Zero, NullRequestObserver.Instance, s_none);
                }
                catch (OneLoginApiException)
                {
                    return null;
                }
            }))
            .ToArray();
        RateBudget.Reservation?[] results = await Task.WhenAll(attempts);

        Assert.Equal(5, results.Count(r => r is not null));
    }

    [Fact]
    public void Out_of_order_headers_in_the_same_window_keep_the_minimum()
    {
        (RateBudget budget, _) = NewBudget();

        budget.Observe(100, 50, 600);
        budget.Observe(100, 55, 599); // an older response arriving late
        Assert.Equal(50, budget.Snapshot()!.Remaining);

        budget.Observe(100, 52, 601); // reset jitter of a second is still the same window
        Assert.Equal(50, budget.Snapshot()!.Remaining);

        budget.Observe(100, 48, 598);
        Assert.Equal(48, budget.Snapshot()!.Remaining);
    }

    [Fact]
    public void Within_a_window_the_earliest_reset_bound_is_kept()
    {
        // X-RateLimit-Reset is whole seconds: every response bounds the true reset from above.
        (RateBudget budget, FakeTime time) = NewBudget();
        DateTimeOffset start = time.Now;

        budget.Observe(100, 50, 600);
        budget.Observe(100, 49, 601);
        Assert.Equal(start.AddSeconds(600), budget.Snapshot()!.ResetAt);

        time.Advance(TimeSpan.FromMilliseconds(400));
        budget.Observe(100, 48, 599); // the same reset seen 0.4 s later, rounded down by the server
        Assert.Equal(start.AddSeconds(599).AddMilliseconds(400), budget.Snapshot()!.ResetAt);
    }

    [Fact]
    public void A_later_reset_is_a_new_window_and_takes_its_figures()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 3, 10);

        budget.Observe(5000, 4999, 3600);

        OneLoginRateLimit snapshot = budget.Snapshot()!;
        Assert.Equal(4999, snapshot.Remaining);
        Assert.Equal(time.Now.AddSeconds(3600), snapshot.ResetAt);
    }

    [Fact]
    public void A_new_window_after_the_old_one_expired_takes_its_figures()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 1, 10);
        time.Advance(TimeSpan.FromSeconds(11));

        budget.Observe(5000, 4990, 3590);

        Assert.Equal(4990, budget.Snapshot()!.Remaining);
    }

    [Fact]
    public async Task Refusal_while_headers_show_budget_holds_calls_for_retry_after_only()
    {
        // A burst limit: the window still has budget, so waiting for its reset (50 min) would be wrong.
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 100, 3000);

        budget.MarkExhausted(TimeSpan.FromSeconds(3), metered: true);

        Assert.Equal(100, budget.Snapshot()!.Remaining);
        await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);
        Assert.Equal(TimeSpan.FromSeconds(3), time.TotalDelay);
    }

    [Fact]
    public async Task Refusal_while_headers_say_the_window_is_spent_waits_for_the_reset()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 0, 3000);

        budget.MarkExhausted(TimeSpan.FromSeconds(3), metered: true);
        await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);

        Assert.Equal(TimeSpan.FromSeconds(3000), time.TotalDelay);
    }

    [Fact]
    public async Task Refusal_beyond_max_wait_is_RateLimited()
    {
        (RateBudget budget, _) = NewBudget();

        budget.MarkExhausted(TimeSpan.FromMinutes(5), metered: true);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(
            () => budget.AcquireAsync(true, TimeSpan.FromMinutes(1), NullRequestObserver.Instance, s_none));
        Assert.Equal(TimeSpan.FromMinutes(5), ex.RetryAfter);
    }

    [Fact]
    public async Task A_shorter_second_refusal_does_not_shorten_the_first()
    {
        (RateBudget budget, FakeTime time) = NewBudget();

        budget.MarkExhausted(TimeSpan.FromSeconds(6), metered: true);
        budget.MarkExhausted(TimeSpan.FromSeconds(2), metered: true);
        await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);

        Assert.Equal(TimeSpan.FromSeconds(6), time.TotalDelay);
    }

    [Fact]
    public async Task Mark_exhausted_with_no_known_window_waits_retry_after()
    {
        (RateBudget budget, FakeTime time) = NewBudget();

        budget.MarkExhausted(TimeSpan.FromSeconds(4), metered: true);
        await budget.AcquireAsync(true, s_hour, NullRequestObserver.Instance, s_none);

        Assert.Equal(TimeSpan.FromSeconds(4), time.TotalDelay);
    }

    [Fact]
    public async Task Unmetered_calls_are_not_blocked_by_a_spent_metered_budget()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        budget.Observe(5000, 0, 3000);

        RateBudget.Reservation? reservation = await budget.AcquireAsync(metered: false, TimeSpan.Zero, NullRequestObserver.Instance, s_none);

        Assert.Null(reservation); // unmetered calls reserve nothing
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task Unmetered_429_blocks_unmetered_calls_only()
    {
        (RateBudget budget, FakeTime time) = NewBudget();

        budget.MarkExhausted(TimeSpan.FromSeconds(2), metered: false);
        RateBudget.Reservation? metered = await budget.AcquireAsync(true, TimeSpan.Zero, NullRequestObserver.Instance, s_none);
        Assert.NotNull(metered);
        Assert.Empty(time.Delays);

        await budget.AcquireAsync(false, s_hour, NullRequestObserver.Instance, s_none);
        Assert.Equal(TimeSpan.FromSeconds(2), time.TotalDelay);
    }

    [Fact]
    public async Task Cancellation_during_a_wait_ends_the_wait()
    {
        var budget = new RateBudget();
        var time = new FakeTime();
        budget.Now = () => time.Now;
        using var cts = new CancellationTokenSource();
        budget.Delay = async (d, ct) =>
        {
            await cts.CancelAsync();
            await time.Delay(d, ct);
        };
        var observer = new RecordingObserver();
        budget.Observe(5000, 0, 60);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.AcquireAsync(true, s_hour, observer, cts.Token));

        Assert.Equal(1, observer.WaitsEnded);
    }

    [Theory]
    [InlineData("api/1", true)]
    [InlineData("auth", true)]
    [InlineData("api/2", false)]
    public void Metering_defaults_follow_the_reference(string family, bool metered)
    {
        Assert.Equal(metered, new RateBudget().IsMetered(family));
    }

    [Fact]
    public void Metering_is_learned_from_responses()
    {
        var budget = new RateBudget();

        budget.LearnMetered("api/2", hadHeaders: true);
        budget.LearnMetered("api/1", hadHeaders: false);

        Assert.True(budget.IsMetered("api/2"));
        Assert.False(budget.IsMetered("api/1"));
    }

    [Theory]
    [InlineData("api/1/users/5/auth_factors", "api/1")]
    [InlineData("/api/2/users?cursor=abc", "api/2")]
    [InlineData("auth/rate_limit", "auth")]
    [InlineData("AUTH/oauth2/revoke", "auth")]
    public void Request_family_is_the_first_path_segments(string path, string family)
    {
        Assert.Equal(family, new ApiRequest(System.Net.Http.HttpMethod.Get, path).Family);
    }

    [Fact]
    public void Governor_shares_one_budget_per_account_key()
    {
        string key = "HTTPS://" + Guid.NewGuid().ToString("N") + "/|client";

        Assert.Same(RateLimitGovernor.For(key), RateLimitGovernor.For(key));
        Assert.NotSame(RateLimitGovernor.For(key), RateLimitGovernor.For(key + "2"));
    }

    [Fact]
    public async Task While_the_budget_is_unknown_one_call_probes_and_the_next_waits_for_its_headers()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        var observer = new RecordingObserver();

        RateBudget.Reservation? probe = await budget.AcquireAsync(true, s_hour, observer, s_none);
        Assert.NotNull(probe);
        Assert.Empty(time.Delays);

        // The probe's headers arrive: the next call goes at once, no wait.
        budget.Observe(5000, 100, 3600);
        probe!.Complete();
        Assert.NotNull(await budget.AcquireAsync(true, s_hour, observer, s_none));
        Assert.Empty(time.Delays);
        Assert.Empty(observer.Waits);
    }

    [Fact]
    public async Task A_probe_that_never_reports_holds_the_next_call_back_at_most_two_seconds_and_silently()
    {
        (RateBudget budget, FakeTime time) = NewBudget();
        var observer = new RecordingObserver();

        RateBudget.Reservation? probe = await budget.AcquireAsync(true, s_hour, observer, s_none);
        RateBudget.Reservation? next = await budget.AcquireAsync(true, TimeSpan.Zero, observer, s_none);

        Assert.NotNull(probe);
        Assert.NotNull(next);
        Assert.NotEmpty(time.Delays);
        Assert.InRange(time.TotalDelay, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.1));
        Assert.Empty(observer.Waits);
    }
}
