using System;

namespace OneLoginMfa;

/// <summary>The account's API budget (GET /auth/rate_limit or the X-RateLimit-* headers).</summary>
public sealed class OneLoginRateLimit
{
    /// <summary>Calls allowed per window.</summary>
    public int Limit { get; set; }

    /// <summary>Calls left in the current window.</summary>
    public int Remaining { get; set; }

    /// <summary>When the window resets.</summary>
    public DateTimeOffset ResetAt { get; set; }

    /// <summary>Time left until the reset, as of when this object was read.</summary>
    public TimeSpan ResetIn { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}/{1} calls left, resets in {2:hh\\:mm\\:ss}", Remaining, Limit, ResetIn);
}
