using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Completion;

/// <summary>
/// Completes -DeviceId of Send-OneLoginAuthFactorChallenge, Confirm-OneLoginAuthFactor and
/// Remove-OneLoginAuthFactor with the devices the user given by -UserId has enrolled
/// (GET /api/1/users/{id}/otp_devices): the text is the device id, the list shows the device's name.
/// </summary>
internal sealed class EnrolledDeviceIdCompleter : LiveIdCompleter
{
    /// <inheritdoc/>
    internal override async Task<IReadOnlyList<Candidate>> GetCandidatesAsync(OneLoginApi api, long userId, CancellationToken cancellationToken)
    {
        IReadOnlyList<EnrolledAuthFactor> devices = await api.GetEnrolledAuthFactorsAsync(userId, cancellationToken).ConfigureAwait(false);
        return devices.Select(d => new Candidate(d.DeviceId, DisplayName(d), ToolTip(d))).ToList();
    }

    private static string DisplayName(EnrolledAuthFactor device)
    {
        string factor = device.AuthFactorName ?? device.TypeDisplayName ?? string.Empty;
        string name = device.UserDisplayName ?? string.Empty;
        if (name.Length == 0 || name == factor)
        {
            return factor;
        }

        return factor.Length == 0 ? name : factor + ": " + name;
    }

    private static string ToolTip(EnrolledAuthFactor device) => string.Format(
        CultureInfo.InvariantCulture,
        "{0} (device id {1}{2}{3}{4})",
        DisplayName(device),
        device.DeviceId,
        device.Active ? ", active" : ", pending",
        device.Default ? ", default" : string.Empty,
        string.IsNullOrEmpty(device.PhoneNumber) ? string.Empty : ", " + device.PhoneNumber);
}
