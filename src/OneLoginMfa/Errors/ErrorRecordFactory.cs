using System;
using System.Management.Automation;

namespace OneLoginMfa.Errors;

/// <summary>
/// The one place that turns failures into ErrorRecords (design section 4). ErrorIds are stable and never
/// carry a status code; TargetObject is the input (user id, device id), never the cmdlet; the displayed
/// message quotes OneLogin's own message and adds the HTTP status, method, path and request id.
/// </summary>
internal static class ErrorRecordFactory
{
    public const string NotConnectedId = "OneLoginNotConnected";

    public static ErrorRecord FromApi(OneLoginApiException exception, object? target)
    {
        (string id, ErrorCategory category, string? action) = exception.Kind switch
        {
            OneLoginErrorKind.AuthenticationFailed => ("OneLoginAuthenticationFailed", ErrorCategory.AuthenticationError,
                "Check the client id and secret (OneLogin Administration > Developers > API Credentials) and run Connect-OneLogin again."),
            OneLoginErrorKind.AccessDenied => ("OneLoginAccessDenied", ErrorCategory.PermissionDenied,
                "The API credential lacks the scope this call needs: reads need Read Users or higher; MFA changes need Manage Users or Manage All."),
            OneLoginErrorKind.ConnectionFailed => ("OneLoginConnectionFailed", ErrorCategory.ConnectionError,
                "Check the tenant address, DNS, proxy (-Proxy on Connect-OneLogin) and TLS inspection."),
            OneLoginErrorKind.RateLimited => ("OneLoginRateLimited", ErrorCategory.LimitsExceeded,
                "Wait for the rate limit to reset (Get-OneLoginRateLimit), or connect with a larger -MaxRateLimitWait."),
            OneLoginErrorKind.UserNotFound => ("UserNotFound", ErrorCategory.ObjectNotFound, null),
            OneLoginErrorKind.AuthFactorNotFound => ("AuthFactorNotFound", ErrorCategory.ObjectNotFound,
                "List the user's devices with Get-OneLoginEnrolledAuthFactor."),
            OneLoginErrorKind.RequestInvalid => ("OneLoginRequestInvalid", ErrorCategory.InvalidArgument, null),
            OneLoginErrorKind.Timeout => ("OneLoginRequestTimedOut", ErrorCategory.OperationTimeout,
                "Try again, or connect with a larger -Timeout."),
            OneLoginErrorKind.ResponseInvalid => ("OneLoginResponseInvalid", ErrorCategory.InvalidResult, null),
            _ => ("OneLoginServiceError", ErrorCategory.ResourceUnavailable, "Try again later; OneLogin may be having problems."),
        };

        return new ErrorRecord(exception, id, category, target)
        {
            ErrorDetails = new ErrorDetails(exception.Describe()) { RecommendedAction = action },
        };
    }

    public static ErrorRecord NotConnected(OneLoginConnection? closed = null)
    {
        string message = closed is null
            ? "You are not connected to OneLogin. Run Connect-OneLogin first, or pass a connection with -Connection."
            : "The connection to " + closed.BaseUri.GetLeftPart(UriPartial.Authority) + " was closed by Disconnect-OneLogin. Run Connect-OneLogin again.";
        return new ErrorRecord(new InvalidOperationException(message), NotConnectedId, ErrorCategory.InvalidOperation, closed)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = "Connect-OneLogin -Subdomain <tenant> -Credential (Get-Credential)",
            },
        };
    }

    /// <summary>A parameter value or combination that cannot work; raised before any request.</summary>
    public static ErrorRecord ParameterInvalid(string errorId, string message, object? target, Exception? inner = null) =>
        new(new ArgumentException(message, inner), errorId, ErrorCategory.InvalidArgument, target);
}
