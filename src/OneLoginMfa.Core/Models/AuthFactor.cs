namespace OneLoginMfa;

/// <summary>An MFA factor a user can still enroll (GET /api/1/users/{id}/auth_factors).</summary>
public sealed class AuthFactor
{
    /// <summary>The user the factor is available to.</summary>
    public long UserId { get; set; }

    /// <summary>The account's factor id; pass it to Register-OneLoginAuthFactor.</summary>
    public long FactorId { get; set; }

    /// <summary>The factor's name as admins see it, e.g. "OneLogin SMS".</summary>
    public string Name { get; set; } = string.Empty;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
