using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OneLogin.Emulator;

/// <summary>Raised for a bad command line, config file or control-endpoint setting.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Settings that can change while the emulator runs (POST /__emulator/config). Instances are treated as
/// immutable snapshots: a change clones, edits and swaps the whole object.
/// </summary>
internal sealed class RuntimeSettings
{
    public const int MaxMfaTokenExpiresIn = 259200;

    public int LatencyMs { get; set; }

    public int RateLimit { get; set; } = 5000;

    public int RateWindowSeconds { get; set; } = 3600;

    public bool MeterV2 { get; set; }

    /// <summary>"429" (default) or "400".</summary>
    public string LimitResponse { get; set; } = "429";

    public bool RetryAfter { get; set; } = true;

    public int FailEveryN { get; set; }

    public int FailStatus { get; set; } = 503;

    public int ResetEveryN { get; set; }

    public int Burst429EveryN { get; set; }

    public int TokenLifetimeSeconds { get; set; } = 36000;

    public IReadOnlySet<long> HtmlUserIds { get; set; } = new HashSet<long>();

    public IReadOnlySet<long> TruncatedUserIds { get; set; } = new HashSet<long>();

    public int MfaTokenStatus { get; set; } = 201;

    public int WrongOtpStatus { get; set; } = 401;

    public RuntimeSettings Clone()
    {
        var copy = (RuntimeSettings)MemberwiseClone();
        copy.HtmlUserIds = new HashSet<long>(HtmlUserIds);
        copy.TruncatedUserIds = new HashSet<long>(TruncatedUserIds);
        return copy;
    }

    /// <summary>
    /// Applies one camelCase key. Returns false when the key is not a runtime setting.
    /// Throws <see cref="SettingsException"/> for a bad value.
    /// </summary>
    public bool TryApply(string key, JsonElement value, out bool rateChanged)
    {
        rateChanged = false;
        switch (key.ToUpperInvariant())
        {
            case "LATENCYMS":
                LatencyMs = ReadInt(key, value, 0, 600_000);
                return true;
            case "RATELIMIT":
                RateLimit = ReadInt(key, value, 0, int.MaxValue);
                rateChanged = true;
                return true;
            case "RATEWINDOWSECONDS":
                RateWindowSeconds = ReadInt(key, value, 1, int.MaxValue);
                rateChanged = true;
                return true;
            case "METERV2":
                MeterV2 = ReadBool(key, value);
                return true;
            case "LIMITRESPONSE":
                var limit = value.ValueKind == JsonValueKind.Number
                    ? value.GetRawText()
                    : value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
                if (limit != "429" && limit != "400")
                {
                    throw new SettingsException($"{key} must be \"429\" or \"400\".");
                }

                LimitResponse = limit;
                return true;
            case "RETRYAFTER":
                RetryAfter = ReadBool(key, value);
                return true;
            case "FAILEVERYN":
                FailEveryN = ReadInt(key, value, 0, int.MaxValue);
                return true;
            case "FAILSTATUS":
                FailStatus = ReadInt(key, value, 100, 599);
                return true;
            case "RESETEVERYN":
                ResetEveryN = ReadInt(key, value, 0, int.MaxValue);
                return true;
            case "BURST429EVERYN":
                Burst429EveryN = ReadInt(key, value, 0, int.MaxValue);
                return true;
            case "TOKENLIFETIMESECONDS":
                TokenLifetimeSeconds = ReadInt(key, value, 1, int.MaxValue);
                return true;
            case "HTMLUSERIDS":
                HtmlUserIds = ReadIdSet(key, value);
                return true;
            case "TRUNCATEDUSERIDS":
                TruncatedUserIds = ReadIdSet(key, value);
                return true;
            case "MFATOKENSTATUS":
                MfaTokenStatus = ReadInt(key, value, 200, 201);
                return true;
            case "WRONGOTPSTATUS":
                var wrong = ReadInt(key, value, 400, 401);
                WrongOtpStatus = wrong;
                return true;
            default:
                return false;
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("latencyMs", LatencyMs);
        w.WriteNumber("rateLimit", RateLimit);
        w.WriteNumber("rateWindowSeconds", RateWindowSeconds);
        w.WriteBoolean("meterV2", MeterV2);
        w.WriteString("limitResponse", LimitResponse);
        w.WriteBoolean("retryAfter", RetryAfter);
        w.WriteNumber("failEveryN", FailEveryN);
        w.WriteNumber("failStatus", FailStatus);
        w.WriteNumber("resetEveryN", ResetEveryN);
        w.WriteNumber("burst429EveryN", Burst429EveryN);
        w.WriteNumber("tokenLifetimeSeconds", TokenLifetimeSeconds);
        w.WriteStartArray("htmlUserIds");
        foreach (var id in HtmlUserIds.Order())
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
        w.WriteStartArray("truncatedUserIds");
        foreach (var id in TruncatedUserIds.Order())
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
        w.WriteNumber("mfaTokenStatus", MfaTokenStatus);
        w.WriteNumber("wrongOtpStatus", WrongOtpStatus);
        w.WriteEndObject();
    }

    internal static int ReadInt(string key, JsonElement value, int min, int max)
    {
        long parsed;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out parsed))
        {
        }
        else if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out parsed))
        {
        }
        else
        {
            throw new SettingsException($"{key} must be an integer.");
        }

        if (parsed < min || parsed > max)
        {
            throw new SettingsException($"{key} must be between {min} and {max}.");
        }

        return (int)parsed;
    }

    internal static long ReadLong(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            return n;
        }

        if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        throw new SettingsException($"{key} must be an integer.");
    }

    private static bool ReadBool(string key, JsonElement value)
    {
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
            _ => throw new SettingsException($"{key} must be true or false."),
        };
    }

    private static HashSet<long> ReadIdSet(string key, JsonElement value)
    {
        var set = new HashSet<long>();
        if (value.ValueKind == JsonValueKind.Null)
        {
            return set;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SettingsException($"{key} must be an array of user ids.");
        }

        foreach (var item in value.EnumerateArray())
        {
            set.Add(ReadLong(key, item));
        }

        return set;
    }
}

/// <summary>One API credential pair. All three share one account (and so one rate budget).</summary>
internal sealed record ApiClient(string ClientId, string ClientSecret, ClientScope Scope);

internal enum ClientScope
{
    ManageAll,
    ReadUsers,
    AuthenticationOnly,
}

/// <summary>Settings fixed for the life of the process: command line and --config file.</summary>
internal sealed class StartupOptions
{
    public int Port { get; set; }

    public int Users { get; set; } = 100;

    public long FirstUserId { get; set; } = 100001;

    public int Seed { get; set; }

    public long AccountId { get; set; } = 189185;

    public int? ParentPid { get; set; }

    public string ClientId { get; set; } = DefaultCredential("manage-all-client-id");

    public string ClientSecret { get; set; } = DefaultCredential("manage-all-client-secret");

    public string ReadOnlyClientId { get; set; } = DefaultCredential("read-users-client-id");

    public string ReadOnlyClientSecret { get; set; } = DefaultCredential("read-users-client-secret");

    public string AuthOnlyClientId { get; set; } = DefaultCredential("authentication-only-client-id");

    public string AuthOnlyClientSecret { get; set; } = DefaultCredential("authentication-only-client-secret");

    public RuntimeSettings Runtime { get; } = new();

    public static StartupOptions Parse(IReadOnlyList<string> args)
    {
        // The --config file is applied first so that explicit command-line options win over it.
        var pairs = new List<(string Name, string Value)>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new SettingsException($"Unexpected argument '{arg}'. Options look like --name value.");
            }

            string name;
            string value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[2..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Count)
                {
                    throw new SettingsException($"Option --{name} needs a value.");
                }

                value = args[++i];
            }

            pairs.Add((name.ToUpperInvariant(), value));
        }

        var options = new StartupOptions();
        foreach (var (name, value) in pairs.Where(p => p.Name == "CONFIG"))
        {
            options.ApplyConfigFile(value);
        }

        foreach (var (name, value) in pairs.Where(p => p.Name != "CONFIG"))
        {
            options.ApplyOption(name, value);
        }

        return options;
    }

    public IReadOnlyList<ApiClient> Clients() =>
    [
        new ApiClient(ClientId, ClientSecret, ClientScope.ManageAll),
        new ApiClient(ReadOnlyClientId, ReadOnlyClientSecret, ClientScope.ReadUsers),
        new ApiClient(AuthOnlyClientId, AuthOnlyClientSecret, ClientScope.AuthenticationOnly),
    ];

    private static string DefaultCredential(string purpose)
    {
        // Deterministic 64-lowercase-hex values so that scripts can hard-code them if they wish.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("OneLogin.Emulator/" + purpose));
        return Convert.ToHexStringLower(hash);
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new SettingsException($"--{name.ToLowerInvariant()} must be an integer between {min} and {max}.");
        }

        return n;
    }

    private void ApplyOption(string name, string value)
    {
        switch (name)
        {
            case "PORT":
                Port = ParseInt(name, value, 0, 65535);
                break;
            case "USERS":
                Users = ParseInt(name, value, 0, 10_000_000);
                break;
            case "FIRST-USER-ID":
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var first) || first < 1)
                {
                    throw new SettingsException("--first-user-id must be a positive integer.");
                }

                FirstUserId = first;
                break;
            case "SEED":
                Seed = ParseInt(name, value, int.MinValue, int.MaxValue);
                break;
            case "PARENT-PID":
                ParentPid = ParseInt(name, value, 1, int.MaxValue);
                break;
            case "ACCOUNT-ID":
                AccountId = ParseInt(name, value, 1, int.MaxValue);
                break;
            case "LATENCY-MS":
                Runtime.LatencyMs = ParseInt(name, value, 0, 600_000);
                break;
            case "RATE-LIMIT":
                Runtime.RateLimit = ParseInt(name, value, 0, int.MaxValue);
                break;
            case "RATE-WINDOW":
            case "RATE-WINDOW-SECONDS":
                Runtime.RateWindowSeconds = ParseInt(name, value, 1, int.MaxValue);
                break;
            case "TOKEN-LIFETIME":
            case "TOKEN-LIFETIME-SECONDS":
                Runtime.TokenLifetimeSeconds = ParseInt(name, value, 1, int.MaxValue);
                break;
            case "CLIENT-ID":
                ClientId = CheckCredential(name, value);
                break;
            case "CLIENT-SECRET":
                ClientSecret = CheckCredential(name, value);
                break;
            case "READ-ONLY-CLIENT-ID":
                ReadOnlyClientId = CheckCredential(name, value);
                break;
            case "READ-ONLY-CLIENT-SECRET":
                ReadOnlyClientSecret = CheckCredential(name, value);
                break;
            case "AUTH-ONLY-CLIENT-ID":
                AuthOnlyClientId = CheckCredential(name, value);
                break;
            case "AUTH-ONLY-CLIENT-SECRET":
                AuthOnlyClientSecret = CheckCredential(name, value);
                break;
            default:
                throw new SettingsException($"Unknown option --{name.ToLowerInvariant()}.");
        }
    }

    private static string CheckCredential(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace) || value.Contains(',', StringComparison.Ordinal))
        {
            throw new SettingsException($"{name.ToLowerInvariant()} must be a non-empty value without spaces or commas.");
        }

        return value;
    }

    private void ApplyConfigFile(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new SettingsException($"Cannot read --config file '{path}': {ex.Message}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SettingsException("The --config file must hold a JSON object.");
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (Runtime.TryApply(property.Name, property.Value, out _))
                {
                    continue;
                }

                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : property.Value.GetRawText();
                var option = property.Name.ToUpperInvariant() switch
                {
                    "PORT" => "PORT",
                    "USERS" => "USERS",
                    "FIRSTUSERID" => "FIRST-USER-ID",
                    "SEED" => "SEED",
                    "ACCOUNTID" => "ACCOUNT-ID",
                    "CLIENTID" => "CLIENT-ID",
                    "CLIENTSECRET" => "CLIENT-SECRET",
                    "READONLYCLIENTID" => "READ-ONLY-CLIENT-ID",
                    "READONLYCLIENTSECRET" => "READ-ONLY-CLIENT-SECRET",
                    "AUTHONLYCLIENTID" => "AUTH-ONLY-CLIENT-ID",
                    "AUTHONLYCLIENTSECRET" => "AUTH-ONLY-CLIENT-SECRET",
                    _ => throw new SettingsException($"Unknown key '{property.Name}' in --config file."),
                };
                ApplyOption(option, text);
            }
        }
    }
}
