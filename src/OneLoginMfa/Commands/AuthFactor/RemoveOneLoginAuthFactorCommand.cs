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
    [Alias("user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long UserId { get; set; }

    /// <summary>The device to remove, from Get-OneLoginEnrolledAuthFactor.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("device_id")]
    [ValidateRange(1, long.MaxValue)]
    public long DeviceId { get; set; }

    /// <summary>Write a RemovedAuthFactor (UserId, DeviceId, RemovedAt) for each device removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        string target = string.Format(CultureInfo.InvariantCulture, "device {0} of user {1}", DeviceId, UserId);
        if (!ShouldProcess(target, "Remove MFA device"))
        {
            return;
        }

        if (TryAwait(RemoveAsync(UserId, DeviceId, StopToken), out RemovedAuthFactor removed) && PassThru)
        {
            WriteObject(removed);
        }
    }

    private async Task<RemovedAuthFactor> RemoveAsync(long userId, long deviceId, CancellationToken cancellationToken)
    {
        await Api.RemoveAuthFactorAsync(userId, deviceId, cancellationToken).ConfigureAwait(false);
        return new RemovedAuthFactor { UserId = userId, DeviceId = deviceId, RemovedAt = DateTimeOffset.Now };
    }

    /// <summary>Like TryAwait, with the failing input as target: the user id for UserNotFound, else the device id.</summary>
    private bool TryAwait<T>(Task<T> task, out T result)
    {
        try
        {
            result = Await(task);
            return true;
        }
        catch (OneLoginApiException ex)
        {
            WriteApiError(ex, ex.Kind == OneLoginErrorKind.UserNotFound ? UserId : DeviceId);
            result = default!;
            return false;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}
