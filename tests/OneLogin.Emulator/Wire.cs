using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OneLogin.Emulator;

/// <summary>Response writing helpers for the two OneLogin error/response families (reference §8).</summary>
internal static class Wire
{
    /// <summary>v1 family content type (real captures, reference §2.1 and §8).</summary>
    public const string V1ContentType = "application/json; charset=utf-8";

    /// <summary>v2 family content type: no charset (reference §4, §11 item 10).</summary>
    public const string V2ContentType = "application/json";

    public const string CacheSuccess = "max-age=0, private, must-revalidate";

    public const string CacheError = "no-cache";

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep "+1555…" and "'" readable as the real API does, instead of \u002B escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static Task WriteAsync(HttpContext ctx, int status, string contentType, byte[] body)
    {
        var response = ctx.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, ctx.RequestAborted).AsTask();
    }

    public static Task WriteJsonAsync(HttpContext ctx, int status, string contentType, Action<Utf8JsonWriter> write) =>
        WriteAsync(ctx, status, contentType, Json(write));

    public static void WriteStatus(Utf8JsonWriter w, bool error, int code, string type, string message)
    {
        w.WriteStartObject("status");
        w.WriteBoolean("error", error);
        w.WriteNumber("code", code);
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
    }

    /// <summary>v1 error: {"status":{"error":true,"code":N,"type":"…","message":"…"}}.</summary>
    public static Task V1ErrorAsync(HttpContext ctx, int code, string message)
    {
        ctx.Response.Headers.CacheControl = CacheError;
        return WriteJsonAsync(ctx, code, V1ContentType, w =>
        {
            w.WriteStartObject();
            WriteStatus(w, true, code, V1Type(code), message);
            w.WriteEndObject();
        });
    }

    /// <summary>v1 success with no data: {"status":{"error":false,"code":200,"type":"success","message":"…"}}.</summary>
    public static Task V1OkAsync(HttpContext ctx, string message = "Success")
    {
        ctx.Response.Headers.CacheControl = CacheSuccess;
        return WriteJsonAsync(ctx, 200, V1ContentType, w =>
        {
            w.WriteStartObject();
            WriteStatus(w, false, 200, "success", message);
            w.WriteEndObject();
        });
    }

    /// <summary>v1 success with a data member written by <paramref name="writeData"/> (property name already written).</summary>
    public static Task V1DataAsync(HttpContext ctx, Action<Utf8JsonWriter> writeData, string message = "Success")
    {
        ctx.Response.Headers.CacheControl = CacheSuccess;
        return WriteJsonAsync(ctx, 200, V1ContentType, w =>
        {
            w.WriteStartObject();
            WriteStatus(w, false, 200, "success", message);
            w.WritePropertyName("data");
            writeData(w);
            w.WriteEndObject();
        });
    }

    /// <summary>v2 error: {"message":"…","name":"…","statusCode":N} (reference §5.4, §8).</summary>
    public static Task V2ErrorAsync(HttpContext ctx, int code, string name, string message)
    {
        ctx.Response.Headers.CacheControl = CacheError;
        return WriteJsonAsync(ctx, code, V2ContentType, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteString("name", name);
            w.WriteNumber("statusCode", code);
            w.WriteEndObject();
        });
    }

    public static string V1Type(int code) => code switch
    {
        400 => "bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "not found",
        429 => "Too Many Requests",
        _ => code >= 500 ? "internal server error" : "error",
    };

    /// <summary>Something shaped like OneLogin's x-request-id, e.g. 610B5C08-8B3CAF02-FB45-0A0B03A8-01BB-48594B-3696.</summary>
    public static string NewRequestId()
    {
        Span<byte> b = stackalloc byte[15];
        RandomNumberGenerator.Fill(b);
        var hex = Convert.ToHexString(b);
        var sb = new StringBuilder(48);
        sb.Append(hex, 0, 8).Append('-').Append(hex, 8, 8).Append('-').Append(hex, 16, 4).Append('-')
            .Append("7F000001-01BB-").Append(hex, 20, 6).Append('-').Append(hex, 26, 4);
        return sb.ToString();
    }

    /// <summary>ISO-8601 UTC without fraction, as in state_token_expires_at / expires_at samples.</summary>
    public static string IsoSeconds(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
