using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Gets the MFA factors a user can still enroll (GET /api/1/users/{id}/auth_factors).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OneLoginAvailableAuthFactor")]
[OutputType(typeof(AuthFactor))]
public sealed class GetOneLoginAvailableAuthFactorCommand : OneLoginUserCmdlet
{
    /// <inheritdoc/>
    protected override string ProgressActivity => "Getting available OneLogin MFA factors";

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        foreach (long userId in UserId)
        {
            long id = userId;
            Enqueue(id, async ct => (await Api.GetAvailableAuthFactorsAsync(id, ct).ConfigureAwait(false)).Cast<object>());
        }
    }
}
