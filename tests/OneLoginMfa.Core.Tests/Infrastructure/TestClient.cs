using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Http;

namespace OneLoginMfa.Core.Tests.Infrastructure;

/// <summary>
/// A pipeline + API over a <see cref="StubHandler"/>, with fast retries and a base URI of its own so the
/// process-wide rate budget (keyed by base URI + client id) never leaks between tests.
/// </summary>
internal sealed class TestClient : IDisposable
{
    public const string ClientId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string ClientSecret = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    private TestClient(OneLoginClientOptions options, StubHandler handler)
    {
        Options = options;
        Handler = handler;
        Pipeline = new OneLoginHttpPipeline(options, handler);
        Observer = new RecordingObserver();
        Api = new OneLoginApi(Pipeline, Observer);
    }

    public OneLoginClientOptions Options { get; }

    public StubHandler Handler { get; }

    public OneLoginHttpPipeline Pipeline { get; }

    public RecordingObserver Observer { get; }

    public OneLoginApi Api { get; }

    public RateBudget Budget => Pipeline.Budget;

    public static Uri UniqueBaseUri() => new("https://t" + Guid.NewGuid().ToString("N") + ".onelogin.com/");

    public static SecureString Secret(string value = ClientSecret)
    {
        var secret = new SecureString();
        foreach (char c in value)
        {
            secret.AppendChar(c);
        }

        secret.MakeReadOnly();
        return secret;
    }

    public static TestClient Create(Action<OneLoginClientOptions>? configure = null, StubHandler? handler = null)
    {
        var options = new OneLoginClientOptions(UniqueBaseUri(), ClientId, Secret())
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryDelayCap = TimeSpan.FromMilliseconds(5),
            Timeout = TimeSpan.FromSeconds(10),
            MaxRetry = 3,
            UserAgent = "OneLoginMfa/1.2.3 PowerShell/7.4.6",
        };
        configure?.Invoke(options);
        return new TestClient(options, handler ?? new StubHandler());
    }

    /// <summary>Puts this client's rate budget on a fake clock; returns the clock.</summary>
    public FakeTime UseFakeTime()
    {
        var time = new FakeTime();
        time.Attach(Budget);
        return time;
    }

    public void Dispose() => Pipeline.Dispose();
}

/// <summary>A clock that only moves when a (fake) delay is awaited; records every delay.</summary>
internal sealed class FakeTime
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _delays = new();
    private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return _delays.ToList();
            }
        }
    }

    public TimeSpan TotalDelay => Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _delays.Add(delay);
            _now += delay;
        }

        return Task.CompletedTask;
    }

    public void Attach(RateBudget budget)
    {
        budget.Now = () => Now;
        budget.Delay = Delay;
    }
}

/// <summary>Records everything the pipeline reports.</summary>
internal sealed class RecordingObserver : IRequestObserver
{
    private readonly object _gate = new();
    private readonly List<string> _lines = new();
    private readonly List<(TimeSpan Remaining, DateTimeOffset ResetAt, bool First)> _waits = new();
    private int _waitsEnded;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public IReadOnlyList<(TimeSpan Remaining, DateTimeOffset ResetAt, bool First)> Waits
    {
        get
        {
            lock (_gate)
            {
                return _waits.ToList();
            }
        }
    }

    public int WaitsEnded => Volatile.Read(ref _waitsEnded);

    public void Verbose(string message) => Add("VERBOSE: " + message);

    public void Debug(string message) => Add("DEBUG: " + message);

    public void Warning(string message) => Add("WARNING: " + message);

    public void RateLimitWait(TimeSpan remaining, DateTimeOffset resetAt, bool first)
    {
        lock (_gate)
        {
            _waits.Add((remaining, resetAt, first));
        }
    }

    public void RateLimitWaitEnded() => Interlocked.Increment(ref _waitsEnded);

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
        }
    }
}
