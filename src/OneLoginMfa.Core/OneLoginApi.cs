using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OneLoginMfa.Http;
using OneLoginMfa.Json;

namespace OneLoginMfa;

/// <summary>One page of GET /api/2/users.</summary>
internal sealed class UserPage
{
    public UserPage(IReadOnlyList<OneLoginUser> users, string? afterCursor, long? totalCount)
    {
        Users = users;
        AfterCursor = afterCursor;
        TotalCount = totalCount;
    }

    public IReadOnlyList<OneLoginUser> Users { get; }

    /// <summary>The After-Cursor header; null on the last page.</summary>
    public string? AfterCursor { get; }

    /// <summary>The Total-Count header, when sent.</summary>
    public long? TotalCount { get; }
}

/// <summary>
/// The typed OneLogin operations, bound to one connection and one observer (the calling cmdlet).
/// Every method goes through <see cref="OneLoginHttpPipeline.SendAsync"/>; every parse failure becomes
/// <see cref="OneLoginErrorKind.ResponseInvalid"/>.
/// </summary>
internal sealed class OneLoginApi
{
    /// <summary>OneLogin's page size for users (reference 5.3: "up to 50 users per page").</summary>
    public const int UserPageSize = 50;

    private readonly OneLoginHttpPipeline _pipeline;
    private readonly IRequestObserver _observer;

    public OneLoginApi(OneLoginConnection connection, IRequestObserver? observer)
        : this(connection.Pipeline, observer)
    {
    }

    public OneLoginApi(OneLoginHttpPipeline pipeline, IRequestObserver? observer)
    {
        _pipeline = pipeline;
        _observer = observer ?? NullRequestObserver.Instance;
    }

    public Task<AccessToken> AuthenticateAsync(CancellationToken cancellationToken) =>
        _pipeline.Tokens.GetAsync(_observer, cancellationToken);

    public Task RevokeAsync(CancellationToken cancellationToken) => _pipeline.RevokeAsync(_observer, cancellationToken);

    public async Task<OneLoginRateLimit> GetRateLimitAsync(CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, "auth/rate_limit");
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        OneLoginRateLimit limit = Parse(request, response, root => OneLoginJson.ToRateLimit(OneLoginJson.Data(root), DateTimeOffset.UtcNow));
        _pipeline.Budget.Observe(limit.Limit, limit.Remaining, (int)limit.ResetIn.TotalSeconds);
        return limit;
    }

    // ---- users --------------------------------------------------------------------------------------

    /// <summary>The first page's path: the filters plus limit=50 (cursor never goes with limit or page).</summary>
    public static string FirstUsersPage(IEnumerable<KeyValuePair<string, string>> filters) =>
        UsersPath(filters, "limit", UserPageSize.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Every later page: the same filters plus the After-Cursor value exactly as received, never limit or
    /// page ("cursor xor pagination arguments"). The filters are repeated because a cursor encodes only the
    /// position (reference 5.3: base64 of "limit=N&amp;page=M"), not the query.
    /// </summary>
    public static string NextUsersPage(IEnumerable<KeyValuePair<string, string>> filters, string afterCursor) =>
        UsersPath(filters, "cursor", afterCursor);

    /// <summary>The next page of an unfiltered listing.</summary>
    public static string NextUsersPage(string afterCursor) =>
        NextUsersPage(Array.Empty<KeyValuePair<string, string>>(), afterCursor);

    private static string UsersPath(IEnumerable<KeyValuePair<string, string>> filters, string pagingKey, string pagingValue)
    {
        var query = new StringBuilder("api/2/users?");
        foreach (KeyValuePair<string, string> filter in filters)
        {
            query.Append(Uri.EscapeDataString(filter.Key)).Append('=').Append(Uri.EscapeDataString(filter.Value)).Append('&');
        }

        return query.Append(pagingKey).Append('=').Append(Uri.EscapeDataString(pagingValue)).ToString();
    }

    public async Task<UserPage> GetUsersPageAsync(string relativePath, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, relativePath);
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        List<OneLoginUser> users = Parse(request, response, root =>
        {
            JToken? data = OneLoginJson.Data(root);
            if (data is not JArray)
            {
                throw new JsonException("Expected a JSON array of users.");
            }

            return OneLoginJson.Items(data).Select(OneLoginJson.ToUser).ToList();
        });

        string? after = response.Header("After-Cursor");
        long? total = long.TryParse(response.Header("Total-Count"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long t) ? t : null;
        return new UserPage(users, string.IsNullOrWhiteSpace(after) ? null : after!.Trim(), total);
    }

    public async Task<OneLoginUser> GetUserAsync(long userId, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, "api/2/users/" + Id(userId));
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root => OneLoginJson.Items(OneLoginJson.Data(root)).FirstOrDefault() is JObject o
            ? OneLoginJson.ToUser(o)
            : throw new JsonException("Expected a user object."));
    }

    // ---- MFA v1 ---------------------------------------------------------------------------------------

    public Task<IReadOnlyList<AuthFactor>> GetAvailableAuthFactorsAsync(long userId, CancellationToken cancellationToken) =>
        GetUserListAsync(userId, "auth_factors", o => OneLoginJson.ToAuthFactor(o, userId), cancellationToken);

    public Task<IReadOnlyList<EnrolledAuthFactor>> GetEnrolledAuthFactorsAsync(long userId, CancellationToken cancellationToken) =>
        GetUserListAsync(userId, "otp_devices", o => OneLoginJson.ToEnrolledAuthFactor(o, userId), cancellationToken);

    /// <summary>
    /// GET /api/1/users/{id}/{key}: <c>{"status":…,"data":{"&lt;key&gt;":[…]}}</c>; a bare array (the v2 shape) is
    /// accepted too.
    /// </summary>
    private async Task<IReadOnlyList<T>> GetUserListAsync<T>(long userId, string key, Func<JObject, T> map, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, "api/1/users/" + Id(userId) + "/" + key);
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root =>
        {
            JToken? data = OneLoginJson.Data(root);
            JToken? list = data is JObject holder ? holder[key] : data;
            if (list is not JArray)
            {
                throw new JsonException("Expected data." + key + " to be an array.");
            }

            return (IReadOnlyList<T>)OneLoginJson.Items(list).Select(map).ToList();
        });
    }

    public Task<EnrolledAuthFactor> RegisterAuthFactorAsync(long userId, long factorId, string displayName, string phoneNumber, bool verified, CancellationToken cancellationToken) =>
        RegisterAuthFactorAsync(userId, factorId, displayName, phoneNumber, verified, makeDefault: false, cancellationToken);

    /// <param name="makeDefault">
    /// Sends <c>"default": true</c>. The v1 enroll page documents no such field (UNCONFIRMED whether OneLogin
    /// honours it); an API that ignores unknown fields is unaffected, and the caller checks the response's
    /// <c>default</c> to see whether it took effect.
    /// </param>
    public async Task<EnrolledAuthFactor> RegisterAuthFactorAsync(long userId, long factorId, string displayName, string phoneNumber, bool verified, bool makeDefault, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>
        {
            ["factor_id"] = factorId,
            ["display_name"] = displayName,
            ["number"] = phoneNumber,
            ["verified"] = verified,
        };
        if (makeDefault)
        {
            body["default"] = true;
        }

        var request = new ApiRequest(HttpMethod.Post, "api/1/users/" + Id(userId) + "/otp_devices", OneLoginJson.Serialize(body))
        {
            NotFoundKind = OneLoginErrorKind.UserNotFound,
        };
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root => OneLoginJson.Items(OneLoginJson.Data(root)).FirstOrDefault() is JObject device
            ? OneLoginJson.ToEnrolledAuthFactor(device, userId)
            : throw new JsonException("Expected the new device in data."));
    }

    public async Task<AuthFactorChallenge> SendChallengeAsync(long userId, long deviceId, int? stateTokenExpiresIn, bool numericSmsOtp, string? smsMessage, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>();
        if (stateTokenExpiresIn is int expires)
        {
            body["state_token_expires_in"] = expires;
        }

        if (numericSmsOtp)
        {
            body["numeric_sms_otp"] = true;
        }

        if (smsMessage is not null)
        {
            body["sms_message"] = smsMessage;
        }

        var request = new ApiRequest(HttpMethod.Post, "api/1/users/" + Id(userId) + "/otp_devices/" + Id(deviceId) + "/trigger", OneLoginJson.Serialize(body))
        {
            NotFoundKind = OneLoginErrorKind.AuthFactorNotFound,
        };
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root =>
        {
            // In this response "id" is the USER id and "device_id" the device (reference 6.4).
            JObject? item = OneLoginJson.Items(OneLoginJson.Data(root)).FirstOrDefault();
            return new AuthFactorChallenge
            {
                UserId = userId,
                DeviceId = OneLoginJson.GetLong(item?["device_id"]) ?? deviceId,
                StateToken = OneLoginJson.GetString(item?["state_token"]),
                ExpiresAt = OneLoginJson.GetDate(item?["state_token_expires_at"])
                    ?? (stateTokenExpiresIn is int s ? DateTimeOffset.UtcNow.AddSeconds(s) : DateTimeOffset.UtcNow.AddSeconds(120)),
                AuthFactorName = OneLoginJson.GetString(item?["auth_factor_name"]),
                Message = root is JObject o && o["status"] is JObject status ? OneLoginJson.GetString(status["message"]) : null,
            };
        });
    }

    /// <summary>
    /// POST …/verify. A rejected code, an expired state token or an unknown device is an exception; a 2xx
    /// is verified when its v1 status says "success" (or there is no status at all).
    /// </summary>
    public async Task<AuthFactorVerification> ConfirmAuthFactorAsync(long userId, long deviceId, string? stateToken, string? otpToken, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>();
        if (otpToken is not null)
        {
            body["otp_token"] = otpToken;
        }

        if (stateToken is not null)
        {
            body["state_token"] = stateToken;
        }

        var request = new ApiRequest(HttpMethod.Post, "api/1/users/" + Id(userId) + "/otp_devices/" + Id(deviceId) + "/verify", OneLoginJson.Serialize(body))
        {
            NotFoundKind = OneLoginErrorKind.AuthFactorNotFound,
            UnknownUnauthorizedIsTokenProblem = false,
        };
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root =>
        {
            JObject? status = root is JObject o ? o["status"] as JObject : null;
            string? type = OneLoginJson.GetString(status?["type"]);
            return new AuthFactorVerification
            {
                UserId = userId,
                DeviceId = deviceId,
                Verified = status is null || type is null || string.Equals(type, "success", StringComparison.OrdinalIgnoreCase),
                Message = OneLoginJson.GetString(status?["message"]),
            };
        });
    }

    public async Task RemoveAuthFactorAsync(long userId, long deviceId, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Delete, "api/1/users/" + Id(userId) + "/otp_devices/" + Id(deviceId))
        {
            NotFoundKind = OneLoginErrorKind.AuthFactorNotFound,
        };
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        Parse(request, response, _ => true, allowEmpty: true);
    }

    /// <summary>POST …/mfa_token; <paramref name="expiresInSeconds"/> null leaves OneLogin's default (72 h). 200 and 201 both succeed.</summary>
    public async Task<MfaToken> NewMfaTokenAsync(long userId, int? expiresInSeconds, bool reusable, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>();
        if (expiresInSeconds is int expires)
        {
            body["expires_in"] = expires;
        }

        body["reusable"] = reusable;

        var request = new ApiRequest(HttpMethod.Post, "api/1/users/" + Id(userId) + "/mfa_token", OneLoginJson.Serialize(body));
        ApiResponse response = await _pipeline.SendAsync(request, _observer, cancellationToken).ConfigureAwait(false);
        return Parse(request, response, root =>
        {
            // Unwrapped per the docs; a v1 wrapper (data object or one-element array) is accepted too.
            JObject? o = root as JObject;
            if (o?["mfa_token"] is null)
            {
                o = OneLoginJson.Items(OneLoginJson.Data(root)).FirstOrDefault();
            }

            string token = OneLoginJson.GetString(o?["mfa_token"]) ?? throw new JsonException("The response has no mfa_token.");
            return new MfaToken
            {
                UserId = userId,
                Token = token,
                ExpiresAt = OneLoginJson.GetDate(o!["expires_at"]),
                // The OpenAPI spec misspells it "resuable"; accept both.
                Reusable = OneLoginJson.GetBool(o["reusable"]) ?? OneLoginJson.GetBool(o["resuable"]) ?? reusable,
            };
        });
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a 2xx body; a v1 <c>status.error</c> in a 2xx, bad JSON or a wrong shape becomes an exception.</summary>
    private static T Parse<T>(ApiRequest request, ApiResponse response, Func<JToken, T> map, bool allowEmpty = false)
    {
        if (allowEmpty && string.IsNullOrWhiteSpace(response.Body))
        {
            return map(new JObject());
        }

        JToken root;
        try
        {
            root = OneLoginJson.Parse(response.Body);
        }
        catch (JsonException ex)
        {
            throw Invalid(request, response, "OneLogin sent a response that is not valid JSON" + ContentTypeText(response) + ": " + ex.Message, ex);
        }

        if (OneLoginJson.ReadError(root) is ApiError error)
        {
            throw OneLoginHttpPipeline.Classify(request, error.Code is int code and >= 400 ? code : 400, response.Body, response.Headers, error);
        }

        try
        {
            return map(root);
        }
        catch (Exception ex) when (ex is JsonException or InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            throw Invalid(request, response, "OneLogin sent a response this module cannot read: " + ex.Message, ex);
        }
    }

    private static string ContentTypeText(ApiResponse response) =>
        response.Header("Content-Type") is string ct ? " (" + ct + ")" : string.Empty;

    private static OneLoginApiException Invalid(ApiRequest request, ApiResponse response, string message, Exception inner) =>
        OneLoginHttpPipeline.WithRequest(new OneLoginApiException(OneLoginErrorKind.ResponseInvalid, message, inner) { StatusCode = response.StatusCode }, request, response.Headers);
}
