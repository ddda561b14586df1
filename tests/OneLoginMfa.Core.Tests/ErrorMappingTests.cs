using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using OneLoginMfa.Http;
using OneLoginMfa.Json;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Every error shape of reference section 8, sent through the pipeline and mapped to one exception.</summary>
public class ErrorMappingTests
{
    private const string RequestId = "610B5C08-8B3CAF02-FB45-0A0B03A8-01BB-48594B-3696";
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static void Stub(TestClient client, HttpStatusCode status, string body) =>
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(status, body, ("X-Request-Id", RequestId)));

    // ---- v1 status shape ---------------------------------------------------------------------------

    [Fact]
    public async Task V1_404_user_not_found_is_UserNotFound_with_OneLogin_message_verbatim()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.NotFound, Samples.UserNotFoundV1);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(123456789, s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Equal("User for id 123456789 was not found", ex.Message);
        Assert.Equal("User for id 123456789 was not found", ex.ApiMessage);
        Assert.Equal("not found", ex.ApiErrorType);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(RequestId, ex.RequestId);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/1/users/123456789/auth_factors", ex.Path);
        Assert.False(ex.IsSessionFatal);
        Assert.Equal(
            "User for id 123456789 was not found (HTTP 404, GET /api/1/users/123456789/auth_factors, request id " + RequestId + ")",
            ex.Describe());
        // A 404 is final: not retried, no token renewal.
        Assert.Single(client.Handler.ResourceRequests);
        Assert.Single(client.Handler.TokenRequests);
    }

    [Fact]
    public async Task A_404_page_that_is_not_json_is_ResponseInvalid_not_UserNotFound()
    {
        using var client = TestClient.Create();
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Html(HttpStatusCode.NotFound, "<html><body>404 Not Found (nginx)</body></html>"));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ResponseInvalid, ex.Kind);
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task RetryAfter_is_not_taken_from_the_window_reset_for_an_ordinary_error()
    {
        using var client = TestClient.Create();
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Json(
            HttpStatusCode.NotFound,
            Samples.UserNotFoundV1,
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "4900"),
            ("X-RateLimit-Reset", "1200")));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(123456789, s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task V1_object_message_uses_description_and_keeps_the_attribute()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.BadRequest, Samples.ObjectMessage);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUsersPageAsync("api/2/users?sort=last&limit=50", s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("last is not a valid attribute for user model", ex.Message);
        Assert.Equal("last is not a valid attribute for user model", ex.ApiMessage);
        Assert.Equal("last", ex.ApiErrorAttribute);
        Assert.Equal("bad request", ex.ApiErrorType);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("/api/2/users", ex.Path);
        Assert.Equal(RequestId, ex.RequestId);
    }

    [Fact]
    public async Task V1_400_factor_could_not_be_found_is_AuthFactorNotFound()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.BadRequest, Samples.FactorNotFound);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.RemoveAuthFactorAsync(35510511, 999, s_none));

        Assert.Equal(OneLoginErrorKind.AuthFactorNotFound, ex.Kind);
        Assert.Equal("Factor could not be found", ex.Message);
        Assert.Equal("bad request", ex.ApiErrorType);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("DELETE", ex.Method);
        Assert.Equal("/api/1/users/35510511/otp_devices/999", ex.Path);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task V1_400_user_does_not_exist_is_UserNotFound_even_on_a_device_call()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.BadRequest, Samples.UserDoesNotExist);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.ConfirmAuthFactorAsync(5, 525509, "st", "B41832", s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Equal("User does not exist", ex.Message);
        Assert.Equal("POST", ex.Method);
        Assert.Equal("/api/1/users/5/otp_devices/525509/verify", ex.Path);
    }

    [Fact]
    public async Task V1_401_insufficient_permission_is_AccessDenied_without_token_renewal()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.Unauthorized, Samples.InsufficientPermission);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.RemoveAuthFactorAsync(5, 6, s_none));

        Assert.Equal(OneLoginErrorKind.AccessDenied, ex.Kind);
        Assert.Equal("Insufficient Permission", ex.Message);
        Assert.Equal("Unauthorized", ex.ApiErrorType);
        Assert.Equal(401, ex.StatusCode);
        Assert.True(ex.IsSessionFatal);
        Assert.Single(client.Handler.TokenRequests);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task V1_404_no_route_is_RequestInvalid_not_a_missing_user()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.NotFound, Samples.NoRoute);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetRateLimitAsync(s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("No Route Exists", ex.Message);
    }

    // ---- v2 statusCode/name/message ------------------------------------------------------------------

    [Fact]
    public async Task V2_404_NotFoundError_is_UserNotFound_with_name_as_ApiErrorType()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.NotFound, Samples.UserV2NotFound);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(99, s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Equal("The resource with the given id could not be found", ex.Message);
        Assert.Equal("NotFoundError", ex.ApiErrorType);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("/api/2/users/99", ex.Path);
        Assert.Equal(RequestId, ex.RequestId);
    }

    [Fact]
    public async Task V2_404_on_a_device_call_is_AuthFactorNotFound()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.NotFound, """{"statusCode":404,"name":"NotFound","message":"The resource can't be found or the server has not found anything matching the Request-URI"}""");

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.RemoveAuthFactorAsync(5, 6, s_none));

        Assert.Equal(OneLoginErrorKind.AuthFactorNotFound, ex.Kind);
        Assert.Equal("NotFound", ex.ApiErrorType);
    }

    [Fact]
    public async Task V2_422_with_field_is_RequestInvalid_and_keeps_the_field()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.UnprocessableEntity, Samples.FieldError);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUsersPageAsync("api/2/users?sort=created_at&limit=50", s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("Invalid sort field: created_at", ex.Message);
        Assert.Equal("UnprocessableEntityFieldError", ex.ApiErrorType);
        Assert.Equal("created_at", ex.ApiErrorAttribute);
        Assert.Equal(422, ex.StatusCode);
    }

    [Fact]
    public async Task V2_422_unprocessable_entity_quotes_the_validation_text()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.UnprocessableEntity, Samples.UnprocessableEntity);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.NewMfaTokenAsync(5, 300, false, s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("Validation failed: Email must be unique within DOMAIN, Username must be unique within DOMAIN", ex.Message);
        Assert.Equal("UnprocessableEntityError", ex.ApiErrorType);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task V2_validation_code_and_errors_shape_is_RequestInvalid_with_details()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.UnprocessableEntity, Samples.ValidationCodeErrors);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("Validation Failed: enabled: Required field is missing", ex.Message);
        Assert.Equal("ValidationError", ex.ApiErrorType);
        Assert.Equal("enabled", ex.ApiErrorAttribute);
        Assert.Equal(422, ex.StatusCode);
    }

    [Fact]
    public async Task Roles_style_status_error_description_shape_is_read()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.NotFound, Samples.RolesStyleNotFound);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(99, s_none));

        Assert.Equal(OneLoginErrorKind.UserNotFound, ex.Kind);
        Assert.Equal("User with id 99 not found", ex.Message);
        Assert.Equal("NotFoundError", ex.ApiErrorType);
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task V2_403_ForbiddenAction_is_AccessDenied()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.Forbidden, Samples.ForbiddenAction);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AccessDenied, ex.Kind);
        Assert.Equal("You are not authorised to perform this action or access the resource", ex.Message);
        Assert.Equal("ForbiddenAction", ex.ApiErrorType);
        Assert.Equal(403, ex.StatusCode);
        Assert.True(ex.IsSessionFatal);
        Assert.Single(client.Handler.ResourceRequests);
        Assert.Single(client.Handler.TokenRequests);
    }

    // ---- non-JSON --------------------------------------------------------------------------------------

    [Fact]
    public async Task Html_502_is_ServiceError_after_retries_and_describes_the_body()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 2);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Html(HttpStatusCode.BadGateway, Samples.BadGatewayHtml, ("X-Request-Id", RequestId)));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
        Assert.Null(ex.ApiMessage);
        Assert.Null(ex.ApiErrorType);
        Assert.Contains("HTTP 502", ex.Message, StringComparison.Ordinal);
        Assert.Contains("text/html", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RequestId, ex.RequestId);
        Assert.Equal(3, client.Handler.ResourceRequests.Count);
    }

    [Fact]
    public async Task Empty_500_is_ServiceError_saying_the_body_was_empty()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 1);
        client.Handler.Fallback = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.InternalServerError));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Equal(500, ex.StatusCode);
        Assert.Contains("empty body", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.ApiMessage);
        Assert.Null(ex.RequestId);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    // ---- 401 and the token ---------------------------------------------------------------------------

    [Fact]
    public async Task V1_401_authentication_failure_renews_once_retries_once_then_AuthenticationFailed()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.Unauthorized, Samples.AuthenticationFailure);

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetAvailableAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("Authentication Failure", ex.Message);
        Assert.Equal(401, ex.StatusCode);
        Assert.True(ex.IsSessionFatal);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(
            new[] { "bearer:token-1", "bearer:token-2" },
            client.Handler.ResourceRequests.Select(r => r.Authorization).ToArray());
        // Order: token, call, token, call.
        Assert.Equal(new[] { true, false, true, false }, client.Handler.Requests.Select(r => r.IsTokenRequest).ToArray());
    }

    [Fact]
    public async Task V2_401_InvalidCredentials_also_renews_once()
    {
        using var client = TestClient.Create();
        client.Handler.Enqueue(HttpStatusCode.Unauthorized, Samples.InvalidCredentials);
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.UserV2);

        OneLoginUser user = await client.Api.GetUserAsync(36216766, s_none);

        Assert.Equal(36216766, user.Id);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
    }

    [Fact]
    public async Task Verify_401_with_an_unknown_message_is_about_the_request_not_the_token()
    {
        // ConfirmAuthFactorAsync opts out of treating unknown 401s as token problems (a wrong OTP).
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.Unauthorized, """{"status":{"error":true,"code":401,"type":"Unauthorized","message":"Failed authentication with this factor"}}""");

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.ConfirmAuthFactorAsync(5, 6, "st", "000000", s_none));

        Assert.Equal(OneLoginErrorKind.RequestInvalid, ex.Kind);
        Assert.Equal("Failed authentication with this factor", ex.Message);
        Assert.Single(client.Handler.TokenRequests);
        Assert.Single(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task V1_400_authorization_information_is_incorrect_renews_the_token_once()
    {
        using var client = TestClient.Create();
        Stub(client, HttpStatusCode.BadRequest, """{"status":{"error":true,"code":400,"type":"bad request","message":"Authorization Information is incorrect"}}""");

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetEnrolledAuthFactorsAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal(2, client.Handler.TokenRequests.Count);
        Assert.Equal(2, client.Handler.ResourceRequests.Count);
    }

    // ---- token endpoint errors -------------------------------------------------------------------------

    [Fact]
    public async Task Token_401_bad_client_credentials_is_AuthenticationFailed_without_retry()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.Unauthorized, Samples.AuthenticationFailure, ("X-Request-Id", RequestId)));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.GetUserAsync(5, s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("Authentication Failure", ex.Message);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("POST", ex.Method);
        Assert.Equal("/auth/oauth2/v2/token", ex.Path);
        Assert.Equal(RequestId, ex.RequestId);
        Assert.Single(client.Handler.TokenRequests);
        Assert.Empty(client.Handler.ResourceRequests);
    }

    [Fact]
    public async Task Token_400_grant_type_is_AuthenticationFailed()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.BadRequest, Samples.GrantTypeIncorrect));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.AuthenticateAsync(s_none));

        Assert.Equal(OneLoginErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("grant_type is incorrect/absent", ex.ApiMessage);
    }

    [Fact]
    public async Task Token_500_is_retried_then_ServiceError_not_AuthenticationFailed()
    {
        using var client = TestClient.Create(o => o.MaxRetry = 2);
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Empty(HttpStatusCode.InternalServerError));

        OneLoginApiException ex = await Assert.ThrowsAsync<OneLoginApiException>(() => client.Api.AuthenticateAsync(s_none));

        Assert.Equal(OneLoginErrorKind.ServiceError, ex.Kind);
        Assert.Equal(3, client.Handler.TokenRequests.Count);
    }

    // ---- ReadError directly ----------------------------------------------------------------------------

    [Fact]
    public void ReadError_ignores_success_bodies_and_non_errors()
    {
        Assert.Null(OneLoginJson.ReadError(OneLoginJson.TryParse(Samples.Verify)));
        Assert.Null(OneLoginJson.ReadError(OneLoginJson.TryParse(Samples.AuthFactors)));
        Assert.Null(OneLoginJson.ReadError(OneLoginJson.TryParse(Samples.UserV2)));
        Assert.Null(OneLoginJson.ReadError(OneLoginJson.TryParse("[]")));
        Assert.Null(OneLoginJson.ReadError(null));
    }

    [Fact]
    public void ReadError_reads_a_v1_status_without_an_error_flag_by_its_type()
    {
        ApiError? error = OneLoginJson.ReadError(OneLoginJson.TryParse(Samples.RateLimitExceededV1));

        Assert.NotNull(error);
        Assert.Equal(400, error.Code);
        Assert.Equal("rate_limit_exceeded", error.Message);
    }
}
