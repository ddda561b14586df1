using System.Linq;
using System.Management.Automation;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Gets the MFA devices a user has enrolled (GET /api/1/users/{id}/otp_devices).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OneLoginEnrolledAuthFactor")]
[OutputType(typeof(EnrolledAuthFactor))]
public sealed class GetOneLoginEnrolledAuthFactorCommand : OneLoginUserCmdlet
{
    /// <inheritdoc/>
    protected override string ProgressActivity => "Getting enrolled OneLogin MFA factors";

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (long userId in UserId)
        {
            long id = userId;
            Enqueue(id, async ct => (await Api.GetEnrolledAuthFactorsAsync(id, ct).ConfigureAwait(false)).Cast<object>());
        }
    }
}
