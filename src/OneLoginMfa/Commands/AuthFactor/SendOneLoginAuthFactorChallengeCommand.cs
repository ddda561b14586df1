using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using OneLoginMfa.Errors;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Sends an MFA challenge (SMS code, voice call or push) to an enrolled device (OneLogin's "Activate Factor").</para>
/// </summary>
/// <remarks>
/// POST /api/1/users/{id}/otp_devices/{device}/trigger, once per pipeline record after ShouldProcess. In the
/// v1 response "id" is the user and "device_id" the device; Core maps them (reference 6.4).
/// </remarks>
[Cmdlet(VerbsCommunications.Send, "OneLoginAuthFactorChallenge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AuthFactorChallenge))]
public sealed class SendOneLoginAuthFactorChallengeCommand : OneLoginDeviceCmdlet
{
    /// <summary>The longest SMS OneLogin sends, after the template variables are filled in.</summary>
    public const int MaxSmsLength = 160;

    private const int OtpCodeLength = 6;
    private static readonly Regex s_templateVariable = new(@"\{\{(.*?)\}\}", RegexOptions.CultureInvariant);

    /// <summary>How long the returned state token stays valid (1 second to 15 minutes; OneLogin's default is 2 minutes).</summary>
    [Parameter]
    [ValidateTimeSpan(1, 900)]
    public TimeSpan StateTokenLifetime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>SMS only: send a 6-digit numeric code instead of an alphanumeric one.</summary>
    [Parameter]
    public SwitchParameter NumericCode { get; set; }

    /// <summary>SMS only: the text to send; {{otp_code}} and {{expiration}} (minutes) are filled in; 160 characters at most after that.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SmsMessage { get; set; }

    private int? _lifetimeSeconds;

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(StateTokenLifetime)))
        {
            _lifetimeSeconds = (int)StateTokenLifetime.TotalSeconds;
        }

        if (SmsMessage is not null)
        {
            ValidateSmsMessage(SmsMessage, _lifetimeSeconds ?? 120);
        }

        base.BeginProcessing();
    }

    /// <inheritdoc/>
    protected override void ProcessRecord() => ForEachDevice(
        "Send an MFA challenge (code or push notification)",
        (deviceId, ct) => Api.SendChallengeAsync(UserId, deviceId, _lifetimeSeconds, NumericCode.IsPresent, SmsMessage, ct),
        WriteObject);

    /// <summary>Only {{otp_code}} and {{expiration}}, and at most 160 characters once OneLogin fills them in.</summary>
    private void ValidateSmsMessage(string message, int lifetimeSeconds)
    {
        foreach (Match match in s_templateVariable.Matches(message))
        {
            string name = match.Groups[1].Value;
            if (name != "otp_code" && name != "expiration")
            {
                ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(
                    "SmsMessageInvalid",
                    string.Format(CultureInfo.InvariantCulture, "-SmsMessage uses the template variable {0}; OneLogin fills in only {{{{otp_code}}}} and {{{{expiration}}}}.", match.Value),
                    message));
            }
        }

        string expiration = ((lifetimeSeconds + 59) / 60).ToString(CultureInfo.InvariantCulture);
        string filled = message.Replace("{{otp_code}}", new string('0', OtpCodeLength)).Replace("{{expiration}}", expiration);
        if (filled.Length > MaxSmsLength)
        {
            ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(
                "SmsMessageInvalid",
                string.Format(
                    CultureInfo.InvariantCulture,
                    "-SmsMessage is {0} characters long once {{{{otp_code}}}} ({1} characters) and {{{{expiration}}}} ('{2}') are filled in; OneLogin sends at most {3}.",
                    filled.Length,
                    OtpCodeLength,
                    expiration,
                    MaxSmsLength),
                message));
        }

        if (message.IndexOf("{{otp_code}}", StringComparison.Ordinal) < 0)
        {
            WriteWarning("-SmsMessage has no {{otp_code}}: the text message will not contain the code the user has to enter.");
        }
    }
}
