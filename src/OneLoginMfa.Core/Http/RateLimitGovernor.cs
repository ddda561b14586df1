using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Http;

/// <summary>
/// One rate budget per account (base URI + client id), shared by every connection, runspace and thread in
/// the process (OneLogin's limit is per account, "regardless of how many access tokens you have").
/// Fed by the X-RateLimit-* headers of every response; a call is never sent while the budget is known to be
/// spent: the caller waits for the reset (up to MaxRateLimitWait) or gets <see cref="OneLoginErrorKind.RateLimited"/>.
/// </summary>
internal static class RateLimitGovernor
{
    private static readonly ConcurrentDictionary<string, RateBudget> s_budgets = new(StringComparer.Ordinal);

    public static RateBudget For(string accountKey) => s_budgets.GetOrAdd(accountKey, _ => new RateBudget());
}

/// <summary>The live budget of one account. Thread-safe.</summary>
internal sealed class RateBudget
{
    private readonly object _gate = new();
    private int? _limit;
    private int? _remaining;
    private DateTimeOffset? _resetAt;
    private int _inFlight;
    private DateTimeOffset? _unmeteredBlockedUntil;

    private static readonly TimeSpan s_probeWaitCap = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_probePoll = TimeSpan.FromMilliseconds(10);

    // Set by a refusal (429 / 400 rate_limit_exceeded) of a metered call: no metered call goes out before it.
    // Kept apart from the window figures on purpose: a refusal whose Retry-After is 1 s must not be stretched
    // to the window's reset (possibly an hour away) when the headers say the window still has budget.
    private DateTimeOffset? _meteredBlockedUntil;
    private readonly ConcurrentDictionary<string, bool> _meteredFamilies = new(StringComparer.Ordinal);

    /// <summary>Clock, replaceable in unit tests.</summary>
    internal Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Delay, replaceable in unit tests.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <summary>The last known state, or null before any metered response.</summary>
    public OneLoginRateLimit? Snapshot()
    {
        lock (_gate)
        {
            ExpireIfReset();
            if (_limit is not int limit || _remaining is not int remaining || _resetAt is not DateTimeOffset resetAt)
            {
                return null;
            }

            TimeSpan resetIn = resetAt - Now();
            return new OneLoginRateLimit
            {
                Limit = limit,
                Remaining = remaining,
                ResetAt = resetAt,
                ResetIn = resetIn < TimeSpan.Zero ? TimeSpan.Zero : resetIn,
            };
        }
    }

    /// <summary>
    /// Waits until a call may be sent and, for a metered call, reserves it. Complete the reservation once
    /// the response (or failure) is in. Throws <see cref="OneLoginApiException"/> (RateLimited) when the
    /// reset is further away than <paramref name="maxWait"/>.
    /// </summary>
    public async Task<Reservation?> AcquireAsync(bool metered, TimeSpan maxWait, IRequestObserver observer, CancellationToken cancellationToken)
    {
        bool waited = false;
        DateTimeOffset? probeWaitStarted = null;
        try
        {
            while (true)
            {
                TimeSpan wait;
                DateTimeOffset resetAt;
                bool awaitProbe = false;
                lock (_gate)
                {
                    ExpireIfReset();
                    DateTimeOffset now = Now();
                    if (!metered)
                    {
                        if (_unmeteredBlockedUntil is not DateTimeOffset blocked || blocked <= now)
                        {
                            return null;
                        }

                        resetAt = blocked;
                    }
                    else if (_meteredBlockedUntil is DateTimeOffset refusedUntil && refusedUntil > now)
                    {
                        // The server refused a call and said when to come back (Retry-After).
                        resetAt = refusedUntil;
                    }
                    else if (_remaining is null && _inFlight > 0 && now - (probeWaitStarted ??= now) < s_probeWaitCap)
                    {
                        // The budget is unknown (the first call, or a window just ended) and a call already out
                        // will report it: wait for its headers instead of sending a blind wave that a spent or
                        // not-yet-reset window would refuse (X-RateLimit-Reset is whole seconds). Bounded, so
                        // a slow or header-less probe costs at most s_probeWaitCap.
                        awaitProbe = true;
                        resetAt = now;
                    }
                    else if (_remaining is not int remaining || remaining - _inFlight > 0)
                    {
                        _inFlight++;
                        return new Reservation(this);
                    }
                    else
                    {
                        // Known to be spent: if we never learned the reset time, assume a short one and re-check.
                        resetAt = _resetAt ?? now.AddSeconds(5);
                        _resetAt = resetAt;
                    }

                    wait = resetAt - now;
                }

                if (awaitProbe)
                {
                    await Delay(s_probePoll, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (wait > maxWait)
                {
                    throw RateLimited(resetAt, wait, maxWait);
                }

                if (wait <= TimeSpan.Zero)
                {
                    continue;
                }

                observer.RateLimitWait(wait, resetAt, !waited);
                waited = true;
                // Wake at least once a second so the countdown moves and cancellation is prompt.
                await Delay(wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (waited)
            {
                observer.RateLimitWaitEnded();
            }
        }
    }

    /// <summary>
    /// Whether calls to a path family ("api/1", "api/2", "auth") count against the budget. Learned from the
    /// responses (metered ones carry X-RateLimit-* headers); before that, the reference's finding: v1 and
    /// /auth/rate_limit are metered, v2 is not (reference section 4: UNCONFIRMED for other v2 endpoints, so
    /// one v2 response with the headers switches v2 to metered).
    /// </summary>
    public bool IsMetered(string family) =>
        _meteredFamilies.TryGetValue(family, out bool metered) ? metered : !string.Equals(family, "api/2", StringComparison.Ordinal);

    /// <summary>Remembers whether a family's responses carry the budget headers.</summary>
    public void LearnMetered(string family, bool hadHeaders) => _meteredFamilies[family] = hadHeaders;

    /// <summary>Records the X-RateLimit-* headers of a response (any may be missing).</summary>
    public void Observe(int? limit, int? remaining, int? resetSeconds)
    {
        if (remaining is null && limit is null)
        {
            return;
        }

        lock (_gate)
        {
            DateTimeOffset now = Now();
            DateTimeOffset? resetAt = resetSeconds is int s ? now.AddSeconds(Math.Max(0, s)) : null;
            if (limit is int l)
            {
                _limit = l;
            }

            // A reset later than the one we hold (by more than clock jitter) means a new window: take its
            // figures as they are. Within the same window, responses may arrive out of order: keep the lowest.
            bool newWindow = _resetAt is null || (resetAt is DateTimeOffset r && r > _resetAt.Value.AddSeconds(2));
            if (newWindow)
            {
                _remaining = remaining ?? _remaining;
                _resetAt = resetAt ?? _resetAt;
            }
            else
            {
                if (remaining is int rem)
                {
                    _remaining = _remaining is int current ? Math.Min(current, rem) : rem;
                }

                // X-RateLimit-Reset is whole seconds, rounded up, so "now + reset" is never before the true
                // reset but can be up to a second after it. Every response of the window bounds it again:
                // the earliest bound is still never early, and the wait at the end of a window is shortest.
                if (resetAt is DateTimeOffset bound && bound < _resetAt!.Value)
                {
                    _resetAt = bound;
                }
            }
        }
    }

    /// <summary>
    /// A 429 (or 400 rate_limit_exceeded): no call of that kind is sent for <paramref name="retryAfter"/> from
    /// now. The window figures are left to the headers (Observe): when the refusal carried X-RateLimit-Remaining 0,
    /// the calls wait for that window's reset as well; when it said budget remains (a burst limit), they wait
    /// only for Retry-After.
    /// </summary>
    public void MarkExhausted(TimeSpan retryAfter, bool metered)
    {
        lock (_gate)
        {
            DateTimeOffset until = Now() + retryAfter;
            if (!metered)
            {
                if (_unmeteredBlockedUntil is null || until > _unmeteredBlockedUntil.Value)
                {
                    _unmeteredBlockedUntil = until;
                }

                return;
            }

            if (_meteredBlockedUntil is null || until > _meteredBlockedUntil.Value)
            {
                _meteredBlockedUntil = until;
            }
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            if (_inFlight > 0)
            {
                _inFlight--;
            }
        }
    }

    private void ExpireIfReset()
    {
        if (_resetAt is DateTimeOffset resetAt && Now() >= resetAt)
        {
            // The window is over: the next response tells us the new figures. Until then, send.
            _remaining = null;
            _resetAt = null;
        }
    }

    internal static OneLoginApiException RateLimited(DateTimeOffset resetAt, TimeSpan wait, TimeSpan maxWait) =>
        new(OneLoginErrorKind.RateLimited, string.Format(
            CultureInfo.InvariantCulture,
            "The OneLogin API rate limit for this account is used up until {0:u} ({1:0} s from now), longer than MaxRateLimitWait ({2}). Try again after the reset, or connect with a larger -MaxRateLimitWait.",
            resetAt,
            Math.Ceiling(wait.TotalSeconds),
            maxWait))
        {
            RetryAfter = wait,
        };

    /// <summary>A reserved call; complete it once the response (or failure) is in.</summary>
    internal sealed class Reservation
    {
        private RateBudget? _owner;

        public Reservation(RateBudget owner) => _owner = owner;

        public void Complete() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
