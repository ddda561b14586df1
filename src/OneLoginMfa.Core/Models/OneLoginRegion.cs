namespace OneLoginMfa;

/// <summary>OneLogin's legacy regional API hosts.</summary>
public enum OneLoginRegion
{
    /// <summary>https://api.us.onelogin.com</summary>
    US,

    /// <summary>https://api.eu.onelogin.com</summary>
    EU,
}
