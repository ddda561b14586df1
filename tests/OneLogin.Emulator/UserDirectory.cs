using System.Globalization;
using System.Text.Json;

namespace OneLogin.Emulator;

/// <summary>
/// One generated user. Users are a pure function of (index, seed): nothing is stored, so 100,000 users
/// cost nothing until they are listed.
/// </summary>
internal sealed class UserRecord
{
    public long Id { get; init; }

    public int Index { get; init; }

    public required string FirstName { get; init; }

    public required string LastName { get; init; }

    public required string Email { get; init; }

    public required string Username { get; init; }

    public required string Phone { get; init; }

    public required string Company { get; init; }

    public required string Department { get; init; }

    public required string Title { get; init; }

    public required string Comment { get; init; }

    public int Status { get; init; }

    public int State { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ActivatedAt { get; init; }

    public DateTimeOffset? LastLogin { get; init; }

    public DateTimeOffset? InvitationSentAt { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    public DateTimeOffset? PasswordChangedAt { get; init; }

    public int InvalidLoginAttempts { get; init; }

    public IReadOnlyList<long> RoleIds { get; init; } = [];

    public long? GroupId { get; init; }

    public long? DirectoryId { get; init; }

    public string? ExternalId { get; init; }

    public string? SamAccountName { get; init; }

    public string? UserPrincipalName { get; init; }

    public string? DistinguishedName { get; init; }

    public string? MemberOf { get; init; }

    /// <summary>null, a number, or (for a few users) a string: the real API sends both.</summary>
    public object? ManagerUserId { get; init; }

    public string? PreferredLocaleCode { get; init; }

    public bool HasNotes { get; init; }

    public string? EmployeeNumber { get; init; }

    public string? CostCenter { get; init; }

    /// <summary>Value of a filterable/sortable field, as text (null when the field is null).</summary>
    public string? FieldText(string field) => field switch
    {
        "id" => Id.ToString(CultureInfo.InvariantCulture),
        "email" => Email,
        "username" => Username,
        "firstname" => FirstName,
        "lastname" => LastName,
        "phone" => Phone,
        "company" => Company,
        "department" => Department,
        "title" => Title,
        "comment" => Comment,
        "samaccountname" => SamAccountName,
        "userprincipalname" => UserPrincipalName,
        "distinguished_name" => DistinguishedName,
        "member_of" => MemberOf,
        "external_id" => ExternalId,
        "directory_id" => DirectoryId?.ToString(CultureInfo.InvariantCulture),
        "group_id" => GroupId?.ToString(CultureInfo.InvariantCulture),
        "status" => Status.ToString(CultureInfo.InvariantCulture),
        "state" => State.ToString(CultureInfo.InvariantCulture),
        "manager_user_id" => ManagerUserId?.ToString(),
        "preferred_locale_code" => PreferredLocaleCode,
        "invalid_login_attempts" => InvalidLoginAttempts.ToString(CultureInfo.InvariantCulture),
        "created_at" => Iso(CreatedAt),
        "updated_at" => Iso(UpdatedAt),
        "activated_at" => ActivatedAt is { } a ? Iso(a) : null,
        "last_login" => LastLogin is { } l ? Iso(l) : null,
        "invitation_sent_at" => InvitationSentAt is { } s ? Iso(s) : null,
        "locked_until" => LockedUntil is { } u ? Iso(u) : null,
        "password_changed_at" => PasswordChangedAt is { } p ? Iso(p) : null,
        _ => null,
    };

    public string? CustomAttribute(string name) => name switch
    {
        "employeenumber" => EmployeeNumber,
        "cost_center" => CostCenter,
        _ => null,
    };

    public static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes the v2 user object (reference §5.3): every field, nulls included.</summary>
    public void WriteV2(Utf8JsonWriter w, ISet<string>? fields)
    {
        bool Want(string name) => fields is null || name == "id" || fields.Contains(name);

        w.WriteStartObject();
        if (Want("activated_at"))
        {
            WriteDate(w, "activated_at", ActivatedAt);
        }

        if (Want("distinguished_name"))
        {
            WriteString(w, "distinguished_name", DistinguishedName);
        }

        if (Want("external_id"))
        {
            WriteString(w, "external_id", ExternalId);
        }

        if (Want("firstname"))
        {
            w.WriteString("firstname", FirstName);
        }

        if (Want("last_login"))
        {
            WriteDate(w, "last_login", LastLogin);
        }

        if (Want("lastname"))
        {
            w.WriteString("lastname", LastName);
        }

        if (Want("company"))
        {
            w.WriteString("company", Company);
        }

        if (Want("directory_id"))
        {
            WriteNumber(w, "directory_id", DirectoryId);
        }

        if (Want("invitation_sent_at"))
        {
            WriteDate(w, "invitation_sent_at", InvitationSentAt);
        }

        if (Want("member_of"))
        {
            WriteString(w, "member_of", MemberOf);
        }

        if (Want("updated_at"))
        {
            w.WriteString("updated_at", Iso(UpdatedAt));
        }

        if (Want("preferred_locale_code"))
        {
            WriteString(w, "preferred_locale_code", PreferredLocaleCode);
        }

        if (Want("created_at"))
        {
            w.WriteString("created_at", Iso(CreatedAt));
        }

        if (Want("userprincipalname"))
        {
            WriteString(w, "userprincipalname", UserPrincipalName);
        }

        if (Want("trusted_idp_id"))
        {
            w.WriteNull("trusted_idp_id");
        }

        if (Want("comment"))
        {
            w.WriteString("comment", Comment);
        }

        if (Want("title"))
        {
            w.WriteString("title", Title);
        }

        if (Want("role_ids"))
        {
            w.WriteStartArray("role_ids");
            foreach (var role in RoleIds)
            {
                w.WriteNumberValue(role);
            }

            w.WriteEndArray();
        }

        if (Want("department"))
        {
            w.WriteString("department", Department);
        }

        w.WriteNumber("id", Id);
        if (Want("custom_attributes"))
        {
            w.WriteStartObject("custom_attributes");
            WriteString(w, "employeenumber", EmployeeNumber);
            WriteString(w, "cost_center", CostCenter);
            w.WriteEndObject();
        }

        if (Want("invalid_login_attempts"))
        {
            w.WriteNumber("invalid_login_attempts", InvalidLoginAttempts);
        }

        if (Want("manager_user_id"))
        {
            switch (ManagerUserId)
            {
                case long n:
                    w.WriteNumber("manager_user_id", n);
                    break;
                case string s:
                    w.WriteString("manager_user_id", s);
                    break;
                default:
                    w.WriteNull("manager_user_id");
                    break;
            }
        }

        if (Want("locked_until"))
        {
            WriteDate(w, "locked_until", LockedUntil);
        }

        if (Want("username"))
        {
            w.WriteString("username", Username);
        }

        if (Want("manager_ad_id"))
        {
            w.WriteNull("manager_ad_id");
        }

        if (Want("email"))
        {
            w.WriteString("email", Email);
        }

        if (Want("phone"))
        {
            w.WriteString("phone", Phone);
        }

        if (Want("state"))
        {
            w.WriteNumber("state", State);
        }

        if (Want("group_id"))
        {
            WriteNumber(w, "group_id", GroupId);
        }

        if (Want("password_changed_at"))
        {
            WriteDate(w, "password_changed_at", PasswordChangedAt);
        }

        if (Want("status"))
        {
            w.WriteNumber("status", Status);
        }

        if (Want("samaccountname"))
        {
            WriteString(w, "samaccountname", SamAccountName);
        }

        if (HasNotes && Want("notes"))
        {
            // An extra field some tenants return (the v1 doc sample shows it); clients must tolerate it.
            w.WriteNull("notes");
        }

        w.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, Iso(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

/// <summary>Deterministic user generator: ids FirstUserId .. FirstUserId + Count - 1.</summary>
internal sealed class UserDirectory
{
    private static readonly string[] s_firstNames =
    [
        "Kelly", "Mick", "Stephanie", "Carissa", "Layne", "Andy", "Sally", "John", "Lisa", "Tom",
        "Maya", "Ravi", "Ingrid", "Jonas", "Aiko", "Kenji", "Fatima", "Omar", "Zoe", "Lucas",
        "Emma", "Noah", "Olivia", "Liam", "Ava", "Ethan", "Mia", "Mason", "Chloe", "Logan",
        "Grace", "Henry", "Nora", "Owen", "Ruby", "Felix", "Clara", "Hugo", "Ivy", "Leo",
        "Anya", "Mateo", "Priya", "Sven", "Yara", "Diego", "Elena", "Tariq", "Wen", "Bjorn",
        "Amara", "Ciaran", "Dalia", "Emil", "Freya", "Gustav", "Hana", "Ismael", "Jade", "Kofi",
        "Lena", "Marco", "Nia", "Pablo",
    ];

    private static readonly string[] s_lastNames =
    [
        "Slater", "Fanning", "Gilmore", "Moore", "Beachley", "Irons", "Fitzgibbons", "Florence", "Andersen", "Curren",
        "Gabeira", "Patel", "Larsen", "Berg", "Tanaka", "Sato", "Haddad", "Khan", "Martin", "Silva",
        "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts",
        "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
        "Harris", "Lewis", "Clarke", "Jackson", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward",
        "Nguyen", "Kowalski", "Novak", "Rossi", "Dubois", "Muller", "Schmidt", "Garcia", "Lopez", "Kim",
        "Okafor", "Mensah", "Ivanova", "Costa",
    ];

    private static readonly string[] s_departments = ["Engineering", "Sales", "Marketing", "Finance", "Support", "Operations", "Legal", "HR"];

    private static readonly string[] s_titles = ["Engineer", "Manager", "Analyst", "Director", "Specialist", "Consultant", "Associate", ""];

    private static readonly DateTimeOffset s_epoch = new(2016, 1, 4, 9, 0, 0, TimeSpan.Zero);

    public UserDirectory(long firstUserId, int count, int seed)
    {
        FirstUserId = firstUserId;
        Count = count;
        Seed = seed;
    }

    public long FirstUserId { get; }

    public int Count { get; }

    public int Seed { get; }

    public bool Exists(long id) => id >= FirstUserId && id < FirstUserId + Count;

    public UserRecord? Find(long id) => Exists(id) ? Build((int)(id - FirstUserId)) : null;

    public UserRecord Build(int index)
    {
        var id = FirstUserId + index;
        var h = Mix(index, 1);
        var first = s_firstNames[(int)(h % (ulong)s_firstNames.Length)];
        var last = s_lastNames[(int)(Mix(index, 2) % (ulong)s_lastNames.Length)];
        var login = (first + "." + last).ToLowerInvariant();
        var status = (index % 20) switch
        {
            7 => 0,
            13 => 3,
            17 => 2,
            19 => 4,
            _ => 1,
        };
        var created = s_epoch.AddMinutes(index * 37L).AddMilliseconds((double)(Mix(index, 3) % 1000));
        var updated = created.AddSeconds((double)(Mix(index, 4) % (86_400UL * 400)));
        DateTimeOffset? lastLogin = index % 5 == 4 || status == 0 ? null : updated.AddSeconds(-(double)(Mix(index, 5) % 86_400));
        var inDirectory = index % 4 == 0;
        var hasPhone = index % 3 == 0;
        object? manager = (index % 25) switch
        {
            3 => FirstUserId.ToString(CultureInfo.InvariantCulture),
            _ when index % 5 == 1 && index > 0 => FirstUserId,
            _ => null,
        };

        return new UserRecord
        {
            Id = id,
            Index = index,
            FirstName = first,
            LastName = last,
            Email = $"{login}{id.ToString(CultureInfo.InvariantCulture)}@example.com",
            Username = login + id.ToString(CultureInfo.InvariantCulture),
            Phone = hasPhone ? "+1555" + (id % 10_000_000).ToString("D7", CultureInfo.InvariantCulture) : string.Empty,
            Company = "Example Corp",
            Department = s_departments[(int)(Mix(index, 6) % (ulong)s_departments.Length)],
            Title = s_titles[(int)(Mix(index, 7) % (ulong)s_titles.Length)],
            Comment = string.Empty,
            Status = status,
            State = index % 33 == 5 ? 0 : 1,
            CreatedAt = created,
            UpdatedAt = updated,
            ActivatedAt = status == 0 ? null : created.AddMinutes(3),
            LastLogin = lastLogin,
            InvitationSentAt = index % 2 == 0 ? created.AddSeconds(-20) : null,
            LockedUntil = status == 3 ? updated.AddHours(1) : null,
            PasswordChangedAt = status == 0 ? null : created.AddDays(1),
            InvalidLoginAttempts = status == 3 ? 3 : (int)(Mix(index, 8) % 3),
            RoleIds = (index % 4) switch
            {
                0 => [],
                1 => [199848L],
                2 => [199848L, 272445L],
                _ => [272445L],
            },
            GroupId = index % 6 == 0 ? 480001 : null,
            DirectoryId = inDirectory ? 5001 : null,
            ExternalId = inDirectory ? "ext-" + id.ToString(CultureInfo.InvariantCulture) : null,
            SamAccountName = inDirectory ? login + id.ToString(CultureInfo.InvariantCulture) : null,
            UserPrincipalName = inDirectory ? $"{login}{id.ToString(CultureInfo.InvariantCulture)}@corp.example.com" : null,
            DistinguishedName = inDirectory ? $"CN={first} {last},OU=Users,DC=corp,DC=example,DC=com" : null,
            MemberOf = inDirectory ? "CN=Staff,OU=Groups,DC=corp,DC=example,DC=com" : null,
            ManagerUserId = manager,
            PreferredLocaleCode = index % 9 == 2 ? "en" : null,
            HasNotes = index % 7 == 3,
            EmployeeNumber = index % 8 == 7 ? null : "E" + id.ToString(CultureInfo.InvariantCulture),
            CostCenter = index % 4 == 3 ? null : "CC-" + (index % 10).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Cheap deterministic hash of (index, seed, salt) (splitmix64 finaliser).</summary>
    public ulong Mix(int index, int salt)
    {
        var z = unchecked((ulong)index * 0x9E3779B97F4A7C15UL + ((ulong)(uint)Seed << 32) + (ulong)salt * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
