namespace OneLoginMfa;

/// <summary>OneLogin's user status codes (reference 5.3). Values the API adds later still convert (as numbers).</summary>
public enum UserStatus
{
    /// <summary>0: the user has not been activated.</summary>
    Unactivated = 0,

    /// <summary>1: active.</summary>
    Active = 1,

    /// <summary>2: suspended.</summary>
    Suspended = 2,

    /// <summary>3: locked.</summary>
    Locked = 3,

    /// <summary>4: password expired.</summary>
    PasswordExpired = 4,

    /// <summary>5: awaiting password reset.</summary>
    AwaitingPasswordReset = 5,

    /// <summary>7: password pending.</summary>
    PasswordPending = 7,

    /// <summary>8: security questions required.</summary>
    SecurityQuestionsRequired = 8,
}

/// <summary>OneLogin's user approval state (reference 5.3).</summary>
public enum UserState
{
    /// <summary>0: unapproved.</summary>
    Unapproved = 0,

    /// <summary>1: approved.</summary>
    Approved = 1,

    /// <summary>2: rejected.</summary>
    Rejected = 2,

    /// <summary>3: unlicensed.</summary>
    Unlicensed = 3,
}
