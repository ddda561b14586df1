using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Enrolls an SMS or voice MFA device for a user (POST /api/1/users/{id}/otp_devices).</para>
/// </summary>
/// <remarks>
/// One enrollment per pipeline record, sent on the pipeline thread after ShouldProcess. The POST is never
/// retried once it may have reached OneLogin, so a record is enrolled at most once. The v1 enroll body has no
/// field for the default device: OneLogin decides that (the output's Default property says what it chose).
/// </remarks>
[Cmdlet(VerbsLifecycle.Register, "OneLoginAuthFactor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EnrolledAuthFactor))]
public sealed class RegisterOneLoginAuthFactorCommand : OneLoginApiCmdlet
{
    /// <summary>The user to enroll the device for.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long UserId { get; set; }

    /// <summary>The account's factor id, from Get-OneLoginAvailableAuthFactor.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("factor_id")]
    [ArgumentCompleter(typeof(Completion.AvailableFactorIdCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long FactorId { get; set; }

    /// <summary>The name the user sees for the device, e.g. "Work phone".</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("display_name")]
    [ValidateNotNullOrEmpty]
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The phone number in E.164 form: +, country code and number, e.g. +14155550100.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("number", "phone_number")]
    [ValidateE164]
    public string PhoneNumber { get; set; } = string.Empty;

    /// <summary>The number is already known to belong to the user: the device is active at once, no code needed.</summary>
    [Parameter]
    public SwitchParameter Verified { get; set; }

    /// <summary>
    /// Ask OneLogin to make the new device the user's default. The v1 enroll API documents no such option, so
    /// the request carries <c>"default": true</c> and a warning says so when the response shows it was not applied.
    /// </summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        string action = string.Format(
            CultureInfo.InvariantCulture,
            "Enroll MFA factor {0} as '{1}' for {2}{3}",
            FactorId,
            DisplayName,
            PhoneNumber,
            Verified ? " (pre-verified, active at once)" : string.Empty);
        if (!ShouldProcess(string.Format(CultureInfo.InvariantCulture, "user {0}", UserId), action))
        {
            return;
        }

        if (TryAwait(Api.RegisterAuthFactorAsync(UserId, FactorId, DisplayName, PhoneNumber, Verified.IsPresent, Default.IsPresent, StopToken), UserId, out EnrolledAuthFactor device))
        {
            if (Default && !device.Default)
            {
                WriteWarning(string.Format(
                    CultureInfo.CurrentCulture,
                    "OneLogin enrolled device {0} for user {1} but did not make it the default device: its API documents no way to choose the default. The user can change it in their OneLogin profile.",
                    device.DeviceId,
                    UserId));
            }

            WriteObject(device);
        }
    }

    /// <summary>Checks that a phone number is E.164 (+, country code, up to 15 digits) before any request.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateE164Attribute : ValidateArgumentsAttribute
    {
        private static readonly Regex s_e164 = new(@"^\+[1-9]\d{1,14}$", RegexOptions.CultureInvariant);

        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string text = (arguments is PSObject ps ? ps.BaseObject : arguments)?.ToString() ?? string.Empty;
            if (!s_e164.IsMatch(text))
            {
                throw new ValidationMetadataException(string.Format(
                    CultureInfo.InvariantCulture,
                    "'{0}' is not an E.164 phone number. Use + followed by the country code and the number, digits only, 15 at most: for example +14155550100.",
                    text));
            }
        }
    }
}
