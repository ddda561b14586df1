using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Removes an enrolled MFA device from a user (DELETE /api/1/users/{id}/otp_devices/{device}).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OneLoginAuthFactor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemovedAuthFactor))]
public sealed class RemoveOneLoginAuthFactorCommand : OneLoginDeviceCmdlet
{
    /// <summary>Write a RemovedAuthFactor (UserId, DeviceId, RemovedAt) for each device removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord() => ForEachDevice(
        "Remove MFA device",
        (deviceId, ct) => RemoveAsync(UserId, deviceId, ct),
        removed =>
        {
            if (PassThru)
            {
                WriteObject(removed);
            }
        });

    private async Task<RemovedAuthFactor> RemoveAsync(long userId, long deviceId, CancellationToken cancellationToken)
    {
        await Api.RemoveAuthFactorAsync(userId, deviceId, cancellationToken).ConfigureAwait(false);
        return new RemovedAuthFactor { UserId = userId, DeviceId = deviceId, RemovedAt = DateTimeOffset.Now };
    }
}
