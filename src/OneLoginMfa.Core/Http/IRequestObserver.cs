using System;

namespace OneLoginMfa.Http;

/// <summary>
/// How Core reports what it is doing without knowing about PowerShell. Called from any thread; the cmdlet
/// layer queues the calls and writes them from the pipeline thread. Nothing passed here carries a secret.
/// </summary>
internal interface IRequestObserver
{
    /// <summary>One line per completed HTTP exchange (method, path, status, elapsed, budget).</summary>
    void Verbose(string message);

    /// <summary>Redacted request/response bodies.</summary>
    void Debug(string message);

    /// <summary>A retry or a rate-limit wait the user should know about.</summary>
    void Warning(string message);

    /// <summary>A rate-limit wait is in progress: called about once a second until <paramref name="resetAt"/>.</summary>
    void RateLimitWait(TimeSpan remaining, DateTimeOffset resetAt, bool first);

    /// <summary>The wait has ended.</summary>
    void RateLimitWaitEnded();
}

/// <summary>An observer that drops everything.</summary>
internal sealed class NullRequestObserver : IRequestObserver
{
    public static readonly NullRequestObserver Instance = new();

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void RateLimitWait(TimeSpan remaining, DateTimeOffset resetAt, bool first)
    {
    }

    public void RateLimitWaitEnded()
    {
    }
}
