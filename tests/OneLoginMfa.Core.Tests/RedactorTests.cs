using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OneLoginMfa.Core.Tests.Infrastructure;
using OneLoginMfa.Http;
using Xunit;

namespace OneLoginMfa.Core.Tests;

/// <summary>Design 5 (Diagnostics): -Debug bodies never show a token, secret or Authorization header.</summary>
public class RedactorTests
{
    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("client_secret")]
    [InlineData("state_token")]
    [InlineData("otp_token")]
    [InlineData("mfa_token")]
    [InlineData("verification_token")]
    [InlineData("otp")]
    public void Secret_json_string_values_are_masked(string field)
    {
        string json = "{\"" + field + "\":\"s3cr3t-VALUE\",\"factor_id\":16282}";

        string redacted = Redactor.Redact(json);

        Assert.Equal("{\"" + field + "\":\"***\",\"factor_id\":16282}", redacted);
    }

    [Theory]
    [InlineData("mfa_token")]
    [InlineData("otp_token")]
    [InlineData("access_token")]
    public void Secret_json_numeric_values_are_masked(string field)
    {
        string redacted = Redactor.Redact("{\"" + field + "\": 55647655, \"reusable\": true}");

        Assert.Equal("{\"" + field + "\": \"***\", \"reusable\": true}", redacted);
    }

    [Fact]
    public void Real_token_body_keeps_everything_but_the_tokens()
    {
        string redacted = Redactor.Redact(Samples.TokenV2);

        Assert.DoesNotContain(new string('a', 64), redacted, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('b', 64), redacted, StringComparison.Ordinal);
        Assert.Equal(
            """{"access_token":"***","created_at":"2021-08-05T02:57:36.136Z","expires_in":36000,"refresh_token":"***","token_type":"bearer","account_id":189185}""",
            redacted.Trim());
    }

    [Fact]
    public void Enroll_and_trigger_bodies_mask_only_the_state_token()
    {
        string enroll = Redactor.Redact(Samples.Enroll);
        string trigger = Redactor.Redact(Samples.Trigger);

        Assert.DoesNotContain("f2402de2b446abd86ea5aa1f79b3fa72b4befacd", enroll, StringComparison.Ordinal);
        Assert.DoesNotContain("98e008497066bc2763c52342996e06358aab2e32", trigger, StringComparison.Ordinal);
        Assert.Contains("\"state_token\":\"***\"", enroll, StringComparison.Ordinal);
        Assert.Contains("\"phone_number\":\"+1xxxxxxxxxx\"", enroll, StringComparison.Ordinal);
        Assert.Contains("\"id\":35510511,\"device_id\":525509", trigger, StringComparison.Ordinal);
        Assert.Contains("SMS token sent to your mobile device. Authentication pending.", trigger, StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_quotes_inside_a_secret_do_not_leak_its_tail()
    {
        string redacted = Redactor.Redact("""{"otp_token":"ab\"cd\\ef","x":1}""");

        Assert.Equal("""{"otp_token":"***","x":1}""", redacted);
    }

    [Fact]
    public void Field_names_are_matched_case_insensitively_and_with_spaces()
    {
        Assert.Equal("{ \"Access_Token\" : \"***\" }", Redactor.Redact("{ \"Access_Token\" : \"abc\" }"));
    }

    [Theory]
    [InlineData("Authorization: bearer:xyz123", "Authorization: bearer:***")]
    [InlineData("Authorization: bearer: xyz123", "Authorization: bearer: ***")]
    [InlineData("Authorization: Bearer xyz.123-ab_c~", "Authorization: Bearer ***")]
    [InlineData("Authorization: Basic abc==", "Authorization: Basic ***")]
    [InlineData("basic   MDEyMzQ1Njc4OWFiY2RlZg==", "basic   ***")]
    public void Authorization_values_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Fact]
    public void Form_bodies_mask_secrets_and_keep_other_parameters()
    {
        string redacted = Redactor.Redact("grant_type=client_credentials&client_id=my-client&client_secret=top-secret&access_token=tok");

        Assert.Equal("grant_type=client_credentials&client_id=my-client&client_secret=***&access_token=***", redacted);
    }

    [Fact]
    public void Form_secret_as_first_parameter_or_in_a_query_is_masked()
    {
        Assert.Equal("state_token=***&x=1", Redactor.Redact("state_token=abc&x=1"));
        Assert.Equal("/verify?otp_token=***", Redactor.Redact("/verify?otp_token=123456"));
    }

    [Fact]
    public void Other_fields_are_untouched()
    {
        string body = """{"status":{"error":false,"code":200,"type":"success","message":"Success"},"data":{"auth_factors":[{"name":"OneLogin SMS","factor_id":16282}]}}""";

        Assert.Equal(body, Redactor.Redact(body));
        Assert.Equal("""{"token_type":"bearer","expires_in":36000}""", Redactor.Redact("""{"token_type":"bearer","expires_in":36000}"""));
    }

    [Fact]
    public void Null_and_empty_give_empty()
    {
        Assert.Equal(string.Empty, Redactor.Redact(null));
        Assert.Equal(string.Empty, Redactor.Redact(string.Empty));
    }

    [Fact]
    public void ForDisplay_redacts_then_shortens()
    {
        string body = "{\"access_token\":\"" + new string('z', 100) + "\",\"pad\":\"" + new string('p', 5000) + "\"}";

        string shown = Redactor.ForDisplay(body, max: 100);

        Assert.DoesNotContain("zzz", shown, StringComparison.Ordinal);
        Assert.StartsWith("{\"access_token\":\"***\"", shown, StringComparison.Ordinal);
        Assert.EndsWith("chars)", shown, StringComparison.Ordinal);
        Assert.True(shown.Length < 130);
    }

    [Fact]
    public async Task Pipeline_diagnostics_never_show_the_token_secret_or_otp()
    {
        using var client = TestClient.Create();
        client.Handler.TokenResponder = (_, _) => Task.FromResult(Respond.Json(HttpStatusCode.OK, Samples.TokenV2));
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Trigger);
        client.Handler.Enqueue(HttpStatusCode.OK, Samples.Verify);
        client.Handler.Enqueue(HttpStatusCode.Created, Samples.MfaToken);

        await client.Api.SendChallengeAsync(35510511, 525509, null, false, null, CancellationToken.None);
        await client.Api.ConfirmAuthFactorAsync(35510511, 525509, "98e008497066bc2763c52342996e06358aab2e32", "B41832", CancellationToken.None);
        await client.Api.NewMfaTokenAsync(35510511, 300, false, CancellationToken.None);

        string all = string.Join("\n", client.Observer.Lines);
        Assert.Contains("DEBUG:", all, StringComparison.Ordinal); // bodies were shown ...
        Assert.Contains("POST /api/1/users/35510511/otp_devices/525509/trigger -> 200", all, StringComparison.Ordinal);
        foreach (string secret in new[]
        {
            new string('a', 64), new string('b', 64), TestClient.ClientSecret, "98e008497066bc2763c52342996e06358aab2e32", "B41832", "55647655",
        })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal); // ... but never a secret
        }

        Assert.DoesNotContain(client.Observer.Lines, l => l.Contains("Authorization", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("a basic request failed")]
    [InlineData("Basic authentication is used for the token request")]
    public void Prose_after_basic_is_not_masked(string text) => Assert.Equal(text, Redactor.Redact(text));

    [Fact]
    public void A_real_basic_credential_is_masked_whole()
    {
        string header = "Authorization: Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("clientid:secretvalue"));
        Assert.Equal("Authorization: Basic ***", Redactor.Redact(header));
    }
}
