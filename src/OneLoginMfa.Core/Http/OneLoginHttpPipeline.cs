using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using OneLoginMfa.Json;

namespace OneLoginMfa.Http;

/// <summary>
/// The one HTTP path every OneLogin call goes through: rate governor → token → send (with per-request
/// timeout) → budget headers → 401 renewal → 429 wait → retries with backoff → error parsing.
/// One per connection; thread-safe; shares its HttpClient across all calls of that connection.
/// </summary>
internal sealed class OneLoginHttpPipeline : IDisposable
{
    private static readonly string[] s_tokenFailureMessages =
    {
        "Authentication Failure", "Unauthorized", "Please provide valid credentials", "Access Token Missing",
        "Authorization Information is incorrect", "The authorization information is missing",
    };

    private readonly HttpClient _http;
    private readonly Random _jitter = new();

    public OneLoginHttpPipeline(OneLoginClientOptions options, HttpMessageHandler? handler = null)
    {
        Options = options;
        _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        Tokens = new TokenProvider(this);
        Budget = RateLimitGovernor.For(options.AccountKey);
    }

    public OneLoginClientOptions Options { get; }

    public TokenProvider Tokens { get; }

    public RateBudget Budget { get; }

    public void Dispose() => _http.Dispose();

    /// <summary>Sends a resource call and returns its 2xx response; anything else becomes <see cref="OneLoginApiException"/>.</summary>
    public async Task<ApiResponse> SendAsync(ApiRequest request, IRequestObserver observer, CancellationToken cancellationToken)
    {
        int failures = 0;
        int rateLimitHits = 0;
        bool renewed = false;
        string family = request.Family;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool metered = Budget.IsMetered(family);
            RateBudget.Reservation? reservation;
            try
            {
                reservation = await Budget.AcquireAsync(metered, Options.MaxRateLimitWait, observer, cancellationToken).ConfigureAwait(false);
            }
            catch (OneLoginApiException ex)
            {
                // RateLimited before sending: still name the call it refused (design section 4: Method, Path).
                throw WithRequest(ex, request);
            }

            Exchange exchange;
            AccessToken token;
            try
            {
                token = await Tokens.GetAsync(observer, cancellationToken).ConfigureAwait(false);
                exchange = await ExchangeAsync(request.Method, request.RelativePath, request.JsonBody, token, observer, cancellationToken).ConfigureAwait(false);
                if (exchange.Headers is not null)
                {
                    ObserveBudget(family, exchange.Status, exchange.Headers);
                }
            }
            finally
            {
                reservation?.Complete();
            }

            if (exchange.Failure is not null)
            {
                bool retry = request.Idempotent || exchange.NeverSent;
                if (retry && failures < Options.MaxRetry)
                {
                    failures++;
                    await BackoffAsync(failures, null, request, exchange.Failure.Message, observer, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw WithRequest(exchange.Failure, request);
            }

            int status = exchange.Status;
            if (status is >= 200 and < 300)
            {
                return new ApiResponse(status, exchange.Body, exchange.Headers!);
            }

            JToken root = OneLoginJson.TryParse(exchange.Body) is { } parsed ? parsed : null!;
            ApiError? error = OneLoginJson.ReadError(root);

            if (IsRateLimited(status, error))
            {
                rateLimitHits++;
                TimeSpan wait = RateLimitWait(exchange.Headers!, rateLimitHits);
                if (rateLimitHits > 1 && wait < TimeSpan.FromSeconds(1))
                {
                    // A server that keeps refusing with Retry-After: 0 must not be hammered.
                    wait = TimeSpan.FromSeconds(1);
                }

                if (rateLimitHits > 50)
                {
                    throw WithRequest(RateBudget.RateLimited(DateTimeOffset.UtcNow + wait, wait, Options.MaxRateLimitWait), request);
                }

                // A rate-limit refusal is a no-op on the server, so even a POST may be sent again.
                Budget.MarkExhausted(wait, metered);
                continue;
            }

            if (IsTokenProblem(status, error, request) && !renewed)
            {
                renewed = true;
                observer.Verbose("The access token was refused; getting a new one and trying once more.");
                await Tokens.RenewAsync(token, observer, cancellationToken).ConfigureAwait(false);
                continue;
            }

            bool transient = status == 408 || (status >= 500 && status != 501);
            if (transient && request.Idempotent && failures < Options.MaxRetry)
            {
                failures++;
                // Only Retry-After is a hint for a 5xx; X-RateLimit-Reset is about the budget, not this failure.
                await BackoffAsync(failures, RetryAfterHeader(exchange.Headers!), request, "HTTP " + status.ToString(CultureInfo.InvariantCulture), observer, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw Classify(request, status, exchange.Body, exchange.Headers!, error);
        }
    }

    /// <summary>POST /auth/oauth2/v2/token with HTTP Basic client credentials.</summary>
    internal async Task<AccessToken> RequestTokenAsync(IRequestObserver observer, CancellationToken cancellationToken)
    {
        const string path = "auth/oauth2/v2/token";
        var request = new ApiRequest(HttpMethod.Post, path);
        int failures = 0;
        while (true)
        {
            DateTimeOffset requestedAt = DateTimeOffset.UtcNow;
            Exchange exchange = await ExchangeAsync(HttpMethod.Post, path, null, null, observer, cancellationToken).ConfigureAwait(false);

            // The token request changes nothing on the server (it hands back the same token while valid),
            // so it is retried like a GET.
            bool transient = exchange.Failure is not null || exchange.Status == 408 || (exchange.Status >= 500 && exchange.Status != 501);
            if (transient && failures < Options.MaxRetry)
            {
                failures++;
                await BackoffAsync(failures, null, request, exchange.Failure?.Message ?? "HTTP " + exchange.Status.ToString(CultureInfo.InvariantCulture), observer, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (exchange.Failure is not null)
            {
                throw WithRequest(exchange.Failure, request);
            }

            JToken? root = OneLoginJson.TryParse(exchange.Body);
            ApiError? error = OneLoginJson.ReadError(root);
            if (exchange.Status is < 200 or >= 300 || error is not null)
            {
                int status = exchange.Status is >= 200 and < 300 ? error?.Code ?? 401 : exchange.Status;
                OneLoginApiException ex = Classify(request, status, exchange.Body, exchange.Headers!, error);
                if (status is 400 or 401 or 403)
                {
                    ex.Kind = OneLoginErrorKind.AuthenticationFailed;
                }

                throw ex;
            }

            // v2 answers a bare object; tolerate the v1 wrapper ({"status":…,"data":[{…}]}) as well.
            JObject? tokenObject = root as JObject;
            if (tokenObject?["access_token"] is null)
            {
                tokenObject = OneLoginJson.Items(OneLoginJson.Data(root!)).FirstOrDefault();
            }

            string? value = OneLoginJson.GetString(tokenObject?["access_token"]);
            if (string.IsNullOrEmpty(value))
            {
                throw WithRequest(new OneLoginApiException(OneLoginErrorKind.ResponseInvalid, "The token response has no access_token.") { StatusCode = exchange.Status }, request);
            }

            long expiresIn = OneLoginJson.GetLong(tokenObject!["expires_in"]) ?? 36000;
            TimeSpan lifetime = TimeSpan.FromSeconds(Math.Max(1, expiresIn)) - TokenAge(tokenObject, exchange.Headers!);
            return new AccessToken(value!, requestedAt, lifetime < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : lifetime, OneLoginJson.GetLong(tokenObject["account_id"]));
        }
    }

    /// <summary>
    /// How old the token already is. OneLogin hands every caller of a credential the same token until it
    /// expires, with <c>expires_in</c> NOT decremented (reference 2.1), so a token another script obtained
    /// hours ago would otherwise look fresh. The age is <c>Date</c> minus <c>created_at</c>, both on the
    /// server's clock, so local clock skew does not matter. Unknown (no Date or created_at): zero.
    /// </summary>
    internal static TimeSpan TokenAge(JObject token, IDictionary<string, string> headers)
    {
        if (OneLoginJson.GetDate(token["created_at"]) is DateTimeOffset created
            && headers.TryGetValue("Date", out string? dateText)
            && DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset serverNow))
        {
            TimeSpan age = serverNow - created;
            return age > TimeSpan.Zero ? age : TimeSpan.Zero;
        }

        return TimeSpan.Zero;
    }

    /// <summary>POST /auth/oauth2/revoke for the current token (Basic client credentials).</summary>
    internal async Task RevokeAsync(IRequestObserver observer, CancellationToken cancellationToken)
    {
        AccessToken? token = Tokens.Current;
        if (token is null)
        {
            return;
        }

        const string path = "auth/oauth2/revoke";
        var request = new ApiRequest(HttpMethod.Post, path);
        string body = OneLoginJson.Serialize(new Dictionary<string, string> { ["access_token"] = token.Value });
        Exchange exchange = await ExchangeAsync(HttpMethod.Post, path, body, null, observer, cancellationToken).ConfigureAwait(false);
        if (exchange.Failure is not null)
        {
            throw WithRequest(exchange.Failure, request);
        }

        ApiError? error = OneLoginJson.ReadError(OneLoginJson.TryParse(exchange.Body));
        if (exchange.Status is < 200 or >= 300 || error is not null)
        {
            OneLoginApiException ex = Classify(request, exchange.Status, exchange.Body, exchange.Headers!, error);
            if (exchange.Status == 401)
            {
                ex.Kind = OneLoginErrorKind.AuthenticationFailed;
            }

            throw ex;
        }

        Tokens.Forget();
    }

    // ---- one exchange -------------------------------------------------------------------------------

    private sealed class Exchange
    {
        public int Status { get; set; }

        public string Body { get; set; } = string.Empty;

        public IDictionary<string, string>? Headers { get; set; }

        public OneLoginApiException? Failure { get; set; }

        /// <summary>The failure happened before the request could reach the server (DNS, refused, TLS).</summary>
        public bool NeverSent { get; set; }
    }

    /// <param name="token">The bearer token, or null for the client-credential endpoints (token, revoke).</param>
    private async Task<Exchange> ExchangeAsync(HttpMethod method, string relativePath, string? jsonBody, AccessToken? token, IRequestObserver observer, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, new Uri(Options.BaseUri, relativePath));
        message.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is null)
        {
            message.Headers.Authorization = TokenProvider.BasicHeader(Options.ClientId, Options.ClientSecret);
            message.Content = jsonBody is null ? TokenProvider.TokenRequestContent() : JsonContent(jsonBody);
        }
        else
        {
            // The documented form. HttpHeaders' typed API rejects "bearer:<token>", so add it unvalidated.
            message.Headers.TryAddWithoutValidation("Authorization", "bearer:" + token.Value);
            if (jsonBody is not null)
            {
                message.Content = JsonContent(jsonBody);
            }
        }

        string display = method.Method + " /" + relativePath;
        if (jsonBody is not null)
        {
            observer.Debug(display + " request body: " + Redactor.ForDisplay(jsonBody));
        }

        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            string body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers.Concat(response.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
            {
                headers[header.Key] = string.Join(",", header.Value);
            }

            int status = (int)response.StatusCode;
            stopwatch.Stop();
            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "{0} -> {1} {2} in {3} ms{4}", display, status, response.ReasonPhrase, stopwatch.ElapsedMilliseconds, BudgetText(headers)));
            if (body.Length > 0)
            {
                observer.Debug(display + " response body: " + Redactor.ForDisplay(body));
            }

            return new Exchange { Status = status, Body = body, Headers = headers };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "{0} timed out after {1} ms", display, stopwatch.ElapsedMilliseconds));
            return new Exchange
            {
                Failure = new OneLoginApiException(OneLoginErrorKind.Timeout, string.Format(CultureInfo.InvariantCulture, "OneLogin did not answer within {0} s.", Options.Timeout.TotalSeconds)),
            };
        }
        catch (HttpRequestException ex)
        {
            bool neverSent = IsConnectFailure(ex);
            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "{0} failed after {1} ms: {2}", display, stopwatch.ElapsedMilliseconds, Innermost(ex).Message));
            string text = neverSent
                ? $"Could not connect to {Options.BaseUri.GetLeftPart(UriPartial.Authority)}: {Innermost(ex).Message}"
                : $"The connection to {Options.BaseUri.GetLeftPart(UriPartial.Authority)} failed before a response arrived: {Innermost(ex).Message}";
            return new Exchange
            {
                NeverSent = neverSent,
                Failure = new OneLoginApiException(neverSent ? OneLoginErrorKind.ConnectionFailed : OneLoginErrorKind.ServiceError, text, ex),
            };
        }
    }

    private static ByteArrayContent JsonContent(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private string BudgetText(IDictionary<string, string> headers)
    {
        int? remaining = HeaderInt(headers, "X-RateLimit-Remaining");
        int? limit = HeaderInt(headers, "X-RateLimit-Limit");
        return remaining is int r ? string.Format(CultureInfo.InvariantCulture, "; budget {0}/{1}", r, limit?.ToString(CultureInfo.InvariantCulture) ?? "?") : string.Empty;
    }

    private void ObserveBudget(string family, int status, IDictionary<string, string> headers)
    {
        int? limit = HeaderInt(headers, "X-RateLimit-Limit");
        int? remaining = HeaderInt(headers, "X-RateLimit-Remaining");
        int? reset = HeaderInt(headers, "X-RateLimit-Reset");
        bool hasHeaders = limit is not null || remaining is not null;
        // Only a success without the headers shows a family is unmetered: error responses (a 401, a gateway's
        // 5xx, a 429) often lack them even on metered paths, and un-metering on a 429 would skip its wait.
        if (hasHeaders || status is >= 200 and < 300)
        {
            Budget.LearnMetered(family, hasHeaders);
        }

        Budget.Observe(limit, remaining, reset);
    }

    private static int? HeaderInt(IDictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out string? value) && int.TryParse(value.Split(',')[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>Retry-After (seconds or HTTP date), else X-RateLimit-Reset (seconds).</summary>
    internal static TimeSpan? RetryAfter(IDictionary<string, string> headers) =>
        RetryAfterHeader(headers) ?? (HeaderInt(headers, "X-RateLimit-Reset") is int reset ? TimeSpan.FromSeconds(Math.Max(0, reset)) : null);

    /// <summary>The Retry-After header only (seconds or an HTTP date).</summary>
    internal static TimeSpan? RetryAfterHeader(IDictionary<string, string> headers)
    {
        if (headers.TryGetValue("Retry-After", out string? retryAfter))
        {
            if (double.TryParse(retryAfter.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
            {
                TimeSpan delta = at - DateTimeOffset.UtcNow;
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }
        }

        return null;
    }

    /// <summary>
    /// How long a rate-limit refusal keeps calls back: Retry-After when sent; else the window's reset, but only
    /// when the refusal says the window is spent (X-RateLimit-Remaining 0 or absent); a refusal while the
    /// headers still show budget is a short-term (burst) limit, so back off 2, 4, 8 ... 60 s instead of
    /// waiting for a reset that may be an hour away.
    /// </summary>
    private static TimeSpan RateLimitWait(IDictionary<string, string> headers, int hits)
    {
        if (RetryAfterHeader(headers) is TimeSpan retryAfter)
        {
            return retryAfter;
        }

        int? remaining = HeaderInt(headers, "X-RateLimit-Remaining");
        if (remaining is null or <= 0 && HeaderInt(headers, "X-RateLimit-Reset") is int reset)
        {
            return TimeSpan.FromSeconds(Math.Max(0, reset));
        }

        return TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(hits, 6))));
    }

    private async Task BackoffAsync(int failures, TimeSpan? serverDelay, ApiRequest request, string reason, IRequestObserver observer, CancellationToken cancellationToken)
    {
        // Exponential backoff with full jitter, capped; a server's Retry-After wins when it is within the cap.
        double ceiling = Math.Min(Options.RetryDelayCap.TotalMilliseconds, Options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, failures - 1));
        double jittered;
        lock (_jitter)
        {
            jittered = (ceiling / 2) + (_jitter.NextDouble() * ceiling / 2);
        }

        TimeSpan delay = serverDelay is TimeSpan server && server <= Options.RetryDelayCap && server > TimeSpan.Zero ? server : TimeSpan.FromMilliseconds(jittered);
        observer.Verbose(string.Format(CultureInfo.InvariantCulture, "{0} {1}: {2}; retry {3} of {4} in {5:0} ms", request.Method.Method, request.PathOnly, reason, failures, Options.MaxRetry, delay.TotalMilliseconds));
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsRateLimited(int status, ApiError? error) =>
        status == 429 || (status == 400 && error?.Message is string m
            && (m.IndexOf("rate_limit_exceeded", StringComparison.OrdinalIgnoreCase) >= 0 || m.IndexOf("rate limit", StringComparison.OrdinalIgnoreCase) >= 0));

    private static bool IsTokenProblem(int status, ApiError? error, ApiRequest request)
    {
        if (status is not (400 or 401))
        {
            return false;
        }

        string? message = error?.Message;
        if (message is not null && IsInsufficientPermission(message))
        {
            return false;
        }

        bool known = message is not null && s_tokenFailureMessages.Any(m => string.Equals(m, message.Trim(), StringComparison.OrdinalIgnoreCase))
            || string.Equals(error?.Type, "UnauthorizedError", StringComparison.OrdinalIgnoreCase)
            || string.Equals(error?.Type, "InvalidCredentials", StringComparison.OrdinalIgnoreCase);
        if (status == 400)
        {
            return known;
        }

        return known || request.UnknownUnauthorizedIsTokenProblem;
    }

    private static bool IsInsufficientPermission(string message) =>
        message.IndexOf("Insufficient Permission", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>Maps a non-2xx response to the exception, quoting OneLogin's own message.</summary>
    internal static OneLoginApiException Classify(ApiRequest request, int status, string body, IDictionary<string, string> headers, ApiError? error)
    {
        string? message = error?.Message;
        OneLoginErrorKind kind;
        if (status == 401)
        {
            kind = message is not null && IsInsufficientPermission(message) ? OneLoginErrorKind.AccessDenied
                : IsTokenProblem(status, error, request) ? OneLoginErrorKind.AuthenticationFailed
                : OneLoginErrorKind.RequestInvalid;
        }
        else if (status == 403)
        {
            kind = OneLoginErrorKind.AccessDenied;
        }
        else if (status == 404 && message is not null && message.IndexOf("No Route", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            kind = OneLoginErrorKind.RequestInvalid;
        }
        else if (status == 404 && error is null && !string.IsNullOrWhiteSpace(body) && OneLoginJson.TryParse(body) is null)
        {
            // A 404 page that is not JSON comes from something in front of OneLogin (a proxy, a wrong base
            // URI), not from OneLogin saying the user does not exist.
            kind = OneLoginErrorKind.ResponseInvalid;
        }
        else if (status == 404 || (status == 400 && message is not null && IsNotFoundMessage(message)))
        {
            kind = NotFoundKind(message, request.NotFoundKind);
        }
        else if (status == 400 && IsTokenProblem(status, error, request))
        {
            kind = OneLoginErrorKind.AuthenticationFailed;
        }
        else if (status == 429)
        {
            kind = OneLoginErrorKind.RateLimited;
        }
        else if (status == 408)
        {
            kind = OneLoginErrorKind.Timeout;
        }
        else if (status >= 500)
        {
            kind = OneLoginErrorKind.ServiceError;
        }
        else
        {
            kind = OneLoginErrorKind.RequestInvalid;
        }

        string text = message ?? DescribeBody(status, body, headers);
        var ex = new OneLoginApiException(kind, text)
        {
            StatusCode = status,
            ApiErrorType = error?.Type,
            ApiMessage = message,
            ApiErrorAttribute = error?.Attribute,
            // X-RateLimit-Reset only says when the window resets; it is a wait only for a rate-limit refusal.
            RetryAfter = kind == OneLoginErrorKind.RateLimited ? RetryAfter(headers) : RetryAfterHeader(headers),
        };
        return WithRequest(ex, request, headers);
    }

    private static bool IsNotFoundMessage(string message) =>
        message.IndexOf("could not be found", StringComparison.OrdinalIgnoreCase) >= 0
        || message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0
        || message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0;

    private static OneLoginErrorKind NotFoundKind(string? message, OneLoginErrorKind fallback)
    {
        if (message is not null)
        {
            if (message.IndexOf("factor", StringComparison.OrdinalIgnoreCase) >= 0 || message.IndexOf("device", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return OneLoginErrorKind.AuthFactorNotFound;
            }

            if (message.IndexOf("user", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return OneLoginErrorKind.UserNotFound;
            }
        }

        return fallback;
    }

    private static string DescribeBody(int status, string body, IDictionary<string, string> headers)
    {
        string reason = ((HttpStatusCode)status).ToString();
        headers.TryGetValue("Content-Type", out string? contentType);
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Format(CultureInfo.InvariantCulture, "OneLogin answered HTTP {0} ({1}) with an empty body.", status, reason);
        }

        return string.Format(CultureInfo.InvariantCulture, "OneLogin answered HTTP {0} ({1}) with a body that is not a OneLogin error ({2}).", status, reason, contentType ?? "no content type");
    }

    internal static OneLoginApiException WithRequest(OneLoginApiException ex, ApiRequest request, IDictionary<string, string>? headers = null)
    {
        ex.Method ??= request.Method.Method;
        ex.Path ??= request.PathOnly;
        if (headers is not null && headers.TryGetValue("X-Request-Id", out string? requestId))
        {
            ex.RequestId = requestId;
        }

        return ex;
    }

    private static bool IsConnectFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket when socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                    or SocketError.TryAgain or SocketError.NoData or SocketError.NetworkUnreachable or SocketError.HostUnreachable
                    or SocketError.AddressNotAvailable:
                    return true;
                case AuthenticationException:
                    return true;
                case WebException web when web.Status is WebExceptionStatus.NameResolutionFailure or WebExceptionStatus.ConnectFailure
                    or WebExceptionStatus.ProxyNameResolutionFailure or WebExceptionStatus.SecureChannelFailure or WebExceptionStatus.TrustFailure:
                    return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception ex)
    {
        Exception e = ex;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static HttpClientHandler CreateHandler(OneLoginClientOptions options)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseProxy = true,
        };

        try
        {
            // .NET Framework defaults to 2 connections per host, which would cap -ThrottleLimit.
            handler.MaxConnectionsPerServer = 64;
        }
        catch (PlatformNotSupportedException)
        {
        }

        if (options.Proxy is not null)
        {
            handler.Proxy = new WebProxy(options.Proxy)
            {
                UseDefaultCredentials = options.ProxyUseDefaultCredentials,
                Credentials = options.ProxyUseDefaultCredentials ? CredentialCache.DefaultCredentials : options.ProxyCredential,
            };
        }
        else if (options.ProxyUseDefaultCredentials)
        {
            handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
        }
        else if (options.ProxyCredential is not null)
        {
            handler.DefaultProxyCredentials = options.ProxyCredential;
        }

        return handler;
    }
}
