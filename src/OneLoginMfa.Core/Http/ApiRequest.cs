using System;
using System.Collections.Generic;
using System.Net.Http;

namespace OneLoginMfa.Http;

/// <summary>One resource call, described independently of HttpClient so it can be re-sent on retry.</summary>
internal sealed class ApiRequest
{
    public ApiRequest(HttpMethod method, string relativePath, string? jsonBody = null)
    {
        Method = method;
        RelativePath = relativePath.TrimStart('/');
        JsonBody = jsonBody;
    }

    public HttpMethod Method { get; }

    /// <summary>Path and query relative to the base URI, e.g. <c>api/1/users/5/auth_factors</c>.</summary>
    public string RelativePath { get; }

    public string? JsonBody { get; }

    /// <summary>GET and DELETE may be re-sent after a failure; a POST only if it never left this machine.</summary>
    public bool Idempotent => Method == HttpMethod.Get || Method == HttpMethod.Delete || Method == HttpMethod.Head;

    /// <summary>Which not-found error a 404 (or "could not be found" 400) means for this call.</summary>
    public OneLoginErrorKind NotFoundKind { get; set; } = OneLoginErrorKind.UserNotFound;

    /// <summary>
    /// False for calls where a 401 can be about the request itself (a wrong OTP on verify) rather than the
    /// token: then only the known token-failure messages trigger a renewal.
    /// </summary>
    public bool UnknownUnauthorizedIsTokenProblem { get; set; } = true;

    /// <summary>The path without the query, for messages and exceptions.</summary>
    public string PathOnly
    {
        get
        {
            int q = RelativePath.IndexOf('?');
            return "/" + (q < 0 ? RelativePath : RelativePath.Substring(0, q));
        }
    }

    /// <summary>"api/1", "api/2" or "auth": the unit the rate governor learns metering for.</summary>
    public string Family
    {
        get
        {
            string path = PathOnly.TrimStart('/');
            string[] parts = path.Split('/');
            return parts.Length >= 2 && string.Equals(parts[0], "api", StringComparison.OrdinalIgnoreCase)
                ? "api/" + parts[1]
                : parts[0].ToLowerInvariant();
        }
    }
}

/// <summary>A successful response: status, body and headers (case-insensitive names).</summary>
internal sealed class ApiResponse
{
    public ApiResponse(int statusCode, string body, IDictionary<string, string> headers)
    {
        StatusCode = statusCode;
        Body = body;
        Headers = headers;
    }

    public int StatusCode { get; }

    public string Body { get; }

    public IDictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
