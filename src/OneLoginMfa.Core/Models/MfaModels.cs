using System;

namespace OneLoginMfa;

/// <summary>An enrolled MFA device (GET /api/1/users/{id}/otp_devices).</summary>
public sealed class EnrolledAuthFactor
{
    /// <summary>The device's user.</summary>
    public long UserId { get; set; }

    /// <summary>The device id (wire: id); pass it as -DeviceId.</summary>
    public long DeviceId { get; set; }

    /// <summary>The official factor name, e.g. "OneLogin SMS".</summary>
    public string? AuthFactorName { get; set; }

    /// <summary>The admin-defined display name.</summary>
    public string? TypeDisplayName { get; set; }

    /// <summary>The user's name for the device.</summary>
    public string? UserDisplayName { get; set; }

    /// <summary>The phone number, for SMS and voice factors.</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>True once the device has been used successfully.</summary>
    public bool Active { get; set; }

    /// <summary>True for the user's default device.</summary>
    public bool Default { get; set; }

    /// <summary>True when a challenge must be sent (Send-OneLoginAuthFactorChallenge) before a code can be confirmed.</summary>
    public bool NeedsTrigger { get; set; }

    /// <summary>The state token for confirming a new enrollment; set only right after Register.</summary>
    public string? StateToken { get; set; }

    /// <inheritdoc/>
    public override string ToString() => UserDisplayName ?? AuthFactorName ?? DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A challenge sent to a device (POST …/otp_devices/{device}/trigger).</summary>
public sealed class AuthFactorChallenge
{
    /// <summary>The user.</summary>
    public long UserId { get; set; }

    /// <summary>The device the code was sent to.</summary>
    public long DeviceId { get; set; }

    /// <summary>The state token to pass to Confirm-OneLoginAuthFactor.</summary>
    public string? StateToken { get; set; }

    /// <summary>When the state token expires, if the API said.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The official factor name.</summary>
    public string? AuthFactorName { get; set; }

    /// <summary>OneLogin's status message, e.g. "SMS token sent to your mobile device. Authentication pending."</summary>
    public string? Message { get; set; }
}

/// <summary>A temporary MFA token (POST /api/1/users/{id}/mfa_token).</summary>
public sealed class MfaToken
{
    /// <summary>The user.</summary>
    public long UserId { get; set; }

    /// <summary>The token the user types in place of a code.</summary>
    public string? Token { get; set; }

    /// <summary>When it expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Whether it can be used more than once.</summary>
    public bool Reusable { get; set; }
}
