using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using OneLoginMfa.Core.Tests.Infrastructure;
using OneLoginMfa.Http;
using OneLoginMfa.Json;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Every success body in the reference, parsed through the API methods (or the mapper for user shapes).</summary>
public class ParsingTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    // ---- tokens ----------------------------------------------------------------------------------

    [Fact]
    public async Task Token_v2_real_capture_gives_value_account_and_lifetime()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.TokenV2));

        DateTimeOffset before = DateTimeOffset.UtcNow;
        AccessToken token = await client.Api.AuthenticateAsync(s_none);

        Assert.Equal(new string('a', 64), token.Value);
        Assert.Equal(189185, token.AccountId);
        Assert.Equal(TimeSpan.FromSeconds(36000), token.Lifetime);
        // Expiry is computed from the local request time, not from created_at (which may be 36 min old).
        Assert.InRange(token.ExpiresAt, before.AddSeconds(36000), DateTimeOffset.UtcNow.AddSeconds(36000));
        Assert.Same(token, client.Pipeline.Tokens.Current);
    }

    [Fact]
    public async Task Token_v1_wrapped_body_is_accepted()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.TokenV1Wrapped));

        AccessToken token = await client.Api.AuthenticateAsync(s_none);

        Assert.Equal(new string('c', 64), token.Value);
        Assert.Equal(189185, token.AccountId);
        Assert.Equal(TimeSpan.FromHours(10), token.Lifetime);
    }

    [Fact]
    public async Task Token_200_without_access_token_is_ResponseInvalid()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, """{"token_type":"bearer","expires_in":36000}"""));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.AuthenticateAsync(s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
        Assert.Equal("POST", ex.Method);
        Assert.Equal("/auth/oauth2/v2/token", ex.Path);
    }

    [Fact]
    public async Task Token_200_carrying_a_v1_error_status_is_AuthenticationFailed()
    {
        // [PY2] process_token_response: a 200 whose body has an error status is an error.
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.AuthenticationFailure));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.AuthenticateAsync(s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("Authentication Failure", ex.Message);
        Assert.Single(client.Handler.TokenRequests);
    }

    // ---- rate limit ------------------------------------------------------------------------------

    [Fact]
    public async Task Rate_limit_body_maps_to_OneLoginRateLimit_and_feeds_the_budget()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.RateLimit);

        DateTimeOffset before = DateTimeOffset.UtcNow;
        OneLoginRateLimit limit = await client.Api.GetRateLimitAsync(s_none);

        Assert.Equal(5000, limit.Limit);
        Assert.Equal(4988, limit.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(832), limit.ResetIn);
        Assert.InRange(limit.ResetAt, before.AddSeconds(832), DateTimeOffset.UtcNow.AddSeconds(832));
        Assert.Equal("auth/rate_limit", client.Handler.ResourceRequests.Single().RelativeUri);

        OneLoginRateLimit? snapshot = client.Budget.Snapshot();
        Assert.NotNull(snapshot);
        Assert.Equal(5000, snapshot.Limit);
        Assert.Equal(4988, snapshot.Remaining);
    }

    // ---- users -----------------------------------------------------------------------------------

    [Fact]
    public async Task Users_page_bare_array_maps_every_documented_v2_field()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, "[" + Samples.UserV2 + "]", ("Total-Count", "17"));

        UserPage page = await client.Api.GetUsersPageAsync(OneLoginApi.FirstUsersPage(Array.Empty<KeyValuePair<string, string>>()), s_none);

        Assert.Equal(17, page.TotalCount);
        Assert.Null(page.AfterCursor);
        OneLoginUser user = Assert.Single(page.Users);
        Assert.Equal(36216766, user.Id);
        Assert.Equal("kellyslater", user.Username);
        Assert.Equal("kelly+preprod@onelogin.com", user.Email);
        Assert.Equal("Kelly", user.FirstName);
        Assert.Equal("Slater", user.LastName);
        Assert.Equal(UserStatus.Locked, user.Status);
        Assert.Equal(UserState.Approved, user.State);
        Assert.Equal("WSL", user.Company);
        Assert.Equal("Waves", user.Department);
        Assert.Equal("Surfer", user.Title);
        Assert.Equal("+64272001122", user.Phone);
        Assert.Equal(new DateTimeOffset(2020, 6, 3, 19, 59, 21, 382, TimeSpan.Zero), user.LastLogin);
        Assert.Equal(new DateTimeOffset(2017, 12, 12, 23, 57, 56, 781, TimeSpan.Zero), user.CreatedAt);
        Assert.Equal(new DateTimeOffset(2020, 7, 9, 3, 8, 52, 774, TimeSpan.Zero), user.UpdatedAt);
        Assert.Equal(new DateTimeOffset(2017, 12, 12, 23, 59, 28, 665, TimeSpan.Zero), user.ActivatedAt);
        Assert.Equal(new DateTimeOffset(2020, 7, 8, 21, 59, 56, 811, TimeSpan.Zero), user.LockedUntil);
        Assert.Equal(new DateTimeOffset(2019, 8, 22, 18, 44, 26, 542, TimeSpan.Zero), user.PasswordChangedAt);
        Assert.Equal(0, user.InvalidLoginAttempts);
        Assert.Equal(new long[] { 199848, 272445 }, user.RoleIds);
        Assert.Null(user.GroupId);
        Assert.Null(user.DirectoryId);
        Assert.Null(user.ExternalId);
        Assert.Null(user.SamAccountName);
        Assert.Null(user.UserPrincipalName);
        Assert.Null(user.DistinguishedName);
        Assert.Empty(user.MemberOf);
        Assert.Null(user.ManagerUserId);
        Assert.Null(user.ManagerAdId);
        Assert.Null(user.TrustedIdpId);
        Assert.Equal(string.Empty, user.Comment);
        Assert.Equal(2, user.CustomAttributes.Count);
        Assert.Equal("chicken", user.CustomAttributes["food"]);
        Assert.True(user.CustomAttributes.ContainsKey("employeenumber"));
        Assert.Null(user.CustomAttributes["employeenumber"]);
        Assert.Equal("chicken", user.CustomAttributes["FOOD"]); // case-insensitive keys
    }

    [Fact]
    public void User_fields_the_module_does_not_map_land_in_AdditionalProperties()
    {
        var json = (JObject)OneLoginJson.Parse(Samples.UserV2);
        json["brand_new_field"] = new JObject { ["nested"] = 5 };

        OneLoginUser user = OneLoginJson.ToUser(json);

        // invitation_sent_at and preferred_locale_code are documented but not mapped: kept, not dropped.
        Assert.Equal(
            new[] { "brand_new_field", "invitation_sent_at", "preferred_locale_code" },
            user.AdditionalProperties.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray());
        Assert.Null(user.AdditionalProperties["invitation_sent_at"]);
        var nested = Assert.IsType<Dictionary<string, object?>>(user.AdditionalProperties["brand_new_field"]);
        Assert.Equal(5L, nested["nested"]);
        // Mapped fields never show up twice.
        Assert.False(user.AdditionalProperties.ContainsKey("role_ids"));
        Assert.False(user.AdditionalProperties.ContainsKey("custom_attributes"));
    }

    [Theory]
    [InlineData("\"252462756\"")]
    [InlineData("252462756")]
    [InlineData("252462756.0")]
    public void Manager_user_id_is_read_from_a_string_or_a_number(string wire)
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("{\"id\":1,\"manager_user_id\":" + wire + "}"));

        Assert.Equal(252462756, user.ManagerUserId);
    }

    [Fact]
    public void Member_of_is_read_from_a_string_or_an_array()
    {
        OneLoginUser single = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":1,"member_of":"CN=Admins,OU=Groups,DC=acme,DC=com"}"""));
        OneLoginUser many = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":1,"member_of":["CN=Admins,DC=acme","CN=Users,DC=acme"]}"""));
        OneLoginUser empty = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":1,"member_of":""}"""));

        Assert.Equal(new[] { "CN=Admins,OU=Groups,DC=acme,DC=com" }, single.MemberOf);
        Assert.Equal(new[] { "CN=Admins,DC=acme", "CN=Users,DC=acme" }, many.MemberOf);
        Assert.Empty(empty.MemberOf);
    }

    [Fact]
    public void Manager_ad_id_as_a_number_becomes_its_string()
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":1,"manager_ad_id":4711}"""));

        Assert.Equal("4711", user.ManagerAdId);
    }

    [Theory]
    [InlineData(0, UserStatus.Unactivated)]
    [InlineData(1, UserStatus.Active)]
    [InlineData(2, UserStatus.Suspended)]
    [InlineData(3, UserStatus.Locked)]
    [InlineData(4, UserStatus.PasswordExpired)]
    [InlineData(5, UserStatus.AwaitingPasswordReset)]
    [InlineData(7, UserStatus.PasswordPending)]
    [InlineData(8, UserStatus.SecurityQuestionsRequired)]
    public void Status_codes_map_to_UserStatus(int wire, UserStatus expected)
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("{\"id\":1,\"status\":" + wire + "}"));

        Assert.Equal(expected, user.Status);
    }

    [Fact]
    public void Unknown_status_value_6_is_kept_as_its_number_not_rejected()
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":1,"status":6,"state":9}"""));

        Assert.NotNull(user.Status);
        Assert.Equal(6, (int)user.Status.Value);
        Assert.False(Enum.IsDefined(user.Status.Value));
        Assert.Equal(9, (int)user.State!.Value);
    }

    [Theory]
    [InlineData(0, UserState.Unapproved)]
    [InlineData(1, UserState.Approved)]
    [InlineData(2, UserState.Rejected)]
    [InlineData(3, UserState.Unlicensed)]
    public void State_codes_map_to_UserState(int wire, UserState expected)
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("{\"id\":1,\"state\":" + wire + "}"));

        Assert.Equal(expected, user.State);
    }

    [Fact]
    public void Missing_or_null_status_and_dates_are_null_not_defaults()
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":"42","status":null,"last_login":null,"role_ids":null}"""));

        Assert.Equal(42, user.Id);
        Assert.Null(user.Status);
        Assert.Null(user.State);
        Assert.Null(user.LastLogin);
        Assert.Empty(user.RoleIds);
    }

    [Fact]
    public void User_without_an_id_is_rejected()
    {
        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"username":"x"}""")));
    }

    [Fact]
    public void V1_user_maps_role_id_to_RoleIds_and_keeps_v1_only_fields()
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse(Samples.UserV1));

        Assert.Equal(132422371, user.Id);
        Assert.Equal(new long[] { 439868 }, user.RoleIds);
        Assert.Equal(UserStatus.Active, user.Status);
        Assert.Equal(string.Empty, user.Username);
        Assert.Equal("custom-user-value", user.CustomAttributes["customUserField"]);
        Assert.Equal("someone", user.AdditionalProperties["openid_name"]);
        Assert.True(user.AdditionalProperties.ContainsKey("locale_code"));
        Assert.False(user.AdditionalProperties.ContainsKey("role_id"));
    }

    [Fact]
    public void V1_user_with_null_role_id_has_no_roles()
    {
        OneLoginUser user = OneLoginJson.ToUser((JObject)OneLoginJson.Parse("""{"id":5,"role_id":null}"""));

        Assert.Empty(user.RoleIds);
    }

    [Fact]
    public async Task Get_user_reads_the_bare_v2_object()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginUser user = await client.Api.GetUserAsync(36216766, s_none);

        Assert.Equal(36216766, user.Id);
        Assert.Equal("kellyslater", user.Username);
        Assert.Equal("api/2/users/36216766", client.Handler.ResourceRequests.Single().RelativeUri);
    }

    [Fact]
    public async Task Users_page_that_is_an_object_not_an_array_is_ResponseInvalid()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUsersPageAsync("api/2/users?limit=50", s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("/api/2/users", ex.Path);
    }

    // ---- MFA v1 ------------------------------------------------------------------------------------

    [Fact]
    public async Task Auth_factors_seed_body_gives_AuthFactor_with_user_factor_and_name()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactors);

        IReadOnlyList<AuthFactor> factors = await client.Api.GetAvailableAuthFactorsAsync(36216766, s_none);

        AuthFactor factor = Assert.Single(factors);
        Assert.Equal(36216766, factor.UserId);
        Assert.Equal(16282, factor.FactorId);
        Assert.Equal("OneLogin SMS", factor.Name);
        Assert.Equal("OneLogin SMS", factor.ToString());
        Assert.Equal("api/1/users/36216766/auth_factors", client.Handler.ResourceRequests.Single().RelativeUri);
    }

    [Fact]
    public async Task Empty_auth_factors_gives_an_empty_list()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.AuthFactorsEmpty);

        IReadOnlyList<AuthFactor> factors = await client.Api.GetAvailableAuthFactorsAsync(7, s_none);

        Assert.Empty(factors);
    }

    [Fact]
    public async Task Auth_factors_as_a_bare_v2_array_are_accepted()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, """[{"factor_id":58959,"name":"OneLogin SMS","auth_factor_name":"SMS"},{"factor_id":58957,"name":"Authenticator","auth_factor_name":"Google Authenticator"}]""");

        IReadOnlyList<AuthFactor> factors = await client.Api.GetAvailableAuthFactorsAsync(7, s_none);

        Assert.Equal(new long[] { 58959, 58957 }, factors.Select(f => f.FactorId).ToArray());
        Assert.Equal(new[] { "OneLogin SMS", "Authenticator" }, factors.Select(f => f.Name).ToArray());
    }

    [Fact]
    public async Task Auth_factors_with_data_not_a_list_is_ResponseInvalid()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, """{"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"auth_factors":{"name":"x"}}}""");

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(7, s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
    }

    [Fact]
    public async Task Otp_devices_doc_sample_maps_each_device()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.OtpDevices);

        IReadOnlyList<EnrolledAuthFactor> devices = await client.Api.GetEnrolledAuthFactorsAsync(35510511, s_none);

        Assert.Equal(3, devices.Count);
        EnrolledAuthFactor sms = devices[0];
        Assert.Equal(35510511, sms.UserId);
        Assert.Equal(525509, sms.DeviceId);
        Assert.Equal("OneLogin SMS", sms.AuthFactorName);
        Assert.Equal("OneLogin SMS", sms.TypeDisplayName);
        Assert.Equal("Rich's Phone", sms.UserDisplayName);
        Assert.Equal("+1xxxxxxxxx", sms.PhoneNumber);
        Assert.True(sms.Active);
        Assert.True(sms.Default);
        Assert.True(sms.NeedsTrigger);
        Assert.Null(sms.StateToken);

        EnrolledAuthFactor protect = devices[1];
        Assert.Equal(526532, protect.DeviceId);
        Assert.False(protect.Default);
        Assert.False(protect.NeedsTrigger);
        Assert.Null(protect.PhoneNumber);

        Assert.Equal("Google Authenticator", devices[2].AuthFactorName);
        Assert.Equal(526533, devices[2].DeviceId);
        Assert.Equal("api/1/users/35510511/otp_devices", client.Handler.ResourceRequests.Single().RelativeUri);
    }

    [Fact]
    public async Task Otp_devices_real_empty_capture_with_data_before_status_gives_an_empty_list()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.OtpDevicesEmptyReal);

        IReadOnlyList<EnrolledAuthFactor> devices = await client.Api.GetEnrolledAuthFactorsAsync(7, s_none);

        Assert.Empty(devices);
    }

    [Fact]
    public async Task Enroll_reads_the_device_from_the_data_array_including_state_token()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Enroll);

        EnrolledAuthFactor device = await client.Api.RegisterAuthFactorAsync(35510511, 16282, "Rich's Phone", "+14156456830", verified: false, s_none);

        Assert.Equal(35510511, device.UserId);
        Assert.Equal(525509, device.DeviceId);
        Assert.Equal("f2402de2b446abd86ea5aa1f79b3fa72b4befacd", device.StateToken);
        Assert.False(device.Active);
        Assert.True(device.Default);
        Assert.True(device.NeedsTrigger);
        Assert.Equal("+1xxxxxxxxxx", device.PhoneNumber);
        Assert.Equal("Rich's Phone", device.UserDisplayName);

        RecordedRequest sent = client.Handler.ResourceRequests.Single();
        Assert.Equal("POST", sent.Method);
        Assert.Equal("api/1/users/35510511/otp_devices", sent.RelativeUri);
        JObject body = JObject.Parse(sent.Body!);
        Assert.Equal(16282, (long)body["factor_id"]!);
        Assert.Equal("Rich's Phone", (string?)body["display_name"]);
        Assert.Equal("+14156456830", (string?)body["number"]);
        Assert.False((bool)body["verified"]!);
    }

    [Fact]
    public async Task Trigger_maps_DeviceId_from_device_id_not_from_id_which_is_the_user()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Trigger);

        AuthFactorChallenge challenge = await client.Api.SendChallengeAsync(35510511, 525509, 300, numericSmsOtp: true, smsMessage: "Code {{otp_code}}", s_none);

        Assert.Equal(525509, challenge.DeviceId);
        Assert.NotEqual(35510511, challenge.DeviceId);
        Assert.Equal(35510511, challenge.UserId);
        Assert.Equal("98e008497066bc2763c52342996e06358aab2e32", challenge.StateToken);
        Assert.Equal("OneLogin SMS", challenge.AuthFactorName);
        Assert.Equal("SMS token sent to your mobile device. Authentication pending.", challenge.Message);

        RecordedRequest sent = client.Handler.ResourceRequests.Single();
        Assert.Equal("POST", sent.Method);
        Assert.Equal("api/1/users/35510511/otp_devices/525509/trigger", sent.RelativeUri);
        JObject body = JObject.Parse(sent.Body!);
        Assert.Equal(300, (int)body["state_token_expires_in"]!);
        Assert.True((bool)body["numeric_sms_otp"]!);
        Assert.Equal("Code {{otp_code}}", (string?)body["sms_message"]);
    }

    [Fact]
    public async Task Trigger_device_id_wins_over_the_requested_device_when_they_differ()
    {
        // The response names the device the code went to; the mapping must read device_id, not echo the input.
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Trigger.Replace("\"device_id\":525509", "\"device_id\":777", StringComparison.Ordinal));

        AuthFactorChallenge challenge = await client.Api.SendChallengeAsync(35510511, 525509, null, false, null, s_none);

        Assert.Equal(777, challenge.DeviceId);
    }

    [Fact]
    public async Task Trigger_uses_state_token_expires_at_when_sent_else_the_requested_lifetime()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.TriggerWithExpiry);
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Trigger);

        AuthFactorChallenge withExpiry = await client.Api.SendChallengeAsync(35510511, 525509, null, false, null, s_none);
        DateTimeOffset before = DateTimeOffset.UtcNow;
        AuthFactorChallenge computed = await client.Api.SendChallengeAsync(35510511, 525509, 300, false, null, s_none);

        Assert.Equal(new DateTimeOffset(2019, 10, 25, 16, 29, 42, TimeSpan.Zero), withExpiry.ExpiresAt);
        Assert.InRange(computed.ExpiresAt!.Value, before.AddSeconds(299), DateTimeOffset.UtcNow.AddSeconds(301));
        // An empty trigger body is "{}" (the fields are optional); [RB] sends none at all.
        Assert.Equal("{}", client.Handler.ResourceRequests[0].Body);
    }

    [Fact]
    public async Task Verify_200_is_verified_with_OneLogin_message_and_sends_both_tokens()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Verify);

        AuthFactorVerification result = await client.Api.ConfirmAuthFactorAsync(35510511, 525509, "98e008497066bc2763c52342996e06358aab2e32", "B41832", s_none);

        Assert.True(result.Verified);
        Assert.Equal("Success", result.Message);
        Assert.Equal(35510511, result.UserId);
        Assert.Equal(525509, result.DeviceId);
        RecordedRequest sent = client.Handler.ResourceRequests.Single();
        Assert.Equal("api/1/users/35510511/otp_devices/525509/verify", sent.RelativeUri);
        JObject body = JObject.Parse(sent.Body!);
        Assert.Equal("B41832", (string?)body["otp_token"]);
        Assert.Equal("98e008497066bc2763c52342996e06358aab2e32", (string?)body["state_token"]);
    }

    [Fact]
    public async Task Verify_with_a_v1_error_status_inside_a_200_is_an_exception()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserDoesNotExist);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.ConfirmAuthFactorAsync(1, 2, null, "123456", s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Equal("User does not exist", ex.ApiMessage);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "{}")]
    [InlineData(HttpStatusCode.NoContent, "")]
    public async Task Remove_accepts_an_empty_object_or_no_content(HttpStatusCode status, string body)
    {
        using var client = TestClient.Create();
        client.Handler.EnqueueResponse(() => body.Length == 0 ? Respond.Empty(status) : Respond.Json(status, body));

        await client.Api.RemoveAuthFactorAsync(35510511, 525509, s_none);

        RecordedRequest sent = client.Handler.ResourceRequests.Single();
        Assert.Equal("DELETE", sent.Method);
        Assert.Equal("api/1/users/35510511/otp_devices/525509", sent.RelativeUri);
        Assert.Null(sent.Body);
    }

    [Fact]
    public async Task Mfa_token_unwrapped_body_maps_token_expiry_and_reusable()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.Created, Samples.MfaToken);

        MfaToken token = await client.Api.NewMfaTokenAsync(36216766, 300, reusable: false, s_none);

        Assert.Equal(36216766, token.UserId);
        Assert.Equal("55647655", token.Token);
        Assert.Equal(new DateTimeOffset(2019, 1, 16, 22, 16, 38, TimeSpan.Zero), token.ExpiresAt);
        // The response's reusable wins over what was asked for.
        Assert.True(token.Reusable);

        RecordedRequest sent = client.Handler.ResourceRequests.Single();
        Assert.Equal("api/1/users/36216766/mfa_token", sent.RelativeUri);
        Assert.Equal("""{"expires_in":300,"reusable":false}""", sent.Body);
    }

    [Fact]
    public async Task Mfa_token_accepts_the_spec_typo_resuable()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.MfaTokenSpecTypo);

        MfaToken token = await client.Api.NewMfaTokenAsync(1, 300, reusable: false, s_none);

        Assert.True(token.Reusable);
        Assert.Equal("55647655", token.Token);
    }

    [Fact]
    public async Task Mfa_token_v2_shape_with_extra_device_id_and_reusable_false()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.MfaTokenV2);

        MfaToken token = await client.Api.NewMfaTokenAsync(36216766, 259200, reusable: true, s_none);

        Assert.Equal("25992782", token.Token);
        Assert.False(token.Reusable);
        Assert.Equal(new DateTimeOffset(2021, 7, 27, 23, 25, 50, TimeSpan.Zero), token.ExpiresAt);
    }

    [Fact]
    public async Task Mfa_token_wrapped_in_a_v1_data_object_is_accepted()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.OK, """{"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"mfa_token":12345678,"reusable":false,"expires_at":"2019-01-16T22:16:38Z"}}""");

        MfaToken token = await client.Api.NewMfaTokenAsync(1, 300, reusable: true, s_none);

        Assert.Equal("12345678", token.Token);
        Assert.False(token.Reusable);
    }

    // ---- unusable 200s -----------------------------------------------------------------------------

    public static TheoryData<string, string> BrokenBodies() => new()
    {
        { "application/json", """{"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"auth_factors":[{"name":"OneLogin SMS","fac""" },
        { "text/html", "<html><body><h1>Service Temporarily Unavailable</h1></body></html>" },
        { "application/json", "" },
        { "application/json", """{"data":{"auth_factors":[]}} trailing""" },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Truncated_json_html_or_empty_200_is_ResponseInvalid(string contentType, string body)
    {
        using var client = TestClient.Create();
        client.Handler.EnqueueResponse(() => Respond.With(
            HttpStatusCode.OK,
            new System.Net.Http.StringContent(body, System.Text.Encoding.UTF8, contentType),
            ("X-Request-Id", "REQ-BROKEN-1")));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/1/users/5/auth_factors", ex.Path);
        Assert.Equal("REQ-BROKEN-1", ex.RequestId);
        // A 200 is never retried, however odd its body.
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Html_200_names_its_content_type_in_the_message()
    {
        using var client = TestClient.Create();
        client.Handler.EnqueueResponse(() => Respond.Html(HttpStatusCode.OK, "<html>login page</html>"));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
        Assert.Contains("text/html", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(ex.InnerException);
    }

    [Fact]
    public void Parse_rejects_trailing_garbage_and_TryParse_returns_null_for_non_json()
    {
        Assert.ThrowsAny<Newtonsoft.Json.JsonException>(() => OneLoginJson.Parse("{} {}"));
        Assert.Null(OneLoginJson.TryParse("<html></html>"));
        Assert.Null(OneLoginJson.TryParse("   "));
        Assert.Null(OneLoginJson.TryParse(null));
        Assert.NotNull(OneLoginJson.TryParse("{} /* comment */"));
    }
}
