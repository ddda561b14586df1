using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace OneLogin.Emulator;

/// <summary>Which of OneLogin's two response/error families a path belongs to (reference §8).</summary>
internal enum Family
{
    V1,
    V2,
}

internal enum RouteKind
{
    RateLimit,
    V2Users,
    V2User,
    AuthFactors,
    OtpDevicesList,
    Enroll,
    Trigger,
    Verify,
    RemoveDevice,
    MfaToken,
}

internal readonly record struct Route(RouteKind Kind, long UserId, long DeviceId, bool BadUserId);

/// <summary>The emulator: API endpoints, fault injection, rate limit and the /__emulator control surface.</summary>
internal sealed partial class EmulatorApp
{
    private const string ContentTypeMessage =
        "Content Type is not specified or specified incorrectly.\nContent-Type header must be set to application/json";

    private readonly StartupOptions _startup;
    private readonly UserDirectory _users;
    private readonly MfaStore _mfa;
    private readonly TokenStore _tokens;
    private readonly RateLimiter _rate;
    private readonly RequestLog _log = new();
    private readonly ILogger _logger;
    private RuntimeSettings _settings;
    private long _faultCounter;

    public EmulatorApp(StartupOptions startup, ILogger logger)
    {
        _startup = startup;
        _logger = logger;
        _settings = startup.Runtime.Clone();
        _users = new UserDirectory(startup.FirstUserId, startup.Users, startup.Seed);
        _mfa = new MfaStore(_users);
        _tokens = new TokenStore(startup.Clients());
        _rate = new RateLimiter(_settings.RateLimit, _settings.RateWindowSeconds, DateTimeOffset.UtcNow);
    }

    private RuntimeSettings Settings => Volatile.Read(ref _settings);

    [GeneratedRegex(@"^(?i)bearer(:\s*|\s+)(\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex BearerRegex();

    [GeneratedRegex(@"^\s*client_id\s*:\s*([^\s,]+)\s*,\s*client_secret\s*:\s*(\S+?)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CustomClientHeaderRegex();

    public async Task HandleAsync(HttpContext ctx)
    {
        var rawPath = ctx.Request.Path.Value ?? "/";
        if (rawPath.StartsWith("/__emulator", StringComparison.Ordinal))
        {
            await HandleControlAsync(ctx, rawPath.TrimEnd('/'));
            return;
        }

        var path = rawPath.Length > 1 ? rawPath.TrimEnd('/') : rawPath;
        var isToken = path is "/auth/oauth2/v2/token" or "/auth/oauth2/token" or "/auth/oauth2/revoke";
        var request = ctx.Request;
        var entry = new LoggedRequest
        {
            Seq = _log.NextSeq(),
            Time = DateTimeOffset.UtcNow,
            Method = request.Method,
            Path = rawPath,
            Query = RedactQuery(request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty),
            ContentType = HeaderOrNull(request.Headers.ContentType),
            UserAgent = HeaderOrNull(request.Headers.UserAgent),
            Accept = HeaderOrNull(request.Headers.Accept),
            AuthScheme = ClassifyAuthorization(request.Headers.Authorization.ToString()),
        };
        _log.CountRequest(isToken);
        ctx.Response.Headers["x-request-id"] = Wire.NewRequestId();
        try
        {
            var body = await ReadBodyAsync(ctx);
            entry.BodyLength = body.Length;
            if (isToken)
            {
                await HandleTokenEndpointAsync(ctx, path, body);
            }
            else
            {
                _log.EnterResource();
                try
                {
                    await HandleResourceAsync(ctx, path, body, entry);
                }
                finally
                {
                    _log.ExitResource();
                }
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the request was aborted); logged with status 0 below.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unhandled error for {Method} {Path}", request.Method, rawPath);
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.Clear();
                await Wire.V1ErrorAsync(ctx, 500, "Internal Server Error");
            }
        }
        finally
        {
            entry.Status = entry.InjectedFault == "reset" || ctx.RequestAborted.IsCancellationRequested && !ctx.Response.HasStarted
                ? 0
                : ctx.Response.StatusCode;
            _log.Add(entry);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Tokens (reference §2)
    // ------------------------------------------------------------------------------------------------
    private async Task HandleTokenEndpointAsync(HttpContext ctx, string path, byte[] body)
    {
        ctx.Response.Headers.CacheControl = Wire.CacheError;
        if (!HttpMethods.IsPost(ctx.Request.Method))
        {
            await Wire.V1ErrorAsync(ctx, 404, "No Route Exists");
            return;
        }

        if (path == "/auth/oauth2/revoke")
        {
            await RevokeAsync(ctx, body);
            return;
        }

        var media = MediaType(ctx.Request.ContentType);
        var isJson = media == "application/json";
        var isForm = media == "application/x-www-form-urlencoded";
        if (!isJson && !isForm)
        {
            await Wire.V1ErrorAsync(ctx, 400, ContentTypeMessage);
            return;
        }

        var fields = isJson ? ParseJsonFields(body) : ParseFormFields(body);
        var credentials = ReadClientCredentials(ctx.Request.Headers.Authorization.ToString(), out var headerPresent);
        if (!headerPresent)
        {
            fields.TryGetValue("client_id", out var bodyId);
            fields.TryGetValue("client_secret", out var bodySecret);
            credentials = bodyId is null && bodySecret is null ? null : (bodyId ?? string.Empty, bodySecret ?? string.Empty);
            if (credentials is null)
            {
                await Wire.V1ErrorAsync(ctx, 400, "The authorization information is missing");
                return;
            }
        }

        var client = credentials is { } c ? _tokens.Authenticate(c.Id, c.Secret) : null;
        if (client is null)
        {
            // Real capture (reference §2.1): 401, v1 body, cache-control: no-cache, no rate-limit headers.
            await Wire.V1ErrorAsync(ctx, 401, "Authentication Failure");
            return;
        }

        if (!fields.TryGetValue("grant_type", out var grant) || grant != "client_credentials")
        {
            await Wire.V1ErrorAsync(ctx, 400, "grant_type is incorrect/absent");
            return;
        }

        var token = _tokens.Issue(client, Settings.TokenLifetimeSeconds, DateTimeOffset.UtcNow);
        ctx.Response.Headers.CacheControl = Wire.CacheSuccess;
        void WriteToken(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("access_token", token.AccessToken);
            w.WriteString("created_at", UserRecord.Iso(token.CreatedAt));
            w.WriteNumber("expires_in", token.ExpiresIn);
            w.WriteString("refresh_token", token.RefreshToken);
            w.WriteString("token_type", "bearer");
            w.WriteNumber("account_id", _startup.AccountId);
            w.WriteEndObject();
        }

        if (path == "/auth/oauth2/v2/token")
        {
            await Wire.WriteJsonAsync(ctx, 200, Wire.V1ContentType, WriteToken);
        }
        else
        {
            // Legacy endpoint: wrapped, data is a one-element array (reference §2.2).
            await Wire.V1DataAsync(ctx, w =>
            {
                w.WriteStartArray();
                WriteToken(w);
                w.WriteEndArray();
            });
        }
    }

    private async Task RevokeAsync(HttpContext ctx, byte[] body)
    {
        if (MediaType(ctx.Request.ContentType) != "application/json")
        {
            await Wire.V1ErrorAsync(ctx, 400, ContentTypeMessage);
            return;
        }

        var credentials = ReadClientCredentials(ctx.Request.Headers.Authorization.ToString(), out var headerPresent);
        if (!headerPresent)
        {
            await Wire.V1ErrorAsync(ctx, 400, "The authorization information is missing");
            return;
        }

        var client = credentials is { } c ? _tokens.Authenticate(c.Id, c.Secret) : null;
        if (client is null)
        {
            await Wire.V1ErrorAsync(ctx, 401, "Authentication Failure");
            return;
        }

        var fields = ParseJsonFields(body);
        if (!fields.TryGetValue("access_token", out var accessToken) || string.IsNullOrEmpty(accessToken))
        {
            await Wire.V1ErrorAsync(ctx, 400, "Access Token Missing");
            return;
        }

        var token = _tokens.Find(accessToken);
        if (token is not null)
        {
            if (token.Client.ClientId != client.ClientId)
            {
                // Our choice: the docs say the pair that created the token must revoke it; the error is not documented.
                await Wire.V1ErrorAsync(ctx, 401, "Authentication Failure");
                return;
            }

            _tokens.Revoke(token);
        }

        // Our choice (RFC 7009 §2.2): an unknown or already revoked token also answers 200.
        await Wire.V1OkAsync(ctx);
    }

    /// <summary>Basic or the custom "client_id:…, client_secret:…" header. headerPresent is false when no Authorization header was sent.</summary>
    private static (string Id, string Secret)? ReadClientCredentials(string header, out bool headerPresent)
    {
        headerPresent = !string.IsNullOrWhiteSpace(header);
        if (!headerPresent)
        {
            return null;
        }

        var trimmed = header.Trim();
        if (trimmed.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(trimmed[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        var match = CustomClientHeaderRegex().Match(trimmed);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    // ------------------------------------------------------------------------------------------------
    // Resource requests: latency, injected faults, rate limit, routing, auth, scope, handlers
    // ------------------------------------------------------------------------------------------------
    private async Task HandleResourceAsync(HttpContext ctx, string path, byte[] body, LoggedRequest entry)
    {
        var settings = Settings;
        var family = path.StartsWith("/api/2/", StringComparison.Ordinal) || path == "/api/2" ? Family.V2 : Family.V1;
        var n = Interlocked.Increment(ref _faultCounter);

        if (settings.LatencyMs > 0)
        {
            entry.InjectedFault = "latency";
            await Task.Delay(settings.LatencyMs, ctx.RequestAborted);
        }

        var metered = path == "/auth/rate_limit"
            || path.StartsWith("/api/1/", StringComparison.Ordinal)
            || (settings.MeterV2 && family == Family.V2);

        if (IsEveryN(n, settings.ResetEveryN))
        {
            entry.InjectedFault = "reset";
            ctx.Abort();
            return;
        }

        if (IsEveryN(n, settings.FailEveryN))
        {
            entry.InjectedFault = settings.FailStatus.ToString(CultureInfo.InvariantCulture);
            await WriteInjectedFailureAsync(ctx, settings.FailStatus, n / settings.FailEveryN);
            return;
        }

        if (IsEveryN(n, settings.Burst429EveryN))
        {
            entry.InjectedFault = "429";
            if (metered)
            {
                SetRateHeaders(ctx, _rate.Peek(DateTimeOffset.UtcNow));
            }

            ctx.Response.Headers.RetryAfter = "1";
            await WriteTooManyAsync(ctx, family, 429);
            return;
        }

        RateDecision? decision = null;
        if (metered)
        {
            var d = _rate.TryConsume(DateTimeOffset.UtcNow);
            decision = d;
            SetRateHeaders(ctx, d);
            if (!d.Allowed)
            {
                entry.RateLimited = true;
                _log.CountRateLimited();
                if (settings.RetryAfter)
                {
                    ctx.Response.Headers.RetryAfter = d.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                }

                await WriteTooManyAsync(ctx, family, settings.LimitResponse == "400" ? 400 : 429);
                return;
            }
        }

        var route = MatchRoute(ctx.Request.Method, path);
        if (route is null)
        {
            await NoRouteAsync(ctx, family);
            return;
        }

        var r = route.Value;
        var scope = await AuthenticateAsync(ctx, family);
        if (scope is null)
        {
            return;
        }

        if (scope == ClientScope.AuthenticationOnly
            || (scope == ClientScope.ReadUsers && !HttpMethods.IsGet(ctx.Request.Method)))
        {
            await InsufficientPermissionAsync(ctx, family);
            return;
        }

        if (r.Kind is not (RouteKind.RateLimit or RouteKind.V2Users) && !r.BadUserId)
        {
            if (settings.HtmlUserIds.Contains(r.UserId))
            {
                entry.InjectedFault = "html";
                await WriteHtmlPageAsync(ctx, 200);
                return;
            }

            if (settings.TruncatedUserIds.Contains(r.UserId))
            {
                entry.InjectedFault = "truncated";
                await WriteTruncatedAsync(ctx, family);
                return;
            }
        }

        switch (r.Kind)
        {
            case RouteKind.RateLimit:
                await RateLimitAsync(ctx, decision!.Value);
                break;
            case RouteKind.V2Users:
                await ListUsersAsync(ctx);
                break;
            case RouteKind.V2User:
                await GetUserAsync(ctx, r);
                break;
            case RouteKind.AuthFactors:
                await AuthFactorsAsync(ctx, r.UserId);
                break;
            case RouteKind.OtpDevicesList:
                await OtpDevicesAsync(ctx, r.UserId);
                break;
            case RouteKind.Enroll:
                await EnrollAsync(ctx, r.UserId, body);
                break;
            case RouteKind.Trigger:
                await TriggerAsync(ctx, r.UserId, r.DeviceId, body);
                break;
            case RouteKind.Verify:
                await VerifyAsync(ctx, r.UserId, r.DeviceId, body);
                break;
            case RouteKind.RemoveDevice:
                await RemoveDeviceAsync(ctx, r.UserId, r.DeviceId);
                break;
            case RouteKind.MfaToken:
                await MfaTokenAsync(ctx, r.UserId, body);
                break;
            default:
                await NoRouteAsync(ctx, family);
                break;
        }
    }

    private static bool IsEveryN(long n, int every) => every > 0 && n % every == 0;

    private static void SetRateHeaders(HttpContext ctx, RateDecision d)
    {
        var headers = ctx.Response.Headers;
        headers["X-RateLimit-Limit"] = d.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = d.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = d.ResetSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Rate-limit and burst responses. The real status and body are UNCONFIRMED (reference §4): the 429 wording
    /// and names are ours; the 400 variant follows the only known mock ({"message":"rate_limit_exceeded"}).
    /// </summary>
    private static Task WriteTooManyAsync(HttpContext ctx, Family family, int status)
    {
        if (status == 400)
        {
            return family == Family.V2
                ? Wire.V2ErrorAsync(ctx, 400, "BadRequestError", "rate_limit_exceeded")
                : Wire.V1ErrorAsync(ctx, 400, "rate_limit_exceeded");
        }

        return family == Family.V2
            ? Wire.V2ErrorAsync(ctx, 429, "TooManyRequests", "Rate limit exceeded")
            : Wire.V1ErrorAsync(ctx, 429, "Rate limit exceeded");
    }

    private static Task WriteInjectedFailureAsync(HttpContext ctx, int status, long ordinal)
    {
        // Alternate between a plain-text and an HTML body, as a gateway or load balancer would send.
        if (ordinal % 2 == 0)
        {
            return WriteHtmlPageAsync(ctx, status);
        }

        var reason = ReasonPhrase(status);
        return Wire.WriteAsync(ctx, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"{status.ToString(CultureInfo.InvariantCulture)} {reason}\n"));
    }

    private static Task WriteHtmlPageAsync(HttpContext ctx, int status)
    {
        var reason = status == 200 ? "Service Temporarily Unavailable" : ReasonPhrase(status);
        var html = "<!DOCTYPE html>\n<html>\n<head><title>" + reason + "</title></head>\n<body>\n<center><h1>"
            + reason + "</h1></center>\n<hr><center>OneLogin</center>\n</body>\n</html>\n";
        return Wire.WriteAsync(ctx, status, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
    }

    private static Task WriteTruncatedAsync(HttpContext ctx, Family family)
    {
        var text = family == Family.V2
            ? "{\"activated_at\":\"2017-12-12T23:59:28.665Z\",\"distinguished_name\":null,\"external_id\":null,\"firstname\":\"Ke"
            : "{\"status\":{\"error\":false,\"code\":200,\"type\":\"success\",\"message\":\"Success\"},\"data\":{\"auth_factors\":[{\"name\":\"OneLogin SM";
        return Wire.WriteAsync(ctx, 200, family == Family.V2 ? Wire.V2ContentType : Wire.V1ContentType, Encoding.UTF8.GetBytes(text));
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static Task NoRouteAsync(HttpContext ctx, Family family) =>
        family == Family.V2
            ? Wire.V2ErrorAsync(ctx, 404, "NotFound", "The resource can't be found or the server has not found anything matching the Request-URI")
            : Wire.V1ErrorAsync(ctx, 404, "No Route Exists");

    private static Task InsufficientPermissionAsync(HttpContext ctx, Family family) =>
        family == Family.V2
            ? Wire.V2ErrorAsync(ctx, 403, "ForbiddenAction", "You are not authorised to perform this action or access the resource")
            : Wire.V1ErrorAsync(ctx, 401, "Insufficient Permission");

    /// <summary>Bearer parsing per reference §3. Writes the error and returns null when not authenticated.</summary>
    private async Task<ClientScope?> AuthenticateAsync(HttpContext ctx, Family family)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        var match = BearerRegex().Match(header);
        if (!match.Success)
        {
            if (family == Family.V2)
            {
                await Wire.V2ErrorAsync(ctx, 401, "UnauthorizedError", "Unauthorized");
            }
            else
            {
                await Wire.V1ErrorAsync(ctx, 400, "Authorization Information is incorrect");
            }

            return null;
        }

        var token = _tokens.Find(match.Groups[2].Value);
        if (token is null || !token.IsValid(DateTimeOffset.UtcNow))
        {
            if (family == Family.V2)
            {
                await Wire.V2ErrorAsync(ctx, 401, "UnauthorizedError", "Unauthorized");
            }
            else
            {
                await Wire.V1ErrorAsync(ctx, 401, "Authentication Failure");
            }

            return null;
        }

        return token.Client.Scope;
    }

    private static Route? MatchRoute(string method, string path)
    {
        var isGet = HttpMethods.IsGet(method);
        var isPost = HttpMethods.IsPost(method);
        var isDelete = HttpMethods.IsDelete(method);
        if (path == "/auth/rate_limit")
        {
            return isGet ? new Route(RouteKind.RateLimit, 0, 0, false) : null;
        }

        var s = path.Split('/');

        // ["", "api", "2", "users", ...]
        if (s.Length >= 4 && s[1] == "api" && s[3] == "users")
        {
            if (s[2] == "2")
            {
                if (s.Length == 4)
                {
                    return isGet ? new Route(RouteKind.V2Users, 0, 0, false) : null;
                }

                if (s.Length == 5 && isGet)
                {
                    var ok = TryId(s[4], out var id);
                    return new Route(RouteKind.V2User, id, 0, !ok);
                }

                return null;
            }

            if (s[2] == "1" && s.Length >= 6 && TryId(s[4], out var userId))
            {
                var resource = s[5];
                if (s.Length == 6)
                {
                    return resource switch
                    {
                        "auth_factors" or "auth_factor" when isGet => new Route(RouteKind.AuthFactors, userId, 0, false),
                        "otp_devices" when isGet => new Route(RouteKind.OtpDevicesList, userId, 0, false),
                        "otp_devices" when isPost => new Route(RouteKind.Enroll, userId, 0, false),
                        "mfa_token" when isPost => new Route(RouteKind.MfaToken, userId, 0, false),
                        _ => null,
                    };
                }

                if (resource == "otp_devices" && TryId(s[6], out var deviceId))
                {
                    if (s.Length == 7)
                    {
                        return isDelete ? new Route(RouteKind.RemoveDevice, userId, deviceId, false) : null;
                    }

                    if (s.Length == 8 && isPost)
                    {
                        return s[7] switch
                        {
                            "trigger" => new Route(RouteKind.Trigger, userId, deviceId, false),
                            "verify" => new Route(RouteKind.Verify, userId, deviceId, false),
                            _ => null,
                        };
                    }
                }
            }
        }

        return null;
    }

    private static bool TryId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    // ------------------------------------------------------------------------------------------------
    // Endpoint handlers
    // ------------------------------------------------------------------------------------------------
    private static Task RateLimitAsync(HttpContext ctx, RateDecision d) =>
        Wire.V1DataAsync(ctx, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("X-RateLimit-Limit", d.Limit);
            w.WriteNumber("X-RateLimit-Remaining", d.Remaining);
            w.WriteNumber("X-RateLimit-Reset", d.ResetSeconds);
            w.WriteEndObject();
        });

    private async Task ListUsersAsync(HttpContext ctx)
    {
        UsersPage page;
        try
        {
            page = UsersQuery.Run(_users, ctx.Request.Query);
        }
        catch (QueryException ex)
        {
            await WriteQueryErrorAsync(ctx, ex);
            return;
        }

        var headers = ctx.Response.Headers;
        headers["Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
        headers["Total-Pages"] = page.TotalPages.ToString(CultureInfo.InvariantCulture);
        headers["Current-Page"] = page.Page.ToString(CultureInfo.InvariantCulture);
        headers["Page-Items"] = page.Items.Count.ToString(CultureInfo.InvariantCulture);
        if (page.Page < page.TotalPages)
        {
            headers["After-Cursor"] = UsersQuery.Cursor(page.Limit, page.Page + 1);
        }

        if (page.Page > 1)
        {
            headers["Before-Cursor"] = UsersQuery.Cursor(page.Limit, page.Page - 1);
        }

        headers["Link"] = BuildLinkHeader(ctx, page);
        headers.CacheControl = "private";
        await Wire.WriteJsonAsync(ctx, 200, Wire.V2ContentType, w =>
        {
            w.WriteStartArray();
            foreach (var user in page.Items)
            {
                user.WriteV2(w, page.Fields);
            }

            w.WriteEndArray();
        });
    }

    private static Task WriteQueryErrorAsync(HttpContext ctx, QueryException ex)
    {
        if (ex.Field is null)
        {
            return Wire.V2ErrorAsync(ctx, ex.StatusCode, ex.ErrorName, ex.Message);
        }

        ctx.Response.Headers.CacheControl = Wire.CacheError;
        return Wire.WriteJsonAsync(ctx, ex.StatusCode, Wire.V2ContentType, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", ex.Message);
            w.WriteString("field", ex.Field);
            w.WriteString("name", ex.ErrorName);
            w.WriteNumber("statusCode", ex.StatusCode);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Link header. The real format is UNCONFIRMED ("premade links for first, next…"); ours is RFC 8288 with
    /// the request's filters plus cursor=, e.g. &lt;http://…/api/2/users?email=a*&amp;cursor=…&gt;; rel="next".
    /// </summary>
    private static string BuildLinkHeader(HttpContext ctx, UsersPage page)
    {
        var request = ctx.Request;
        var baseUrl = request.Scheme + "://" + request.Host.Value + request.PathBase.Value + request.Path.Value;
        var kept = new StringBuilder();
        foreach (var (key, values) in request.Query)
        {
            if (key is "cursor" or "limit" or "page")
            {
                continue;
            }

            foreach (var value in values)
            {
                kept.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty)).Append('&');
            }
        }

        string Link(int p, string rel) =>
            "<" + baseUrl + "?" + kept + "cursor=" + Uri.EscapeDataString(UsersQuery.Cursor(page.Limit, p)) + ">; rel=\"" + rel + "\"";

        var links = new List<string> { Link(1, "first") };
        if (page.Page > 1)
        {
            links.Add(Link(page.Page - 1, "prev"));
        }

        if (page.Page < page.TotalPages)
        {
            links.Add(Link(page.Page + 1, "next"));
        }

        if (page.TotalPages > 0)
        {
            links.Add(Link(page.TotalPages, "last"));
        }

        return string.Join(", ", links);
    }

    private Task GetUserAsync(HttpContext ctx, Route route)
    {
        var user = route.BadUserId ? null : _users.Find(route.UserId);
        if (user is null)
        {
            return Wire.V2ErrorAsync(ctx, 404, "NotFoundError", "The resource with the given id could not be found");
        }

        var fields = UsersQuery.ParseFields(ctx.Request.Query);
        ctx.Response.Headers.CacheControl = "private";
        return Wire.WriteJsonAsync(ctx, 200, Wire.V2ContentType, w => user.WriteV2(w, fields));
    }

    private static Task UserNotFoundAsync(HttpContext ctx, long userId) =>
        Wire.V1ErrorAsync(ctx, 404, "User for id " + userId.ToString(CultureInfo.InvariantCulture) + " was not found");

    private Task AuthFactorsAsync(HttpContext ctx, long userId) =>
        UserListAsync(ctx, userId, "auth_factors", () => _mfa.AvailableFactors(userId), (w, factor) =>
        {
            w.WriteString("name", factor.Name);
            w.WriteNumber("factor_id", factor.FactorId);
        });

    private Task OtpDevicesAsync(HttpContext ctx, long userId) =>
        UserListAsync(ctx, userId, "otp_devices", () => _mfa.Devices(userId), (w, d) =>
        {
            // Field order of the doc sample (reference §6.3).
            w.WriteString("type_display_name", d.Factor.Name);
            w.WriteBoolean("active", d.Active);
            w.WriteString("user_display_name", d.UserDisplayName);
            w.WriteBoolean("default", d.Default);
            if (d.PhoneNumber is not null)
            {
                w.WriteString("phone_number", d.PhoneNumber);
            }

            w.WriteString("auth_factor_name", d.Factor.Name);
            w.WriteNumber("id", d.Id);
            w.WriteBoolean("needs_trigger", d.NeedsTrigger);
        });

    /// <summary>A v1 per-user list: 404 for an unknown user, else <c>{"status":…,"data":{"&lt;key&gt;":[…]}}</c>.</summary>
    private async Task UserListAsync<T>(HttpContext ctx, long userId, string key, Func<IEnumerable<T>> items, Action<Utf8JsonWriter, T> writeItem)
    {
        if (!_users.Exists(userId))
        {
            await UserNotFoundAsync(ctx, userId);
            return;
        }

        var list = items();
        await Wire.V1DataAsync(ctx, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray(key);
            foreach (var item in list)
            {
                w.WriteStartObject();
                writeItem(w, item);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task EnrollAsync(HttpContext ctx, long userId, byte[] body)
    {
        if (!_users.Exists(userId))
        {
            await UserNotFoundAsync(ctx, userId);
            return;
        }

        if (!TryParseObject(body, out var json))
        {
            await Wire.V1ErrorAsync(ctx, 400, "Request body must be a JSON object"); // our wording
            return;
        }

        using (json)
        {
            var root = json!.RootElement;
            var factorId = GetLong(root, "factor_id");
            var displayName = GetString(root, "display_name");
            var number = GetString(root, "number");
            var verified = GetBool(root, "verified") ?? false;

            // All enrol error wordings below are our choice: the reference has no enrol error bodies (§6.2).
            var factor = factorId is { } fid ? FactorType.ById(fid) : null;
            if (factor is null)
            {
                await Wire.V1ErrorAsync(ctx, 400, "Invalid factor_id"); // our wording
                return;
            }

            if (!factor.EnrollableViaApi)
            {
                // Reference §6.1: "Currently the API only supports enrollment of OneLogin SMS and OneLogin Voice factors."
                await Wire.V1ErrorAsync(ctx, 400, "Only OneLogin SMS and OneLogin Voice factors can be enrolled via the API"); // our wording
                return;
            }

            if (string.IsNullOrWhiteSpace(displayName))
            {
                await Wire.V1ErrorAsync(ctx, 400, "display_name is required"); // our wording
                return;
            }

            if (factor.UsesPhone && string.IsNullOrWhiteSpace(number))
            {
                await Wire.V1ErrorAsync(ctx, 400, "number is required"); // our wording
                return;
            }

            var now = DateTimeOffset.UtcNow;
            var device = _mfa.WithState(userId, state =>
            {
                if (state.Devices.Exists(d => d.Factor == factor))
                {
                    return null;
                }

                var created = new OtpDevice
                {
                    Id = _mfa.NewDeviceId(),
                    Factor = factor,
                    Active = verified,
                    Default = state.Devices.Count == 0,
                    NeedsTrigger = factor.NeedsTrigger,
                    UserDisplayName = displayName!,
                    PhoneNumber = factor.UsesPhone ? number : null,
                    StateToken = MfaStore.NewStateToken(),
                    StateTokenExpiresAt = now.AddSeconds(120),
                };
                state.Devices.Add(created);
                return created;
            });

            if (device is null)
            {
                await Wire.V1ErrorAsync(ctx, 400, "Factor is already enrolled for this user"); // our wording
                return;
            }

            await Wire.V1DataAsync(ctx, w =>
            {
                // Field order of OneLogin's python SDK fixture (reference §6.2); data is an array of one.
                w.WriteStartArray();
                w.WriteStartObject();
                w.WriteBoolean("active", device.Active);
                w.WriteBoolean("default", device.Default);
                w.WriteString("state_token", device.StateToken);
                w.WriteString("auth_factor_name", device.Factor.Name);
                if (device.PhoneNumber is not null)
                {
                    w.WriteString("phone_number", device.PhoneNumber);
                }

                w.WriteString("type_display_name", device.Factor.Name);
                w.WriteBoolean("needs_trigger", device.NeedsTrigger);
                w.WriteString("user_display_name", device.UserDisplayName);
                w.WriteNumber("id", device.Id);
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }
    }

    private async Task TriggerAsync(HttpContext ctx, long userId, long deviceId, byte[] body)
    {
        if (!_users.Exists(userId))
        {
            await UserNotFoundAsync(ctx, userId);
            return;
        }

        var expiresIn = 120;
        var numeric = false;
        string? smsMessage = null;
        if (body.Length > 0)
        {
            if (!TryParseObject(body, out var json))
            {
                await Wire.V1ErrorAsync(ctx, 400, "Request body must be a JSON object"); // our wording
                return;
            }

            using (json)
            {
                var root = json!.RootElement;
                if (root.TryGetProperty("state_token_expires_in", out var e) && e.ValueKind != JsonValueKind.Null)
                {
                    var value = GetLong(root, "state_token_expires_in");
                    if (value is null or < 1 or > 900)
                    {
                        await Wire.V1ErrorAsync(ctx, 400, "state_token_expires_in must be between 1 and 900"); // our wording
                        return;
                    }

                    expiresIn = (int)value.Value;
                }

                numeric = GetBool(root, "numeric_sms_otp") ?? false;
                smsMessage = GetString(root, "sms_message");
            }
        }

        var now = DateTimeOffset.UtcNow;
        var device = _mfa.WithState(userId, state =>
        {
            var d = state.Devices.Find(x => x.Id == deviceId);
            if (d is null)
            {
                return null;
            }

            d.StateToken = MfaStore.NewStateToken();
            d.StateTokenExpiresAt = now.AddSeconds(expiresIn);

            // Always 6 digits here (the real API sends alphanumeric SMS codes unless numeric_sms_otp is true).
            _ = numeric;
            d.Otp = MfaStore.NewOtp();
            return new { d.UserDisplayName, d.Active, d.StateToken, d.Factor, d.Id, d.StateTokenExpiresAt, d.Otp };
        });

        if (device is null)
        {
            await Wire.V1ErrorAsync(ctx, 400, "Factor could not be found");
            return;
        }

        if (smsMessage is not null
            && smsMessage.Replace("{{otp_code}}", device.Otp, StringComparison.Ordinal)
                .Replace("{{expiration}}", ((expiresIn + 59) / 60).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Length > 160)
        {
            await Wire.V1ErrorAsync(ctx, 400, "sms_message must not be longer than 160 characters"); // our wording
            return;
        }

        // Message for SMS from the doc sample (reference §6.4); the others are our wording.
        var message = device.Factor == FactorType.Sms
            ? "SMS token sent to your mobile device. Authentication pending."
            : device.Factor == FactorType.Voice
                ? "Voice call placed to your phone. Authentication pending."
                : "Push notification sent to your device. Authentication pending.";
        await Wire.V1DataAsync(
            ctx,
            w =>
            {
                // Note: "id" is the USER id and "device_id" the device (reference §6.4).
                w.WriteStartArray();
                w.WriteStartObject();
                w.WriteString("user_display_name", device.UserDisplayName);
                w.WriteBoolean("active", device.Active);
                w.WriteString("state_token", device.StateToken);
                w.WriteString("auth_factor_name", device.Factor.Name);
                w.WriteString("type_display_name", device.Factor.Name);
                w.WriteNumber("id", userId);
                w.WriteNumber("device_id", device.Id);
                w.WriteString("state_token_expires_at", Wire.IsoSeconds(device.StateTokenExpiresAt));
                w.WriteEndObject();
                w.WriteEndArray();
            },
            message);
    }

    private enum VerifyOutcome
    {
        Ok,
        NoDevice,
        StateTokenMissing,
        StateTokenExpired,
        WrongOtp,
    }

    private async Task VerifyAsync(HttpContext ctx, long userId, long deviceId, byte[] body)
    {
        if (!_users.Exists(userId))
        {
            // Reference §6.5: the verify page documents 400 "User does not exist".
            await Wire.V1ErrorAsync(ctx, 400, "User does not exist");
            return;
        }

        string? otp = null;
        string? stateToken = null;
        if (body.Length > 0)
        {
            if (!TryParseObject(body, out var json))
            {
                await Wire.V1ErrorAsync(ctx, 400, "Request body must be a JSON object"); // our wording
                return;
            }

            using (json)
            {
                otp = GetString(json!.RootElement, "otp_token");
                stateToken = GetString(json.RootElement, "state_token");
            }
        }

        var now = DateTimeOffset.UtcNow;
        var outcome = _mfa.WithState(userId, state =>
        {
            if (deviceId == 0)
            {
                // device_id 0: a temporary MFA token from mfa_token (reference §6.5).
                var token = state.MfaTokens.Find(t => t.Token == otp && now < t.ExpiresAt && (t.Reusable || !t.Used));
                if (token is null)
                {
                    return VerifyOutcome.WrongOtp;
                }

                token.Used = true;
                return VerifyOutcome.Ok;
            }

            var device = state.Devices.Find(d => d.Id == deviceId);
            if (device is null)
            {
                return VerifyOutcome.NoDevice;
            }

            if (device.NeedsTrigger)
            {
                if (string.IsNullOrEmpty(stateToken))
                {
                    return VerifyOutcome.StateTokenMissing;
                }

                if (device.StateToken is null || stateToken != device.StateToken || now >= device.StateTokenExpiresAt)
                {
                    return VerifyOutcome.StateTokenExpired;
                }
            }

            if (string.IsNullOrEmpty(otp) || device.Otp is null || !string.Equals(otp.Trim(), device.Otp, StringComparison.OrdinalIgnoreCase))
            {
                return VerifyOutcome.WrongOtp;
            }

            // "If this is the first time that the OTP device has been confirmed, then the device will be updated
            // to have a state of enabled." OTP and state token are single use.
            device.Active = true;
            device.Otp = null;
            device.StateToken = null;
            return VerifyOutcome.Ok;
        });

        switch (outcome)
        {
            case VerifyOutcome.Ok:
                await Wire.V1OkAsync(ctx);
                break;
            case VerifyOutcome.NoDevice:
                await Wire.V1ErrorAsync(ctx, 400, "Factor could not be found");
                break;
            case VerifyOutcome.StateTokenMissing:
                await Wire.V1ErrorAsync(ctx, 400, "state_token is required for this factor"); // our wording
                break;
            case VerifyOutcome.StateTokenExpired:
                // Our wording: the doc page shows an expired-state_token 400 but its text is unreadable (reference §6.5).
                await Wire.V1ErrorAsync(ctx, 400, "State token is expired. Please activate the factor again");
                break;
            default:
                // Our wording and default status (401): wrong-OTP behaviour is UNCONFIRMED; wrongOtpStatus switches to 400.
                await Wire.V1ErrorAsync(ctx, Settings.WrongOtpStatus, "Failed authentication with this factor");
                break;
        }
    }

    private async Task RemoveDeviceAsync(HttpContext ctx, long userId, long deviceId)
    {
        if (!_users.Exists(userId))
        {
            await UserNotFoundAsync(ctx, userId);
            return;
        }

        var removed = _mfa.WithState(userId, state =>
        {
            var index = state.Devices.FindIndex(d => d.Id == deviceId);
            if (index < 0)
            {
                return false;
            }

            var wasDefault = state.Devices[index].Default;
            state.Devices.RemoveAt(index);
            if (wasDefault && state.Devices.Count > 0)
            {
                state.Devices[0].Default = true;
            }

            return true;
        });

        if (!removed)
        {
            await Wire.V1ErrorAsync(ctx, 400, "Factor could not be found");
            return;
        }

        // Reference §6.6: 200 {}.
        ctx.Response.Headers.CacheControl = Wire.CacheSuccess;
        await Wire.WriteAsync(ctx, 200, Wire.V1ContentType, "{}"u8.ToArray());
    }

    private async Task MfaTokenAsync(HttpContext ctx, long userId, byte[] body)
    {
        if (!_users.Exists(userId))
        {
            await UserNotFoundAsync(ctx, userId);
            return;
        }

        var expiresIn = (long)RuntimeSettings.MaxMfaTokenExpiresIn;
        var reusable = false;
        if (body.Length > 0)
        {
            // Reference §6.7: "header Content-Type: application/json required".
            if (MediaType(ctx.Request.ContentType) != "application/json")
            {
                await Wire.V1ErrorAsync(ctx, 400, ContentTypeMessage);
                return;
            }

            if (!TryParseObject(body, out var json))
            {
                await Wire.V1ErrorAsync(ctx, 400, "Request body must be a JSON object"); // our wording
                return;
            }

            using (json)
            {
                var root = json!.RootElement;
                if (root.TryGetProperty("expires_in", out var e) && e.ValueKind != JsonValueKind.Null)
                {
                    var value = GetLong(root, "expires_in");
                    if (value is null or < 1 or > RuntimeSettings.MaxMfaTokenExpiresIn)
                    {
                        await Wire.V1ErrorAsync(ctx, 400, "expires_in must be between 1 and 259200 seconds"); // our wording
                        return;
                    }

                    expiresIn = value.Value;
                }

                reusable = GetBool(root, "reusable") ?? false;
            }
        }

        var record = new MfaTokenRecord
        {
            Token = MfaStore.NewMfaToken(),
            Reusable = reusable,
            ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(expiresIn),
        };
        _mfa.WithState(userId, state =>
        {
            state.MfaTokens.Add(record);
            return true;
        });

        // Unwrapped body; status 201 by default (reference §6.7 says UNCONFIRMED, likely 201), 200 by setting.
        ctx.Response.Headers.CacheControl = Wire.CacheSuccess;
        await Wire.WriteJsonAsync(ctx, Settings.MfaTokenStatus, Wire.V1ContentType, w =>
        {
            w.WriteStartObject();
            w.WriteString("mfa_token", record.Token);
            w.WriteBoolean("reusable", record.Reusable);
            w.WriteString("expires_at", Wire.IsoSeconds(record.ExpiresAt));
            w.WriteEndObject();
        });
    }

    // ------------------------------------------------------------------------------------------------
    // Control surface: /__emulator/* (never logged, never rate limited, never counted)
    // ------------------------------------------------------------------------------------------------
    private async Task HandleControlAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method;
        var route = path["/__emulator".Length..];
        switch (route)
        {
            case "/requests" when HttpMethods.IsGet(method):
                var entries = _log.Snapshot();
                await ControlJsonAsync(ctx, 200, w =>
                {
                    w.WriteStartArray();
                    foreach (var e in entries)
                    {
                        e.WriteJson(w);
                    }

                    w.WriteEndArray();
                });
                return;
            case "/requests" when HttpMethods.IsDelete(method):
                _log.Clear();
                Interlocked.Exchange(ref _faultCounter, 0);
                await ControlJsonAsync(ctx, 200, w => WriteFlag(w, "cleared"));
                return;
            case "/stats" when HttpMethods.IsGet(method):
                await ControlJsonAsync(ctx, 200, WriteStats);
                return;
            case "/stats/reset" when HttpMethods.IsPost(method):
                _log.ResetCounters();
                Interlocked.Exchange(ref _faultCounter, 0);
                await ControlJsonAsync(ctx, 200, WriteStats);
                return;
            case "/config" when HttpMethods.IsGet(method):
                await ControlJsonAsync(ctx, 200, Settings.WriteJson);
                return;
            case "/config" when HttpMethods.IsPost(method):
                await PostConfigAsync(ctx);
                return;
            case "/reset" when HttpMethods.IsPost(method):
                var fresh = _startup.Runtime.Clone();
                Volatile.Write(ref _settings, fresh);
                _mfa.Reset();
                _rate.Restart(fresh.RateLimit, fresh.RateWindowSeconds, DateTimeOffset.UtcNow);
                Interlocked.Exchange(ref _faultCounter, 0);
                await ControlJsonAsync(ctx, 200, fresh.WriteJson);
                return;
            case "/otp" when HttpMethods.IsGet(method):
                await ControlOtpAsync(ctx);
                return;
            case "/mfa_tokens" when HttpMethods.IsGet(method):
                await ControlMfaTokenAsync(ctx);
                return;
            case "/revoke-all" when HttpMethods.IsPost(method):
                var revoked = _tokens.RevokeAll();
                await ControlJsonAsync(ctx, 200, w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("revoked", revoked);
                    w.WriteEndObject();
                });
                return;
            default:
                await ControlErrorAsync(ctx, 404, "Unknown emulator control endpoint " + method + " " + path);
                return;
        }
    }

    private async Task PostConfigAsync(HttpContext ctx)
    {
        var body = await ReadBodyAsync(ctx);
        if (!TryParseObject(body, out var json))
        {
            await ControlErrorAsync(ctx, 400, "The body must be a JSON object of settings.");
            return;
        }

        using (json)
        {
            var next = Settings.Clone();
            var rateChanged = false;
            try
            {
                foreach (var property in json!.RootElement.EnumerateObject())
                {
                    if (!next.TryApply(property.Name, property.Value, out var changed))
                    {
                        throw new SettingsException($"Unknown setting '{property.Name}'.");
                    }

                    rateChanged |= changed;
                }
            }
            catch (SettingsException ex)
            {
                await ControlErrorAsync(ctx, 400, ex.Message);
                return;
            }

            Volatile.Write(ref _settings, next);
            if (rateChanged)
            {
                _rate.Restart(next.RateLimit, next.RateWindowSeconds, DateTimeOffset.UtcNow);
            }

            Interlocked.Exchange(ref _faultCounter, 0);
            await ControlJsonAsync(ctx, 200, next.WriteJson);
        }
    }

    private async Task ControlOtpAsync(HttpContext ctx)
    {
        if (!TryQueryLong(ctx, "user_id", out var userId) || !TryQueryLong(ctx, "device_id", out var deviceId))
        {
            await ControlErrorAsync(ctx, 400, "user_id and device_id are required integers.");
            return;
        }

        if (!_users.Exists(userId))
        {
            await ControlErrorAsync(ctx, 404, "No such user.");
            return;
        }

        var result = _mfa.WithState(userId, state =>
        {
            var device = state.Devices.Find(d => d.Id == deviceId);
            if (device is null)
            {
                return (Found: false, Otp: (string?)null);
            }

            if (device.Otp is null && !device.NeedsTrigger)
            {
                // Authenticator-style device: the "current code" a user would read from the app.
                device.Otp = MfaStore.NewOtp();
            }

            return (Found: true, device.Otp);
        });

        if (!result.Found)
        {
            await ControlErrorAsync(ctx, 404, "No such device for that user.");
            return;
        }

        if (result.Otp is null)
        {
            await ControlErrorAsync(ctx, 404, "No OTP is pending for that device: trigger it first.");
            return;
        }

        await ControlJsonAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("otp", result.Otp);
            w.WriteEndObject();
        });
    }

    private async Task ControlMfaTokenAsync(HttpContext ctx)
    {
        if (!TryQueryLong(ctx, "user_id", out var userId))
        {
            await ControlErrorAsync(ctx, 400, "user_id is a required integer.");
            return;
        }

        var token = _users.Exists(userId)
            ? _mfa.WithState(userId, state => state.MfaTokens.Count > 0 ? state.MfaTokens[^1] : null)
            : null;
        if (token is null)
        {
            await ControlErrorAsync(ctx, 404, "No MFA token has been generated for that user.");
            return;
        }

        await ControlJsonAsync(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("mfa_token", token.Token);
            w.WriteBoolean("reusable", token.Reusable);
            w.WriteString("expires_at", Wire.IsoSeconds(token.ExpiresAt));
            w.WriteEndObject();
        });
    }

    private void WriteStats(Utf8JsonWriter w)
    {
        var rate = _rate.Peek(DateTimeOffset.UtcNow);
        w.WriteStartObject();
        w.WriteNumber("totalRequests", _log.TotalRequests);
        w.WriteNumber("inFlight", _log.InFlight);
        w.WriteNumber("peakInFlight", _log.PeakInFlight);
        w.WriteNumber("rateLimitedResponses", _log.RateLimitedResponses);
        w.WriteNumber("tokenRequests", _log.TokenRequests);
        w.WriteNumber("resourceRequests", _log.ResourceRequests);
        w.WriteNumber("budgetRemaining", rate.Remaining);
        w.WriteString("windowResetsAt", UserRecord.Iso(rate.ResetsAt));
        w.WriteEndObject();
    }

    private static void WriteFlag(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject();
        w.WriteBoolean(name, true);
        w.WriteEndObject();
    }

    private static Task ControlJsonAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        return Wire.WriteJsonAsync(ctx, status, Wire.V2ContentType, write);
    }

    private static Task ControlErrorAsync(HttpContext ctx, int status, string message) =>
        ControlJsonAsync(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });

    private static bool TryQueryLong(HttpContext ctx, string name, out long value)
    {
        value = 0;
        var raw = UsersQuery.First(ctx.Request.Query, name);
        return raw is not null && long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // ------------------------------------------------------------------------------------------------
    // Parsing helpers
    // ------------------------------------------------------------------------------------------------
    private static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength == 0)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        return buffer.ToArray();
    }

    private static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        return MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;
    }

    private static bool TryParseObject(byte[] body, out JsonDocument? document)
    {
        document = null;
        if (body.Length == 0)
        {
            document = JsonDocument.Parse("{}");
            return true;
        }

        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            return false;
        }

        return true;
    }

    private static Dictionary<string, string> ParseJsonFields(byte[] body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryParseObject(body, out var json))
        {
            return fields;
        }

        using (json)
        {
            foreach (var property in json!.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null)
                {
                    fields[property.Name] = value;
                }
            }
        }

        return fields;
    }

    private static Dictionary<string, string> ParseFormFields(byte[] body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            if (values.Count > 0 && values[0] is { } value)
            {
                fields[key] = value;
            }
        }

        return fields;
    }

    private static long? GetLong(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            return n;
        }

        if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        return null;
    }

    private static string? GetString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private static bool? GetBool(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
            _ => null,
        };
    }

    private static string? HeaderOrNull(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values.ToString();

    /// <summary>Names the Authorization scheme for the log; the value itself is never stored.</summary>
    internal static string ClassifyAuthorization(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return "none";
        }

        var trimmed = header.TrimStart();
        if (trimmed.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return "basic";
        }

        var bearer = BearerRegex().Match(header);
        if (bearer.Success)
        {
            return bearer.Groups[1].Value.StartsWith(':') ? "bearer-colon" : "bearer-space";
        }

        if (CustomClientHeaderRegex().IsMatch(header))
        {
            return "custom-client-header";
        }

        return "other";
    }

    /// <summary>Query string for the log, with anything that could be a credential blanked.</summary>
    private static string RedactQuery(string query)
    {
        if (query.Length == 0
            || (!query.Contains("token", StringComparison.OrdinalIgnoreCase)
                && !query.Contains("secret", StringComparison.OrdinalIgnoreCase)
                && !query.Contains("client_id", StringComparison.OrdinalIgnoreCase)))
        {
            return query;
        }

        var parts = query.Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? parts[i] : parts[i][..eq];
            if (key.Contains("token", StringComparison.OrdinalIgnoreCase)
                || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
                || key.Contains("client_id", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = key + "=REDACTED";
            }
        }

        return string.Join('&', parts);
    }
}
