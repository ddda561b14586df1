using System;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading.Tasks;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Checks a one-time code (or a temporary MFA token) for a user's device (OneLogin's "Verify Factor").</para>
/// </summary>
/// <remarks>
/// POST /api/1/users/{id}/otp_devices/{device}/verify, once per pipeline record. A rejected code is a
/// non-terminating OneLoginRequestInvalid error for that record; the code itself never reaches verbose,
/// debug or error output (Core redacts otp_token and state_token in debug bodies).
/// </remarks>
[Cmdlet(VerbsLifecycle.Confirm, "OneLoginAuthFactor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AuthFactorVerification))]
public sealed class ConfirmOneLoginAuthFactorCommand : OneLoginApiCmdlet
{
    /// <summary>The user.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "user_id")]
    [ValidateRange(1, long.MaxValue)]
    public long UserId { get; set; }

    /// <summary>The device; 0 verifies a temporary MFA token from New-OneLoginMfaToken.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("device_id")]
    [ArgumentCompleter(typeof(Completion.EnrolledDeviceIdCompleter))]
    [ValidateRange(0, long.MaxValue)]
    public long DeviceId { get; set; }

    /// <summary>The state token from Send-OneLoginAuthFactorChallenge (or Register-OneLoginAuthFactor); required for devices that need a trigger.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("state_token")]
    public string? StateToken { get; set; }

    /// <summary>The code the user received or reads from the app, or the temporary MFA token; a SecureString or a string.</summary>
    [Parameter(Position = 2)]
    [Alias("Otp")]
    [OtpTokenTransformation]
    public SecureString? OtpToken { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        string target = DeviceId == 0
            ? string.Format(CultureInfo.InvariantCulture, "temporary MFA token of user {0}", UserId)
            : string.Format(CultureInfo.InvariantCulture, "device {0} of user {1}", DeviceId, UserId);
        if (!ShouldProcess(target, "Verify MFA code"))
        {
            return;
        }

        string? otp = OtpToken is null ? null : Unprotect(OtpToken);
        Task<AuthFactorVerification> call = Api.ConfirmAuthFactorAsync(UserId, DeviceId, string.IsNullOrEmpty(StateToken) ? null : StateToken, otp, StopToken);
        otp = null;
        if (TryAwait(call, DeviceTarget(UserId, DeviceId), out AuthFactorVerification verification))
        {
            WriteObject(verification);
        }
    }

    private static string Unprotect(SecureString secure)
    {
        IntPtr ptr = IntPtr.Zero;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Marshal.PtrToStringUni(ptr, secure.Length);
        }
        finally
        {
            if (ptr != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }

    /// <summary>
    /// Accepts a SecureString or plain text. A code typed without quotes arrives as a number; its original
    /// text is used so that leading zeros (012345) survive.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class OtpTokenTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case SecureString secure:
                    return secure;
                case string text:
                    return Protect(text);
                case char[] chars:
                    return Protect(new string(chars));
                case int or long or short or byte or uint or ulong or ushort or sbyte or decimal:
                    // PowerShell keeps the literal's text for conversions to string: 012345 stays "012345".
                    return Protect(LanguagePrimitives.ConvertTo<string>(inputData));
                default:
                    throw new ArgumentTransformationMetadataException("-OtpToken takes the code as a SecureString or a string, e.g. -OtpToken '012345' or -OtpToken (Read-Host -AsSecureString).");
            }
        }

        private static SecureString Protect(string text)
        {
            var secure = new SecureString();
            foreach (char c in text.Trim())
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
