using System;
using System.Globalization;
using System.Management.Automation;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Generates a temporary MFA token a user can enter in place of a code, e.g. after losing a device (POST /api/1/users/{id}/mfa_token).</para>
/// </summary>
/// <remarks>One POST per user id, on the pipeline thread after ShouldProcess; never retried once it may have been sent.</remarks>
[Cmdlet(VerbsCommon.New, "OneLoginMfaToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MfaToken))]
public sealed class NewOneLoginMfaTokenCommand : OneLoginApiCmdlet
{
    /// <summary>OneLogin's maximum (and default) lifetime of a temporary MFA token: 72 hours.</summary>
    public const int MaxLifetimeSeconds = 72 * 3600;

    /// <summary>The user(s). Accepts numbers, numeric strings (CSV) and objects with an Id/UserId/user_id property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long[] UserId { get; set; } = Array.Empty<long>();

    /// <summary>How long the token is valid: 1 second to 72 hours (OneLogin's default: 72 hours).</summary>
    [Parameter]
    [ValidateTimeSpan(1, MaxLifetimeSeconds)]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(MaxLifetimeSeconds);

    /// <summary>The token can be used more than once until it expires (default: once).</summary>
    [Parameter]
    public SwitchParameter Reusable { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        int? lifetime = MyInvocation.BoundParameters.ContainsKey(nameof(Lifetime)) ? (int)Lifetime.TotalSeconds : null;
        string action = string.Format(
            CultureInfo.InvariantCulture,
            "Generate a {0} temporary MFA token valid for {1}",
            Reusable ? "reusable" : "single-use",
            TimeSpan.FromSeconds(lifetime ?? MaxLifetimeSeconds));
        foreach (long userId in UserId)
        {
            if (!ShouldProcess(string.Format(CultureInfo.InvariantCulture, "user {0}", userId), action))
            {
                continue;
            }

            if (TryAwait(Api.NewMfaTokenAsync(userId, lifetime, Reusable.IsPresent, StopToken), userId, out MfaToken token))
            {
                WriteObject(token);
            }
        }
    }
}
