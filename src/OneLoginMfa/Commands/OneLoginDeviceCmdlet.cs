using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Commands;

/// <summary>
/// Base of the state-changing device commands: one user (-UserId by property name, aliases Id and
/// user_id) and one or more devices (-DeviceId by value or by property name, alias device_id), so
/// <c>Get-OneLoginEnrolledAuthFactor | Remove-OneLoginAuthFactor</c> and <c>7, 8 | Send-… -UserId 5</c> bind.
/// Each device is handled on the pipeline thread: ShouldProcess, one request, one outcome.
/// </summary>
public abstract class OneLoginDeviceCmdlet : OneLoginApiCmdlet
{
    /// <summary>The user.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long UserId { get; set; }

    /// <summary>The enrolled device(s), from Get-OneLoginEnrolledAuthFactor (by property name) or as numbers (by value).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("device_id")]
    [ArgumentCompleter(typeof(Completion.EnrolledDeviceIdCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long[] DeviceId { get; set; } = Array.Empty<long>();

    /// <summary>
    /// For each device: asks ShouldProcess with <paramref name="action"/>, runs <paramref name="call"/>, and
    /// passes a success to <paramref name="written"/>; a failure is written with the device (or, for
    /// UserNotFound, the user) as its target.
    /// </summary>
    internal void ForEachDevice<T>(string action, Func<long, CancellationToken, Task<T>> call, Action<T> written)
    {
        foreach (long deviceId in DeviceId)
        {
            string target = string.Format(CultureInfo.InvariantCulture, "device {0} of user {1}", deviceId, UserId);
            if (ShouldProcess(target, action) && TryAwait(call(deviceId, StopToken), DeviceTarget(UserId, deviceId), out T result))
            {
                written(result);
            }
        }
    }
}
