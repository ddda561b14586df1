using System;

namespace OneLoginMfa;

/// <summary>What Remove-OneLoginAuthFactor -PassThru writes: the ids of a device OneLogin has removed.</summary>
public sealed class RemovedAuthFactor
{
    /// <summary>The user the device belonged to.</summary>
    public long UserId { get; set; }

    /// <summary>The removed device's id.</summary>
    public long DeviceId { get; set; }

    /// <summary>When OneLogin confirmed the removal (this machine's clock).</summary>
    public DateTimeOffset RemovedAt { get; set; }
}
