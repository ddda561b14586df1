namespace OneLoginMfa;

/// <summary>The outcome of Confirm-OneLoginAuthFactor (POST …/otp_devices/{device}/verify).</summary>
public sealed class AuthFactorVerification
{
    /// <summary>The user.</summary>
    public long UserId { get; set; }

    /// <summary>The device that was verified; 0 for a temporary MFA token.</summary>
    public long DeviceId { get; set; }

    /// <summary>True when OneLogin accepted the code; a device that was pending is now active.</summary>
    public bool Verified { get; set; }

    /// <summary>OneLogin's status message, e.g. "Success".</summary>
    public string? Message { get; set; }
}
