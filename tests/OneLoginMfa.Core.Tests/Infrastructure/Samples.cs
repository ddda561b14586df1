namespace OneLoginMfa.Core.Tests.Infrastructure;

/// <summary>
/// Bodies copied from /work/shared/reference/onelogin-api.md (section in each comment). Token values the
/// reference elides are filled with 64 hex characters; nothing else is changed unless the comment says so.
/// </summary>
internal static class Samples
{
    // ---- tokens (2.1, 2.2) -------------------------------------------------------------------------

    /// <summary>2.1: the real v2 capture (HAR validateInvocation-success), field order preserved.</summary>
    public const string TokenV2 = """
        {"access_token":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","created_at":"2021-08-05T02:57:36.136Z","expires_in":36000,"refresh_token":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","token_type":"bearer","account_id":189185}
        """;

    /// <summary>2.2: the real v1 capture, status + one-element data array.</summary>
    public const string TokenV1Wrapped = """
        {"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":[{"access_token":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","created_at":"2021-08-02T21:57:00.594Z","expires_in":36000,"refresh_token":"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","token_type":"bearer","account_id":189185}]}
        """;

    /// <summary>2.1: bad client_id or secret, real capture (401).</summary>
    public const string AuthenticationFailure = """
        {"status":{"error":true,"code":401,"type":"Unauthorized","message":"Authentication Failure"}}
        """;

    /// <summary>2.1: bad grant_type (400).</summary>
    public const string GrantTypeIncorrect = """
        {"status":{"error":true,"code":400,"type":"bad request","message":"grant_type is incorrect/absent"}}
        """;

    // ---- rate limit (2.5) ---------------------------------------------------------------------------

    public const string RateLimit = """
        {"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"X-RateLimit-Limit":5000,"X-RateLimit-Remaining":4988,"X-RateLimit-Reset":832}}
        """;

    // ---- users (5.1, 5.3, 5.4) ------------------------------------------------------------------------

    /// <summary>5.3: the v2 user object from the get-user doc page.</summary>
    public const string UserV2 = """
        {"activated_at":"2017-12-12T23:59:28.665Z","distinguished_name":null,"external_id":null,"firstname":"Kelly","last_login":"2020-06-03T19:59:21.382Z",
         "lastname":"Slater","company":"WSL","directory_id":null,"invitation_sent_at":null,"member_of":null,"updated_at":"2020-07-09T03:08:52.774Z",
         "preferred_locale_code":null,"created_at":"2017-12-12T23:57:56.781Z","userprincipalname":null,"trusted_idp_id":null,"comment":"","title":"Surfer",
         "role_ids":[199848,272445],"department":"Waves","id":36216766,"custom_attributes":{"employeenumber":null,"food":"chicken"},
         "invalid_login_attempts":0,"manager_user_id":null,"locked_until":"2020-07-08T21:59:56.811Z","username":"kellyslater","manager_ad_id":null,
         "email":"kelly+preprod@onelogin.com","phone":"+64272001122","state":1,"group_id":null,"password_changed_at":"2019-08-22T18:44:26.542Z",
         "status":3,"samaccountname":null}
        """;

    /// <summary>5.1: the real v1 user object (HAR steps), names redacted as in the capture.</summary>
    public const string UserV1 = """
        {"activated_at":"2021-04-28T21:10:57.207Z","created_at":"2021-04-28T21:10:57.210Z","email":"someone@example.com","username":"","firstname":"Some",
         "group_id":null,"id":132422371,"invalid_login_attempts":0,"invitation_sent_at":"2021-04-28T21:10:57.187Z","last_login":"2021-08-05T18:36:08.876Z",
         "lastname":"One","locked_until":null,"comment":"","openid_name":"someone","locale_code":null,"preferred_locale_code":null,
         "password_changed_at":"2021-08-02T22:37:29.935Z","phone":"","status":1,"updated_at":"2021-08-05T18:36:08.984Z",
         "distinguished_name":null,"external_id":null,"directory_id":null,"member_of":null,"samaccountname":null,"userprincipalname":null,
         "manager_ad_id":null,"manager_user_id":null,"role_id":[439868],"company":"","department":"","title":"","state":1,
         "trusted_idp_id":null,"custom_attributes":{"customUserField":"custom-user-value"}}
        """;

    /// <summary>5.4: 404 for an unknown v2 user.</summary>
    public const string UserV2NotFound = """
        {"message":"The resource with the given id could not be found","name":"NotFoundError","statusCode":404}
        """;

    /// <summary>5.4 / 3: 401 for a bad token on v2 users.</summary>
    public const string UnauthorizedV2 = """
        {"message":"Unauthorized","name":"UnauthorizedError","statusCode":401}
        """;

    // ---- MFA v1 (6.1 - 6.7) --------------------------------------------------------------------------

    /// <summary>6.1: the seed endpoint.</summary>
    public const string AuthFactors = """
        {"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"auth_factors":[{"name":"OneLogin SMS","factor_id":16282}]}}
        """;

    public const string AuthFactorsEmpty = """
        {"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"auth_factors":[]}}
        """;

    /// <summary>6.1: 404 for a missing user.</summary>
    public const string UserNotFoundV1 = """
        {"status":{"error":true,"code":404,"type":"not found","message":"User for id 123456789 was not found"}}
        """;

    /// <summary>
    /// 6.3: the doc sample. The doc truncates the third device after "Go…"; it is completed here with the
    /// fields every device carries (type_display_name, user_display_name, id).
    /// </summary>
    public const string OtpDevices = """
        {"status":{"type":"success","code":200,"message":"Success","error":false},
         "data":{"otp_devices":[
           {"type_display_name":"OneLogin SMS","active":true,"user_display_name":"Rich's Phone","default":true,"phone_number":"+1xxxxxxxxx","auth_factor_name":"OneLogin SMS","id":525509,"needs_trigger":true},
           {"type_display_name":"OneLogin Protect","active":true,"user_display_name":"OneLogin Protect","default":false,"auth_factor_name":"OneLogin Protect","id":526532,"needs_trigger":false},
           {"active":true,"default":false,"auth_factor_name":"Google Authenticator","needs_trigger":false,"type_display_name":"Google Authenticator","user_display_name":"Authenticator","id":526533}]}}
        """;

    /// <summary>6.3: the real empty list (HAR steps) — note data before status.</summary>
    public const string OtpDevicesEmptyReal = """
        {"data":{"otp_devices":[]},"status":{"message":"Success","error":false,"type":"success","code":200}}
        """;

    /// <summary>6.2: enroll 200, data is an array of one device.</summary>
    public const string Enroll = """
        {"status":{"type":"success","code":200,"message":"Success","error":false},"data":[{"active":false,"default":true,"state_token":"f2402de2b446abd86ea5aa1f79b3fa72b4befacd","auth_factor_name":"OneLogin SMS","phone_number":"+1xxxxxxxxxx","type_display_name":"OneLogin SMS","needs_trigger":true,"user_display_name":"Rich's Phone","id":525509}]}
        """;

    /// <summary>6.4: trigger 200. "id" is the USER id, "device_id" the device.</summary>
    public const string Trigger = """
        {"status":{"type":"success","code":200,"message":"SMS token sent to your mobile device. Authentication pending.","error":false},
         "data":[{"user_display_name":"Rich's Phone","active":false,"state_token":"98e008497066bc2763c52342996e06358aab2e32","auth_factor_name":"OneLogin SMS","type_display_name":"OneLogin SMS","id":35510511,"device_id":525509}]}
        """;

    /// <summary>6.4 with the [PY2] fixture's extra state_token_expires_at.</summary>
    public const string TriggerWithExpiry = """
        {"status":{"type":"success","code":200,"message":"SMS token sent to your mobile device. Authentication pending.","error":false},
         "data":[{"user_display_name":"Rich's Phone","active":false,"state_token":"98e008497066bc2763c52342996e06358aab2e32","auth_factor_name":"OneLogin SMS","type_display_name":"OneLogin SMS","id":35510511,"device_id":525509,"state_token_expires_at":"2019-10-25T16:29:42Z"}]}
        """;

    /// <summary>6.5: verify 200 (no data).</summary>
    public const string Verify = """
        {"status":{"type":"success","code":200,"message":"Success","error":false}}
        """;

    /// <summary>6.5: 400 on verify.</summary>
    public const string UserDoesNotExist = """
        {"status":{"type":"bad request","code":400,"message":"User does not exist","error":true}}
        """;

    /// <summary>6.6: remove 200.</summary>
    public const string Remove = "{}";

    /// <summary>6.6: 400 on remove.</summary>
    public const string FactorNotFound = """
        {"status":{"type":"bad request","code":400,"message":"Factor could not be found","error":true}}
        """;

    /// <summary>6.6: wrong scope (a 401, not a 403, on v1).</summary>
    public const string InsufficientPermission = """
        {"status":{"error":true,"code":401,"type":"Unauthorized","message":"Insufficient Permission"}}
        """;

    /// <summary>6.7: unwrapped success.</summary>
    public const string MfaToken = """
        {"mfa_token": "55647655", "reusable": true, "expires_at": "2019-01-16T22:16:38Z"}
        """;

    /// <summary>10: the OpenAPI spec's misspelling.</summary>
    public const string MfaTokenSpecTypo = """
        {"mfa_token":"55647655","resuable":true,"expires_at":"2019-01-16T22:16:38Z"}
        """;

    /// <summary>7.10: the v2 shape (extra device_id).</summary>
    public const string MfaTokenV2 = """
        {"mfa_token":"25992782","expires_at":"2021-07-27T23:25:50Z","reusable":false,"device_id":"user_temp_otp_36216766"}
        """;

    // ---- error shapes (8) ------------------------------------------------------------------------------

    public const string ObjectMessage = """
        {"status":{"error":true,"code":400,"type":"bad request","message":{"description":"last is not a valid attribute for user model","attribute":"last"}}}
        """;

    public const string FieldError = """
        {"message":"Invalid sort field: created_at","field":"created_at","name":"UnprocessableEntityFieldError","statusCode":422}
        """;

    public const string UnprocessableEntity = """
        {"statusCode":422,"message":"Validation failed: Email must be unique within DOMAIN, Username must be unique within DOMAIN","name":"UnprocessableEntityError"}
        """;

    public const string ValidationCodeErrors = """
        {"code":422,"message":"Validation Failed","errors":[{"field":"enabled","message":["Required field is missing"]}]}
        """;

    public const string RolesStyleNotFound = """
        {"status":404,"error":"NotFoundError","description":"User with id 99 not found"}
        """;

    public const string ForbiddenAction = """
        {"statusCode":403,"name":"ForbiddenAction","message":"You are not authorised to perform this action or access the resource"}
        """;

    public const string InvalidCredentials = """
        {"statusCode":401,"name":"InvalidCredentials","message":"Please provide valid credentials"}
        """;

    public const string NoRoute = """
        {"status":{"error":true,"code":404,"type":"not found","message":"No Route Exists"}}
        """;

    /// <summary>4: the 2017 [SA] mock for an exhausted budget (no "error" or "type" keys).</summary>
    public const string RateLimitExceededV1 = """
        {"status":{"code":400,"message":"rate_limit_exceeded"}}
        """;

    public const string BadGatewayHtml = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
}
