using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace OneLogin.Emulator;

/// <summary>
/// One factor of the account's MFA policy. Factor ids are per account in OneLogin; these are our choice
/// (16282 is the id in OneLogin's own doc sample for "OneLogin SMS").
/// </summary>
internal sealed record FactorType(int Index, long FactorId, string Name, bool NeedsTrigger, bool UsesPhone, bool EnrollableViaApi)
{
    public static readonly FactorType Sms = new(0, 16282, "OneLogin SMS", NeedsTrigger: true, UsesPhone: true, EnrollableViaApi: true);
    public static readonly FactorType Voice = new(1, 16283, "OneLogin Voice", NeedsTrigger: true, UsesPhone: true, EnrollableViaApi: true);
    public static readonly FactorType Protect = new(2, 16284, "OneLogin Protect", NeedsTrigger: true, UsesPhone: false, EnrollableViaApi: false);
    public static readonly FactorType Authenticator = new(3, 16285, "Google Authenticator", NeedsTrigger: false, UsesPhone: false, EnrollableViaApi: false);

    /// <summary>The account policy, in the order the available-factors list returns it.</summary>
    public static readonly IReadOnlyList<FactorType> Policy = [Sms, Voice, Protect, Authenticator];

    public static FactorType? ById(long factorId) => Policy.FirstOrDefault(f => f.FactorId == factorId);
}

internal sealed class OtpDevice
{
    public long Id { get; init; }

    public required FactorType Factor { get; init; }

    public bool Active { get; set; }

    public bool Default { get; set; }

    public bool NeedsTrigger { get; init; }

    public required string UserDisplayName { get; init; }

    public string? PhoneNumber { get; init; }

    public string? StateToken { get; set; }

    public DateTimeOffset StateTokenExpiresAt { get; set; }

    public string? Otp { get; set; }
}

internal sealed class MfaTokenRecord
{
    public required string Token { get; init; }

    public bool Reusable { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public bool Used { get; set; }
}

/// <summary>Mutable MFA state of one user. Lock on the instance.</summary>
internal sealed class UserMfaState
{
    public List<OtpDevice> Devices { get; } = [];

    public List<MfaTokenRecord> MfaTokens { get; } = [];
}

/// <summary>
/// Devices and enrolments. Users whose MFA state never changed are answered straight from the seed, so a
/// 100,000-user run allocates nothing per user until something is enrolled, triggered or removed.
/// </summary>
internal sealed class MfaStore
{
    private const long SeedDeviceBase = 1_000_000;
    private const long NewDeviceBase = 900_000_000;

    private readonly UserDirectory _users;
    private readonly ConcurrentDictionary<long, UserMfaState> _states = new();
    private long _nextDeviceId = NewDeviceBase;

    public MfaStore(UserDirectory users)
    {
        _users = users;
    }

    public void Reset()
    {
        _states.Clear();
        Interlocked.Exchange(ref _nextDeviceId, NewDeviceBase);
    }

    /// <summary>
    /// Seeded enrolment mask (bit = factor index). Every 10th user (index % 10 == 0) has every factor
    /// enrolled, so nothing is available; index % 10 in {1, 6} has nothing enrolled (all four available);
    /// the rest have 1–3 enrolled (1–3 available), chosen by the seed.
    /// </summary>
    public int SeedMask(int index)
    {
        return (index % 10) switch
        {
            0 => 0b1111,
            1 or 6 => 0,
            _ => 1 + (int)(_users.Mix(index, 9) % 14),
        };
    }

    /// <summary>Snapshot of the user's devices (seeded or current). Caller must have checked the user exists.</summary>
    public IReadOnlyList<OtpDevice> Devices(long userId)
    {
        if (_states.TryGetValue(userId, out var state))
        {
            lock (state)
            {
                return state.Devices.Select(Copy).ToList();
            }
        }

        return SeedDevices(userId);
    }

    public IReadOnlyList<FactorType> AvailableFactors(long userId)
    {
        if (_states.TryGetValue(userId, out var state))
        {
            lock (state)
            {
                return FactorType.Policy.Where(f => !state.Devices.Exists(d => d.Factor == f)).ToList();
            }
        }

        var mask = SeedMask((int)(userId - _users.FirstUserId));
        return FactorType.Policy.Where(f => (mask & (1 << f.Index)) == 0).ToList();
    }

    /// <summary>Runs <paramref name="action"/> under the user's lock, materializing the seeded state first.</summary>
    public T WithState<T>(long userId, Func<UserMfaState, T> action)
    {
        var state = _states.GetOrAdd(userId, id =>
        {
            var created = new UserMfaState();
            created.Devices.AddRange(SeedDevices(id));
            return created;
        });
        lock (state)
        {
            return action(state);
        }
    }

    public long NewDeviceId() => Interlocked.Increment(ref _nextDeviceId);

    public static string NewStateToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public static string NewOtp() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public static string NewMfaToken() => RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    private static OtpDevice Copy(OtpDevice d) => new()
    {
        Id = d.Id,
        Factor = d.Factor,
        Active = d.Active,
        Default = d.Default,
        NeedsTrigger = d.NeedsTrigger,
        UserDisplayName = d.UserDisplayName,
        PhoneNumber = d.PhoneNumber,
        StateToken = d.StateToken,
        StateTokenExpiresAt = d.StateTokenExpiresAt,
        Otp = d.Otp,
    };

    private List<OtpDevice> SeedDevices(long userId)
    {
        var index = (int)(userId - _users.FirstUserId);
        var mask = SeedMask(index);
        var list = new List<OtpDevice>(4);
        if (mask == 0)
        {
            return list;
        }

        var user = _users.Build(index);
        var phone = user.Phone.Length > 0 ? user.Phone : "+1555" + (userId % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
        foreach (var factor in FactorType.Policy)
        {
            if ((mask & (1 << factor.Index)) == 0)
            {
                continue;
            }

            list.Add(new OtpDevice
            {
                Id = SeedDeviceBase + (index * 4L) + factor.Index,
                Factor = factor,
                Active = true,
                Default = list.Count == 0,
                NeedsTrigger = factor.NeedsTrigger,
                UserDisplayName = factor.Index switch
                {
                    0 => user.FirstName + "'s Phone",
                    1 => user.FirstName + "'s Desk Phone",
                    2 => "OneLogin Protect",
                    _ => "Authenticator",
                },
                PhoneNumber = factor.UsesPhone ? phone : null,
            });
        }

        return list;
    }
}
