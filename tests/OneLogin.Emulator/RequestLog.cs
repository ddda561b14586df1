using System.Text.Json;

namespace OneLogin.Emulator;

/// <summary>One logged API request. Never holds a secret, token or the Authorization value.</summary>
internal sealed class LoggedRequest
{
    public long Seq { get; init; }

    public DateTimeOffset Time { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Query { get; init; }

    public int Status { get; set; }

    public string? ContentType { get; init; }

    public string? UserAgent { get; init; }

    public string? Accept { get; init; }

    public required string AuthScheme { get; init; }

    public long BodyLength { get; set; }

    public bool RateLimited { get; set; }

    public string? InjectedFault { get; set; }

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("seq", Seq);
        w.WriteString("time", UserRecord.Iso(Time));
        w.WriteString("method", Method);
        w.WriteString("path", Path);
        w.WriteString("query", Query);
        w.WriteNumber("status", Status);
        WriteNullable(w, "contentType", ContentType);
        WriteNullable(w, "userAgent", UserAgent);
        WriteNullable(w, "accept", Accept);
        w.WriteString("authScheme", AuthScheme);
        w.WriteNumber("bodyLength", BodyLength);
        w.WriteBoolean("rateLimited", RateLimited);
        WriteNullable(w, "injectedFault", InjectedFault);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}

/// <summary>Request log plus the counters behind /__emulator/stats. Thread-safe.</summary>
internal sealed class RequestLog
{
    /// <summary>Oldest entries are dropped past this many (a long benchmark must not exhaust memory).</summary>
    public const int Capacity = 500_000;

    private readonly Lock _gate = new();
    private readonly Queue<LoggedRequest> _entries = new();
    private long _seq;
    private long _totalRequests;
    private long _inFlight;
    private long _peakInFlight;
    private long _rateLimited;
    private long _tokenRequests;
    private long _resourceRequests;

    public long TotalRequests => Interlocked.Read(ref _totalRequests);

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long PeakInFlight => Interlocked.Read(ref _peakInFlight);

    public long RateLimitedResponses => Interlocked.Read(ref _rateLimited);

    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    public long ResourceRequests => Interlocked.Read(ref _resourceRequests);

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public void CountRequest(bool isToken)
    {
        Interlocked.Increment(ref _totalRequests);
        if (isToken)
        {
            Interlocked.Increment(ref _tokenRequests);
        }
    }

    public void EnterResource()
    {
        Interlocked.Increment(ref _resourceRequests);
        var now = Interlocked.Increment(ref _inFlight);
        long peak;
        do
        {
            peak = Interlocked.Read(ref _peakInFlight);
            if (now <= peak)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak);
    }

    public void ExitResource() => Interlocked.Decrement(ref _inFlight);

    public void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    public void Add(LoggedRequest entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    public LoggedRequest[] Snapshot()
    {
        LoggedRequest[] copy;
        lock (_gate)
        {
            copy = _entries.ToArray();
        }

        // Entries are added when a response completes; order them by arrival.
        Array.Sort(copy, (a, b) => a.Seq.CompareTo(b.Seq));
        return copy;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }

        ResetCounters();
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _totalRequests, 0);
        Interlocked.Exchange(ref _rateLimited, 0);
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _resourceRequests, 0);
        Interlocked.Exchange(ref _peakInFlight, Interlocked.Read(ref _inFlight));
    }
}
