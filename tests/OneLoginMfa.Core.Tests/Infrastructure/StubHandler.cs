using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OneLoginMfa.Core.Tests.Infrastructure;

/// <summary>A snapshot of one request as it reached the handler (taken before the pipeline disposes it).</summary>
internal sealed class RecordedRequest
{
    public RecordedRequest(HttpRequestMessage message, string? body, int sequence)
    {
        Method = message.Method.Method;
        Uri = message.RequestUri!;
        Sequence = sequence;
        At = DateTimeOffset.UtcNow;
        Body = body;
        foreach (KeyValuePair<string, HeaderStringValues> header in message.Headers.NonValidated)
        {
            Headers[header.Key] = string.Join(",", header.Value);
        }

        if (message.Content is not null)
        {
            foreach (KeyValuePair<string, HeaderStringValues> header in message.Content.Headers.NonValidated)
            {
                ContentHeaders[header.Key] = string.Join(",", header.Value);
            }
        }
    }

    public string Method { get; }

    public Uri Uri { get; }

    /// <summary>Path and query exactly as sent, without the leading '/'.</summary>
    public string RelativeUri => Uri.PathAndQuery.TrimStart('/');

    public string Path => Uri.AbsolutePath;

    public int Sequence { get; }

    public DateTimeOffset At { get; }

    public string? Body { get; }

    /// <summary>Request headers, raw (unvalidated) values.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Content headers, raw values.</summary>
    public Dictionary<string, string> ContentHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public string? Authorization => Header("Authorization");

    public bool IsTokenRequest => Path.EndsWith("/auth/oauth2/v2/token", StringComparison.Ordinal);
}

/// <summary>
/// A fake OneLogin: records every request, answers token requests itself (token-1, token-2, …) unless told
/// otherwise, and answers resource requests from a queue, then from <see cref="Fallback"/>.
/// </summary>
internal sealed class StubHandler : HttpMessageHandler
{
    public delegate Task<HttpResponseMessage> Responder(RecordedRequest request, CancellationToken cancellationToken);

    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly Queue<Responder> _queue = new();
    private int _sequence;
    private int _tokensIssued;

    /// <summary>Answers token requests; default: a v2 token body with a fresh access_token each time.</summary>
    public Responder? TokenResponder { get; set; }

    /// <summary>Answers resource requests once the queue is empty.</summary>
    public Responder? Fallback { get; set; }

    /// <summary>
    /// A runaway loop (endless renewals or retries) fails the test at once instead of hanging it: past this
    /// many requests the stub throws, and no pipeline code turns that exception into a result.
    /// </summary>
    public int MaxRequests { get; set; } = 200;

    /// <summary>expires_in of the default token responses.</summary>
    public int TokenLifetimeSeconds { get; set; } = 36000;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> TokenRequests => Requests.Where(r => r.IsTokenRequest).ToList();

    public IReadOnlyList<RecordedRequest> ResourceRequests => Requests.Where(r => !r.IsTokenRequest).ToList();

    public void Enqueue(Responder responder)
    {
        lock (_gate)
        {
            _queue.Enqueue(responder);
        }
    }

    public void Enqueue(HttpStatusCode status, string body, params (string Name, string Value)[] headers) =>
        Enqueue((_, _) => Task.FromResult(Respond.Json(status, body, headers)));

    public void EnqueueResponse(Func<HttpResponseMessage> create) => Enqueue((_, _) => Task.FromResult(create()));

    /// <summary>The default token body: the real v2 capture's shape (reference 2.1).</summary>
    public static string TokenBody(string accessToken, int expiresIn = 36000) =>
        "{\"access_token\":\"" + accessToken + "\",\"created_at\":\"2021-08-05T02:57:36.136Z\",\"expires_in\":"
        + expiresIn.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"refresh_token\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"token_type\":\"bearer\",\"account_id\":189185}";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        RecordedRequest recorded;
        Responder? responder = null;
        lock (_gate)
        {
            if (_sequence >= MaxRequests)
            {
                throw new InvalidOperationException("Runaway: more than " + MaxRequests.ToString(System.Globalization.CultureInfo.InvariantCulture) + " requests reached the stub.");
            }

            recorded = new RecordedRequest(request, body, ++_sequence);
            _requests.Add(recorded);
            if (!recorded.IsTokenRequest && _queue.Count > 0)
            {
                responder = _queue.Dequeue();
            }
        }

        if (recorded.IsTokenRequest)
        {
            if (TokenResponder is Responder tokenResponder)
            {
                return await tokenResponder(recorded, cancellationToken).ConfigureAwait(false);
            }

            int n = Interlocked.Increment(ref _tokensIssued);
            return Respond.Json(HttpStatusCode.OK, TokenBody("token-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), TokenLifetimeSeconds));
        }

        responder ??= Fallback;
        if (responder is null)
        {
            throw new InvalidOperationException("The stub has no response for " + recorded.Method + " " + recorded.RelativeUri);
        }

        return await responder(recorded, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Response builders.</summary>
internal static class Respond
{
    public static HttpResponseMessage Json(HttpStatusCode status, string body, params (string Name, string Value)[] headers) =>
        With(status, new StringContent(body, Encoding.UTF8, "application/json"), headers);

    public static HttpResponseMessage Html(HttpStatusCode status, string body, params (string Name, string Value)[] headers) =>
        With(status, new StringContent(body, Encoding.UTF8, "text/html"), headers);

    public static HttpResponseMessage Empty(HttpStatusCode status, params (string Name, string Value)[] headers) =>
        With(status, new ByteArrayContent(Array.Empty<byte>()), headers);

    public static HttpResponseMessage With(HttpStatusCode status, HttpContent content, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = content };
        foreach ((string name, string value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    /// <summary>The three X-RateLimit-* headers as OneLogin sends them on v1 calls (reference 4).</summary>
    public static (string, string)[] RateHeaders(int limit, int remaining, int reset) =>
        new[]
        {
            ("X-RateLimit-Limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("X-RateLimit-Remaining", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("X-RateLimit-Reset", reset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
}
