using System.Text.RegularExpressions;

namespace OneLoginMfa.Http;

/// <summary>Removes secrets from text that goes to -Debug output: token, secret, OTP and state-token values.</summary>
internal static class Redactor
{
    private static readonly Regex s_jsonSecret = new(
        "(\"(?:access_token|refresh_token|client_secret|clientSecret|state_token|otp_token|otp|mfa_token|verification_token|token|password)\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[0-9]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex s_formSecret = new(
        "((?:^|[&?])(?:access_token|refresh_token|client_secret|otp_token|state_token)=)[^&]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // "basic" is masked only before something that looks like base64 credentials (digits, + / =, or a long
    // run), so prose such as "basic request" stays readable.
    private static readonly Regex s_bearer = new(
        "(bearer[: ]\\s*|basic\\s+(?=[A-Za-z0-9+/]*(?:[0-9+/=]|[A-Za-z]{24})))[A-Za-z0-9._~+/=-]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public const string Mask = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        string result = s_jsonSecret.Replace(text, "$1\"" + Mask + "\"");
        result = s_formSecret.Replace(result, "$1" + Mask);
        return s_bearer.Replace(result, "$1" + Mask);
    }

    /// <summary>Redacts and shortens a body for display.</summary>
    public static string ForDisplay(string? body, int max = 2048)
    {
        string redacted = Redact(body);
        return redacted.Length <= max ? redacted : redacted.Substring(0, max) + "… (" + redacted.Length + " chars)";
    }
}
