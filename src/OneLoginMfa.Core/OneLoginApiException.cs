using System;

namespace OneLoginMfa;

/// <summary>What went wrong, in terms a caller can act on. The cmdlet layer maps each kind to one ErrorId.</summary>
public enum OneLoginErrorKind
{
    /// <summary>Anything not listed below (kept for forward compatibility).</summary>
    Unknown = 0,

    /// <summary>Bad client credentials, or a 401 that survived one token renewal.</summary>
    AuthenticationFailed,

    /// <summary>The credential lacks the scope (v1 401 "Insufficient Permission", 403).</summary>
    AccessDenied,

    /// <summary>DNS failure, connection refused, TLS failure.</summary>
    ConnectionFailed,

    /// <summary>The rate budget is spent and the reset is further away than MaxRateLimitWait.</summary>
    RateLimited,

    /// <summary>The user does not exist.</summary>
    UserNotFound,

    /// <summary>The MFA device or factor does not exist ("Factor could not be found").</summary>
    AuthFactorNotFound,

    /// <summary>Any other 400 / 422 (or a 401 that is about the request, not the token).</summary>
    RequestInvalid,

    /// <summary>5xx after retries.</summary>
    ServiceError,

    /// <summary>The request timed out after retries.</summary>
    Timeout,

    /// <summary>The body could not be parsed or was not what the endpoint documents.</summary>
    ResponseInvalid,
}

/// <summary>
/// One exception for every OneLogin API failure, whatever shape the error body had (v1 <c>status</c>, v2
/// <c>statusCode</c>, v2 validation <c>code</c>+<c>errors</c>, or non-JSON). <see cref="Exception.Message"/> is
/// OneLogin's own message where it sent one, e.g. <c>User for id 123 was not found</c>.
/// </summary>
public class OneLoginApiException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public OneLoginApiException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public OneLoginApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public OneLoginApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a fully described exception.</summary>
    public OneLoginApiException(OneLoginErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>The classified failure.</summary>
    public OneLoginErrorKind Kind { get; set; }

    /// <summary>The HTTP status code, when a response arrived.</summary>
    public int? StatusCode { get; set; }

    /// <summary>v1 <c>status.type</c> (e.g. "bad request") or v2 <c>name</c> (e.g. "NotFoundError").</summary>
    public string? ApiErrorType { get; set; }

    /// <summary>OneLogin's message, verbatim (for an object-valued v1 message, its description).</summary>
    public string? ApiMessage { get; set; }

    /// <summary>The attribute a v1/v2 validation error names, if any.</summary>
    public string? ApiErrorAttribute { get; set; }

    /// <summary>The X-Request-Id response header, for OneLogin support.</summary>
    public string? RequestId { get; set; }

    /// <summary>The HTTP method.</summary>
    public string? Method { get; set; }

    /// <summary>The request path (no query string, no host).</summary>
    public string? Path { get; set; }

    /// <summary>How long the server asked us to wait (Retry-After or X-RateLimit-Reset), if it said.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>
    /// True when no further request on this connection can succeed as things stand (bad credentials, no
    /// permission, unreachable, rate limit exhausted). The cmdlet layer makes these terminating.
    /// </summary>
    public bool IsSessionFatal => Kind is OneLoginErrorKind.AuthenticationFailed or OneLoginErrorKind.AccessDenied
        or OneLoginErrorKind.ConnectionFailed or OneLoginErrorKind.RateLimited;

    /// <summary>"HTTP 404, GET /api/1/users/5/auth_factors, request id …" — for error details, never secret.</summary>
    public string Describe()
    {
        var parts = new System.Collections.Generic.List<string>(3);
        if (StatusCode is int code)
        {
            parts.Add("HTTP " + code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (Method is not null && Path is not null)
        {
            parts.Add(Method + " " + Path);
        }

        if (!string.IsNullOrEmpty(RequestId))
        {
            parts.Add("request id " + RequestId);
        }

        return parts.Count == 0 ? Message : Message + " (" + string.Join(", ", parts) + ")";
    }
}
