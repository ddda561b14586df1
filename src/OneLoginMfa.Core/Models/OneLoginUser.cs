using System;
using System.Collections.Generic;

namespace OneLoginMfa;

/// <summary>A OneLogin user (GET /api/2/users). Fields the API adds later land in <see cref="AdditionalProperties"/>.</summary>
public sealed class OneLoginUser
{
    /// <summary>The user id. Bound by property name to every -UserId parameter (alias Id).</summary>
    public long Id { get; set; }

    /// <summary>The user name.</summary>
    public string? Username { get; set; }

    /// <summary>The e-mail address.</summary>
    public string? Email { get; set; }

    /// <summary>The first name (wire: firstname).</summary>
    public string? FirstName { get; set; }

    /// <summary>The last name (wire: lastname).</summary>
    public string? LastName { get; set; }

    /// <summary>The account status.</summary>
    public UserStatus? Status { get; set; }

    /// <summary>The approval state.</summary>
    public UserState? State { get; set; }

    /// <summary>Company.</summary>
    public string? Company { get; set; }

    /// <summary>Department.</summary>
    public string? Department { get; set; }

    /// <summary>Job title.</summary>
    public string? Title { get; set; }

    /// <summary>Phone number.</summary>
    public string? Phone { get; set; }

    /// <summary>Last successful login.</summary>
    public DateTimeOffset? LastLogin { get; set; }

    /// <summary>When the user was created.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the user was last updated.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>When the user was activated.</summary>
    public DateTimeOffset? ActivatedAt { get; set; }

    /// <summary>The end of a lockout, if locked.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>When the password was last changed.</summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }

    /// <summary>Failed logins since the last success.</summary>
    public int? InvalidLoginAttempts { get; set; }

    /// <summary>Role ids (v2 role_ids, v1 role_id).</summary>
    public long[] RoleIds { get; set; } = Array.Empty<long>();

    /// <summary>Group id.</summary>
    public long? GroupId { get; set; }

    /// <summary>Directory id.</summary>
    public long? DirectoryId { get; set; }

    /// <summary>External id.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Active Directory sAMAccountName.</summary>
    public string? SamAccountName { get; set; }

    /// <summary>Active Directory userPrincipalName.</summary>
    public string? UserPrincipalName { get; set; }

    /// <summary>Active Directory distinguished name.</summary>
    public string? DistinguishedName { get; set; }

    /// <summary>Directory group memberships (the API sends a string or an array).</summary>
    public string[] MemberOf { get; set; } = Array.Empty<string>();

    /// <summary>The manager's OneLogin user id (the API sends a number or a string).</summary>
    public long? ManagerUserId { get; set; }

    /// <summary>The manager's directory id.</summary>
    public string? ManagerAdId { get; set; }

    /// <summary>Trusted IdP id.</summary>
    public long? TrustedIdpId { get; set; }

    /// <summary>Admin comment.</summary>
    public string? Comment { get; set; }

    /// <summary>Custom attributes by short name (case-insensitive keys).</summary>
    public IDictionary<string, object?> CustomAttributes { get; set; } =
        new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every field the module does not map, keyed by its wire name.</summary>
    public IDictionary<string, object?> AdditionalProperties { get; set; } =
        new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override string ToString() => string.IsNullOrEmpty(Username) ? (Email ?? Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Username!;
}
