using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace OneLogin.Emulator;

/// <summary>Thrown for a bad /api/2/users query; becomes a v2 error body.</summary>
internal sealed class QueryException : Exception
{
    public QueryException()
    {
    }

    public QueryException(string message)
        : base(message)
    {
    }

    public QueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QueryException(int statusCode, string errorName, string message, string? field = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorName = errorName;
        Field = field;
    }

    public int StatusCode { get; } = 400;

    public string ErrorName { get; } = "BadRequestError";

    public string? Field { get; }
}

internal sealed class UsersPage
{
    public required IReadOnlyList<UserRecord> Items { get; init; }

    public int Total { get; init; }

    public int Limit { get; init; }

    public int Page { get; init; }

    public ISet<string>? Fields { get; init; }

    public int TotalPages => Total == 0 ? 0 : (Total + Limit - 1) / Limit;
}

/// <summary>GET /api/2/users: filters, sort, fields, limit/page/cursor (reference §5.3).</summary>
internal static class UsersQuery
{
    public const int MaxLimit = 50;

    private static readonly string[] s_stringFilters =
        ["email", "username", "firstname", "lastname", "samaccountname", "directory_id", "external_id"];

    private static readonly string[] s_numericSortFields =
        ["id", "status", "state", "directory_id", "group_id", "invalid_login_attempts", "manager_user_id"];

    private static readonly HashSet<string> s_sortableFields = new(StringComparer.Ordinal)
    {
        "id", "email", "username", "firstname", "lastname", "phone", "company", "department", "title", "comment",
        "samaccountname", "userprincipalname", "distinguished_name", "member_of", "external_id", "directory_id",
        "group_id", "status", "state", "manager_user_id", "preferred_locale_code", "invalid_login_attempts",
        "created_at", "updated_at", "activated_at", "last_login", "invitation_sent_at", "locked_until",
        "password_changed_at",
    };

    public static string Cursor(int limit, int page) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"limit={limit}&page={page}")));

    public static ISet<string>? ParseFields(IQueryCollection query)
    {
        var raw = First(query, "fields");
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        return new HashSet<string>(
            raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()),
            StringComparer.Ordinal);
    }

    public static UsersPage Run(UserDirectory users, IQueryCollection query)
    {
        var (limit, page) = ParsePaging(query);
        var predicates = BuildPredicates(query, out var userIds);
        var sort = ParseSort(query);
        var fields = ParseFields(query);

        // Candidate indices, ascending by id.
        IEnumerable<int> candidates;
        int candidateCount;
        if (userIds is not null)
        {
            var list = userIds.Where(users.Exists).Select(id => (int)(id - users.FirstUserId)).Distinct().Order().ToList();
            candidates = list;
            candidateCount = list.Count;
        }
        else
        {
            candidates = Enumerable.Range(0, users.Count);
            candidateCount = users.Count;
        }

        var skip = (long)(page - 1) * limit;
        if (predicates.Count == 0 && sort is null)
        {
            // Fast path: no need to build users outside the page.
            var items = candidates.Skip((int)Math.Min(skip, int.MaxValue)).Take(limit).Select(users.Build).ToList();
            return new UsersPage { Items = items, Total = candidateCount, Limit = limit, Page = page, Fields = fields };
        }

        if (sort is null)
        {
            // Stream through the candidates, keep only the requested page.
            var items = new List<UserRecord>(limit);
            var matched = 0;
            foreach (var index in candidates)
            {
                var user = users.Build(index);
                if (!Matches(user, predicates))
                {
                    continue;
                }

                if (matched >= skip && items.Count < limit)
                {
                    items.Add(user);
                }

                matched++;
            }

            return new UsersPage { Items = items, Total = matched, Limit = limit, Page = page, Fields = fields };
        }

        // Sorted: keep (key, index) pairs only, then build the page.
        var (field, descending) = sort.Value;
        var numeric = s_numericSortFields.Contains(field);
        var keys = new List<(string? Key, decimal Number, int Index)>();
        foreach (var index in candidates)
        {
            var user = users.Build(index);
            if (!Matches(user, predicates))
            {
                continue;
            }

            var text = user.FieldText(field);
            decimal number = 0;
            if (numeric && text is not null)
            {
                _ = decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out number);
            }

            keys.Add((text, number, index));
        }

        keys.Sort((a, b) =>
        {
            // Nulls last in both directions; ties by id ascending.
            int c;
            if (a.Key is null || b.Key is null)
            {
                c = a.Key is null ? (b.Key is null ? 0 : 1) : -1;
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            }

            c = numeric ? a.Number.CompareTo(b.Number) : string.Compare(a.Key, b.Key, StringComparison.OrdinalIgnoreCase);
            if (descending)
            {
                c = -c;
            }

            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        var pageItems = keys.Skip((int)Math.Min(skip, int.MaxValue)).Take(limit).Select(k => users.Build(k.Index)).ToList();
        return new UsersPage { Items = pageItems, Total = keys.Count, Limit = limit, Page = page, Fields = fields };
    }

    private static (int Limit, int Page) ParsePaging(IQueryCollection query)
    {
        var cursor = First(query, "cursor");
        var hasLimit = query.ContainsKey("limit");
        var hasPage = query.ContainsKey("page");
        if (!string.IsNullOrEmpty(cursor))
        {
            if (hasLimit || hasPage)
            {
                // Our wording: the real message is not documented (terraform-provider-onelogin#196 reports the rule).
                throw new QueryException(400, "BadRequestError", "Requests can only have cursor xor pagination arguments");
            }

            string decoded;
            try
            {
                // A '+' in an unescaped cursor arrives as a space.
                decoded = Encoding.ASCII.GetString(Convert.FromBase64String(cursor.Replace(' ', '+')));
            }
            catch (FormatException)
            {
                throw new QueryException(400, "BadRequestError", "Invalid cursor"); // our wording
            }

            int? limitFromCursor = null;
            int? pageFromCursor = null;
            foreach (var part in decoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = part.Split('=', 2);
                if (kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    if (kv[0] == "limit")
                    {
                        limitFromCursor = n;
                    }
                    else if (kv[0] == "page")
                    {
                        pageFromCursor = n;
                    }
                }
            }

            if (limitFromCursor is null || pageFromCursor is null || limitFromCursor < 1 || pageFromCursor < 1)
            {
                throw new QueryException(400, "BadRequestError", "Invalid cursor"); // our wording
            }

            return (Math.Min(limitFromCursor.Value, MaxLimit), pageFromCursor.Value);
        }

        var limit = ParsePositive(query, "limit", MaxLimit);
        var page = ParsePositive(query, "page", 1);
        return (Math.Min(limit, MaxLimit), page);
    }

    private static int ParsePositive(IQueryCollection query, string name, int fallback)
    {
        var raw = First(query, name);
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            throw new QueryException(400, "BadRequestError", $"{name} must be a positive integer"); // our wording
        }

        return n;
    }

    private static (string Field, bool Descending)? ParseSort(IQueryCollection query)
    {
        var raw = First(query, "sort");
        if (raw is null)
        {
            return null;
        }

        // "+firstname" sent unescaped arrives as " firstname".
        var trimmed = raw.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var descending = false;
        if (trimmed[0] is '+' or '-')
        {
            descending = trimmed[0] == '-';
            trimmed = trimmed[1..].Trim();
        }

        var field = trimmed.ToLowerInvariant();
        if (!s_sortableFields.Contains(field))
        {
            // Shape from OneLogin's python SDK test fixtures (reference §8).
            throw new QueryException(422, "UnprocessableEntityFieldError", "Invalid sort field: " + trimmed, trimmed);
        }

        return (field, descending);
    }

    private static List<Func<UserRecord, bool>> BuildPredicates(IQueryCollection query, out HashSet<long>? userIds)
    {
        var predicates = new List<Func<UserRecord, bool>>();
        userIds = null;

        foreach (var name in s_stringFilters)
        {
            var raw = First(query, name);
            if (!string.IsNullOrEmpty(raw))
            {
                var pattern = raw;
                predicates.Add(u => Pattern(u.FieldText(name), pattern));
            }
        }

        foreach (var key in query.Keys)
        {
            if (key.StartsWith("custom_attributes.", StringComparison.OrdinalIgnoreCase) && key.Length > "custom_attributes.".Length)
            {
                var attribute = key["custom_attributes.".Length..].ToLowerInvariant();
                var raw = First(query, key);
                if (!string.IsNullOrEmpty(raw))
                {
                    predicates.Add(u => Pattern(u.CustomAttribute(attribute), raw));
                }
            }
        }

        var ids = First(query, "user_ids");
        if (!string.IsNullOrEmpty(ids))
        {
            userIds = [];
            foreach (var part in ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw new QueryException(400, "BadRequestError", "user_ids must be a comma-separated list of integers"); // our wording
                }

                userIds.Add(id);
            }
        }

        AddDate(query, predicates, "created_since", u => u.CreatedAt, since: true);
        AddDate(query, predicates, "created_until", u => u.CreatedAt, since: false);
        AddDate(query, predicates, "updated_since", u => u.UpdatedAt, since: true);
        AddDate(query, predicates, "updated_until", u => u.UpdatedAt, since: false);
        AddDate(query, predicates, "last_login_since", u => u.LastLogin, since: true);
        AddDate(query, predicates, "last_login_until", u => u.LastLogin, since: false);
        return predicates;
    }

    private static void AddDate(IQueryCollection query, List<Func<UserRecord, bool>> predicates, string name, Func<UserRecord, DateTimeOffset?> selector, bool since)
    {
        var raw = First(query, name);
        if (string.IsNullOrEmpty(raw))
        {
            return;
        }

        // '+' in an unescaped offset arrives as a space.
        if (!DateTimeOffset.TryParse(raw.Replace(' ', '+'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var bound))
        {
            throw new QueryException(400, "BadRequestError", $"{name} must be an ISO-8601 date-time"); // our wording
        }

        predicates.Add(u => selector(u) is { } value && (since ? value >= bound : value <= bound));
    }

    private static bool Matches(UserRecord user, List<Func<UserRecord, bool>> predicates)
    {
        foreach (var predicate in predicates)
        {
            if (!predicate(user))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Case-insensitive match with '*' wildcards and a leading '!' for negation (reference §5.1, §5.3).</summary>
    internal static bool Pattern(string? value, string pattern)
    {
        var negate = pattern.StartsWith('!');
        if (negate)
        {
            pattern = pattern[1..];
        }

        var matched = value is not null && Glob(value, pattern);
        return negate ? !matched : matched;
    }

    private static bool Glob(string value, string pattern)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);
        }

        var parts = pattern.Split('*');
        var position = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                continue;
            }

            if (i == 0)
            {
                if (!value.StartsWith(part, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                position = part.Length;
                continue;
            }

            if (i == parts.Length - 1)
            {
                return value.Length - part.Length >= position && value.EndsWith(part, StringComparison.OrdinalIgnoreCase);
            }

            var found = value.IndexOf(part, position, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            position = found + part.Length;
        }

        return true;
    }

    internal static string? First(IQueryCollection query, string name) =>
        query.TryGetValue(name, out StringValues values) && values.Count > 0 ? values[0] : null;
}
