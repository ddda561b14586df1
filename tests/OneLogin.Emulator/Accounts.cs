using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace OneLogin.Emulator;

internal sealed class IssuedToken
{
    public required string AccessToken { get; init; }

    public required string RefreshToken { get; init; }

    public required ApiClient Client { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The lifetime at issue; re-issues report it unchanged (reference §2.1: not decremented).</summary>
    public int ExpiresIn { get; init; }

    public bool Revoked { get; set; }

    public bool IsValid(DateTimeOffset now) => !Revoked && now < ExpiresAt;
}

/// <summary>Access tokens of the one emulated account. Same token re-issued per client while valid.</summary>
internal sealed class TokenStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IssuedToken> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedToken> _byAccessToken = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ApiClient> _clients;

    public TokenStore(IReadOnlyList<ApiClient> clients)
    {
        _clients = clients;
    }

    public ApiClient? Authenticate(string clientId, string clientSecret)
    {
        foreach (var client in _clients)
        {
            if (FixedEquals(client.ClientId, clientId) && FixedEquals(client.ClientSecret, clientSecret))
            {
                return client;
            }
        }

        return null;
    }

    public IssuedToken Issue(ApiClient client, int lifetimeSeconds, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_current.TryGetValue(client.ClientId, out var existing) && existing.IsValid(now))
            {
                return existing;
            }

            var token = new IssuedToken
            {
                AccessToken = NewHex(32),
                RefreshToken = NewHex(32),
                Client = client,
                CreatedAt = now,
                ExpiresAt = now.AddSeconds(lifetimeSeconds),
                ExpiresIn = lifetimeSeconds,
            };
            _current[client.ClientId] = token;
            _byAccessToken[token.AccessToken] = token;
            return token;
        }
    }

    public IssuedToken? Find(string accessToken) => _byAccessToken.TryGetValue(accessToken, out var t) ? t : null;

    public void Revoke(IssuedToken token)
    {
        lock (_gate)
        {
            token.Revoked = true;
            if (_current.TryGetValue(token.Client.ClientId, out var current) && ReferenceEquals(current, token))
            {
                _current.Remove(token.Client.ClientId);
            }
        }
    }

    public int RevokeAll()
    {
        lock (_gate)
        {
            var count = 0;
            foreach (var token in _byAccessToken.Values)
            {
                if (!token.Revoked)
                {
                    token.Revoked = true;
                    count++;
                }
            }

            _current.Clear();
            return count;
        }
    }

    private static string NewHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static bool FixedEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}

internal readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds, DateTimeOffset ResetsAt);

/// <summary>
/// The account's fixed-window budget (reference §4: a window that is not aligned to the clock hour).
/// Windows are counted from emulator start, or from the last change of rateLimit/rateWindowSeconds.
/// </summary>
internal sealed class RateLimiter
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart;
    private int _windowSeconds;
    private int _limit;
    private int _used;

    public RateLimiter(int limit, int windowSeconds, DateTimeOffset now)
    {
        Restart(limit, windowSeconds, now);
    }

    public void Restart(int limit, int windowSeconds, DateTimeOffset now)
    {
        lock (_gate)
        {
            _limit = limit;
            _windowSeconds = Math.Max(1, windowSeconds);
            _windowStart = now;
            _used = 0;
        }
    }

    public RateDecision TryConsume(DateTimeOffset now)
    {
        lock (_gate)
        {
            Roll(now);
            var allowed = _used < _limit;
            if (allowed)
            {
                _used++;
            }

            return Snapshot(now, allowed);
        }
    }

    public RateDecision Peek(DateTimeOffset now)
    {
        lock (_gate)
        {
            Roll(now);
            return Snapshot(now, _used < _limit);
        }
    }

    private void Roll(DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(_windowSeconds);
        if (now >= _windowStart + window)
        {
            var elapsed = (now - _windowStart).Ticks / window.Ticks;
            _windowStart += TimeSpan.FromTicks(window.Ticks * elapsed);
            _used = 0;
        }
    }

    private RateDecision Snapshot(DateTimeOffset now, bool allowed)
    {
        var resetsAt = _windowStart.AddSeconds(_windowSeconds);
        var reset = (int)Math.Max(1, Math.Ceiling((resetsAt - now).TotalSeconds));
        return new RateDecision(allowed, _limit, Math.Max(0, _limit - _used), reset, resetsAt);
    }
}
