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
public sealed class RemoveOneLoginAuthFactorCommand : OneLoginApiCmdlet
{
    /// <summary>The user.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long UserId { get; set; }

    /// <summary>The device(s) to remove, from Get-OneLoginEnrolledAuthFactor (by property name) or as numbers (by value).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("device_id")]
    [ArgumentCompleter(typeof(Completion.EnrolledDeviceIdCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long[] DeviceId { get; set; } = Array.Empty<long>();

    /// <summary>Write a RemovedAuthFactor (UserId, DeviceId, RemovedAt) for each device removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (long deviceId in DeviceId)
        {
            string target = string.Format(CultureInfo.InvariantCulture, "device {0} of user {1}", deviceId, UserId);
            if (!ShouldProcess(target, "Remove MFA device"))
            {
                continue;
            }

            if (TryAwait(RemoveAsync(UserId, deviceId, StopToken), DeviceTarget(UserId, deviceId), out RemovedAuthFactor removed) && PassThru)
            {
                WriteObject(removed);
            }
        }
    }

    private async Task<RemovedAuthFactor> RemoveAsync(long userId, long deviceId, CancellationToken cancellationToken)
    {
        await Api.RemoveAuthFactorAsync(userId, deviceId, cancellationToken).ConfigureAwait(false);
        return new RemovedAuthFactor { UserId = userId, DeviceId = deviceId, RemovedAt = DateTimeOffset.Now };
    }

}
