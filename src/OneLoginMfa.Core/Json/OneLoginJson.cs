using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OneLoginMfa.Json;

/// <summary>
/// The only code that touches Newtonsoft.Json. Everything is read through <see cref="JToken"/> with explicit
/// reader settings (never JsonConvert.DefaultSettings, which another module may have changed), and mapped
/// leniently: numbers may arrive as strings, single objects as one-element arrays, unknown fields are kept.
/// </summary>
internal static class OneLoginJson
{
    /// <summary>Parses a body; throws <see cref="JsonException"/> on malformed or truncated JSON.</summary>
    public static JToken Parse(string body)
    {
        using var reader = new JsonTextReader(new StringReader(body))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
            MaxDepth = 64,
        };
        JToken token = JToken.ReadFrom(reader);
        // Trailing garbage after the value means the body is not what it claims to be.
        while (reader.Read())
        {
            if (reader.TokenType != JsonToken.Comment)
            {
                throw new JsonReaderException("Unexpected content after the JSON value.");
            }
        }

        return token;
    }

    /// <summary>Returns the body parsed, or null when it is not JSON at all.</summary>
    public static JToken? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return Parse(body!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Serialize(object value) => JsonConvert.SerializeObject(value, s_writeSettings);

    private static readonly JsonSerializerSettings s_writeSettings = new()
    {
        NullValueHandling = NullValueHandling.Ignore,
        Formatting = Formatting.None,
        DateFormatHandling = DateFormatHandling.IsoDateFormat,
    };

    // ---- error bodies --------------------------------------------------------------------------------

    /// <summary>
    /// Reads any of OneLogin's error shapes (reference section 8):
    /// v1 <c>{"status":{"error":true,"code":…,"type":…,"message":string|{description,attribute}}}</c>,
    /// v2 <c>{"statusCode":…,"name":…,"message":…,"field"?}</c>,
    /// v2 validation <c>{"code":422,"message":…,"errors":[{"field":…,"message":[…]}]}</c>,
    /// and the roles-style <c>{"status":404,"error":"NotFoundError","description":…}</c> (UNCONFIRMED for the
    /// endpoints we call; accepted leniently). Returns null when the body is none of these.
    /// </summary>
    public static ApiError? ReadError(JToken? root)
    {
        if (root is not JObject obj)
        {
            return null;
        }

        if (obj["status"] is JObject status)
        {
            bool isError = status["error"]?.Type == JTokenType.Boolean ? status.Value<bool>("error") : !IsSuccessType(status["type"]);
            if (!isError)
            {
                return null;
            }

            var error = new ApiError { Code = GetInt(status["code"]), Type = GetString(status["type"]) };
            switch (status["message"])
            {
                case JObject messageObject:
                    error.Message = GetString(messageObject["description"]) ?? messageObject.ToString(Formatting.None);
                    error.Attribute = GetString(messageObject["attribute"]);
                    break;
                case JToken messageToken:
                    error.Message = GetString(messageToken);
                    break;
            }

            return error;
        }

        if (obj["statusCode"] is JToken statusCode)
        {
            return new ApiError
            {
                Code = GetInt(statusCode),
                Type = GetString(obj["name"]),
                Message = GetString(obj["message"]),
                Attribute = GetString(obj["field"]),
            };
        }

        if (obj["errors"] is JArray errors && (obj["code"] is not null || obj["message"] is not null))
        {
            var details = new List<string>();
            string? firstField = null;
            foreach (JToken item in errors)
            {
                string? field = GetString(item["field"]);
                firstField ??= field;
                string text = item["message"] switch
                {
                    JArray lines => string.Join("; ", lines.Values<string>()),
                    JToken one => GetString(one) ?? string.Empty,
                    _ => string.Empty,
                };
                details.Add(field is null ? text : field + ": " + text);
            }

            string? message = GetString(obj["message"]);
            return new ApiError
            {
                Code = GetInt(obj["code"]),
                Type = "ValidationError",
                Message = details.Count == 0 ? message : (message is null ? string.Empty : message + ": ") + string.Join(", ", details),
                Attribute = firstField,
            };
        }

        if (obj["status"] is JValue { Type: JTokenType.Integer } numericStatus && (obj["error"] is not null || obj["description"] is not null))
        {
            return new ApiError
            {
                Code = GetInt(numericStatus),
                Type = GetString(obj["error"]),
                Message = GetString(obj["description"]) ?? GetString(obj["message"]),
            };
        }

        return null;
    }

    private static bool IsSuccessType(JToken? type) =>
        string.Equals(GetString(type), "success", StringComparison.OrdinalIgnoreCase);

    // ---- models -------------------------------------------------------------------------------------

    /// <summary>v1 responses: <c>data</c>, unwrapped. v2 responses: the root itself.</summary>
    public static JToken? Data(JToken root) => root is JObject obj && obj["status"] is JObject ? obj["data"] : root;

    /// <summary>A list that may be wrapped (<c>data.key</c>), bare, or a single object.</summary>
    public static IEnumerable<JObject> Items(JToken? token, string? key = null)
    {
        if (key is not null && token is JObject holder && holder[key] is JToken inner)
        {
            token = inner;
        }

        switch (token)
        {
            case JArray array:
                foreach (JToken item in array)
                {
                    if (item is JObject o)
                    {
                        yield return o;
                    }
                }

                break;
            case JObject single when key is null || single[key] is null:
                yield return single;
                break;
        }
    }

    public static AuthFactor ToAuthFactor(JObject o, long userId) => new()
    {
        UserId = userId,
        FactorId = GetLong(o["factor_id"]) ?? GetLong(o["id"]) ?? throw Invalid("factor_id"),
        Name = GetString(o["name"]) ?? string.Empty,
    };

    public static EnrolledAuthFactor ToEnrolledAuthFactor(JObject o, long userId) => new()
    {
        UserId = userId,
        DeviceId = GetLong(o["id"]) ?? GetLong(o["device_id"]) ?? throw Invalid("id"),
        AuthFactorName = GetString(o["auth_factor_name"]),
        TypeDisplayName = GetString(o["type_display_name"]),
        UserDisplayName = GetString(o["user_display_name"]),
        PhoneNumber = GetString(o["phone_number"]),
        Active = GetBool(o["active"]) ?? false,
        Default = GetBool(o["default"]) ?? false,
        NeedsTrigger = GetBool(o["needs_trigger"]) ?? false,
        StateToken = GetString(o["state_token"]),
    };

    private static readonly HashSet<string> s_userFields = new(StringComparer.Ordinal)
    {
        "id", "username", "email", "firstname", "lastname", "status", "state", "company", "department", "title",
        "phone", "last_login", "created_at", "updated_at", "activated_at", "locked_until", "password_changed_at",
        "invalid_login_attempts", "role_ids", "role_id", "group_id", "directory_id", "external_id", "samaccountname",
        "userprincipalname", "distinguished_name", "member_of", "manager_user_id", "manager_ad_id", "trusted_idp_id",
        "comment", "custom_attributes",
    };

    public static OneLoginUser ToUser(JObject o)
    {
        var user = new OneLoginUser
        {
            Id = GetLong(o["id"]) ?? throw Invalid("id"),
            Username = GetString(o["username"]),
            Email = GetString(o["email"]),
            FirstName = GetString(o["firstname"]),
            LastName = GetString(o["lastname"]),
            Status = GetInt(o["status"]) is int status ? (UserStatus)status : null,
            State = GetInt(o["state"]) is int state ? (UserState)state : null,
            Company = GetString(o["company"]),
            Department = GetString(o["department"]),
            Title = GetString(o["title"]),
            Phone = GetString(o["phone"]),
            LastLogin = GetDate(o["last_login"]),
            CreatedAt = GetDate(o["created_at"]),
            UpdatedAt = GetDate(o["updated_at"]),
            ActivatedAt = GetDate(o["activated_at"]),
            LockedUntil = GetDate(o["locked_until"]),
            PasswordChangedAt = GetDate(o["password_changed_at"]),
            InvalidLoginAttempts = GetInt(o["invalid_login_attempts"]),
            RoleIds = GetLongArray(o["role_ids"] ?? o["role_id"]),
            GroupId = GetLong(o["group_id"]),
            DirectoryId = GetLong(o["directory_id"]),
            ExternalId = GetString(o["external_id"]),
            SamAccountName = GetString(o["samaccountname"]),
            UserPrincipalName = GetString(o["userprincipalname"]),
            DistinguishedName = GetString(o["distinguished_name"]),
            MemberOf = GetStringArray(o["member_of"]),
            ManagerUserId = GetLong(o["manager_user_id"]),
            ManagerAdId = GetString(o["manager_ad_id"]),
            TrustedIdpId = GetLong(o["trusted_idp_id"]),
            Comment = GetString(o["comment"]),
        };

        if (o["custom_attributes"] is JObject custom)
        {
            foreach (JProperty p in custom.Properties())
            {
                user.CustomAttributes[p.Name] = ToPlain(p.Value);
            }
        }

        foreach (JProperty p in o.Properties())
        {
            if (!s_userFields.Contains(p.Name))
            {
                user.AdditionalProperties[p.Name] = ToPlain(p.Value);
            }
        }

        return user;
    }

    public static OneLoginRateLimit ToRateLimit(JToken? data, DateTimeOffset now)
    {
        if (data is not JObject o)
        {
            throw Invalid("data");
        }

        int reset = GetInt(Field(o, "X-RateLimit-Reset")) ?? throw Invalid("X-RateLimit-Reset");
        return new OneLoginRateLimit
        {
            Limit = GetInt(Field(o, "X-RateLimit-Limit")) ?? throw Invalid("X-RateLimit-Limit"),
            Remaining = GetInt(Field(o, "X-RateLimit-Remaining")) ?? throw Invalid("X-RateLimit-Remaining"),
            ResetIn = TimeSpan.FromSeconds(reset),
            ResetAt = now.AddSeconds(reset),
        };
    }

    private static JToken? Field(JObject o, string name) =>
        o.GetValue(name, StringComparison.OrdinalIgnoreCase);

    // ---- lenient scalar readers ---------------------------------------------------------------------

    public static string? GetString(JToken? t) => t switch
    {
        null => null,
        { Type: JTokenType.Null or JTokenType.Undefined } => null,
        JValue v when v.Value is IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        JValue v => v.Value?.ToString(),
        _ => t.ToString(Formatting.None),
    };

    public static long? GetLong(JToken? t)
    {
        switch (t?.Type)
        {
            case JTokenType.Integer:
                return t.Value<long>();
            case JTokenType.Float:
                decimal d = t.Value<decimal>();
                return d == decimal.Truncate(d) ? (long)d : null;
            case JTokenType.String:
                return long.TryParse(t.Value<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
            default:
                return null;
        }
    }

    public static int? GetInt(JToken? t) => GetLong(t) is long l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static bool? GetBool(JToken? t) => t?.Type switch
    {
        JTokenType.Boolean => t.Value<bool>(),
        JTokenType.String => bool.TryParse(t.Value<string>(), out bool b) ? b : null,
        JTokenType.Integer => t.Value<long>() != 0,
        _ => null,
    };

    public static DateTimeOffset? GetDate(JToken? t)
    {
        string? s = GetString(t);
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset d)
            ? d
            : null;
    }

    private static long[] GetLongArray(JToken? t)
    {
        if (t is JArray array)
        {
            var list = new List<long>(array.Count);
            foreach (JToken item in array)
            {
                if (GetLong(item) is long l)
                {
                    list.Add(l);
                }
            }

            return list.ToArray();
        }

        return GetLong(t) is long one ? new[] { one } : Array.Empty<long>();
    }

    private static string[] GetStringArray(JToken? t)
    {
        if (t is JArray array)
        {
            var list = new List<string>(array.Count);
            foreach (JToken item in array)
            {
                if (GetString(item) is string s)
                {
                    list.Add(s);
                }
            }

            return list.ToArray();
        }

        return GetString(t) is string one && one.Length > 0 ? new[] { one } : Array.Empty<string>();
    }

    /// <summary>Turns a token into plain .NET values (string, long, decimal, bool, null, dictionary, array).</summary>
    public static object? ToPlain(JToken? t)
    {
        switch (t)
        {
            case null:
                return null;
            case JObject o:
                var dict = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (JProperty p in o.Properties())
                {
                    dict[p.Name] = ToPlain(p.Value);
                }

                return dict;
            case JArray a:
                var items = new object?[a.Count];
                for (int i = 0; i < a.Count; i++)
                {
                    items[i] = ToPlain(a[i]);
                }

                return items;
            case JValue v:
                return v.Type == JTokenType.Null ? null : v.Value;
            default:
                return t.ToString(Formatting.None);
        }
    }

    private static JsonException Invalid(string field) =>
        new($"The response has no usable '{field}' field.");
}

/// <summary>The fields common to every OneLogin error shape.</summary>
internal sealed class ApiError
{
    public int? Code { get; set; }

    public string? Type { get; set; }

    public string? Message { get; set; }

    public string? Attribute { get; set; }
}
