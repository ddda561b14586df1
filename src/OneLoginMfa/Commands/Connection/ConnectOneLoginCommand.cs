using System;
using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Security;
using OneLoginMfa.Errors;
using OneLoginMfa.Http;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Connects to a OneLogin tenant and stores the connection for this runspace.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "OneLogin", DefaultParameterSetName = EnvironmentSet)]
[OutputType(typeof(OneLoginConnection))]
public sealed class ConnectOneLoginCommand : OneLoginCmdlet
{
    private const string CredentialSet = "Credential";
    private const string ClientSecretSet = "ClientSecret";
    private const string EnvironmentSet = "Environment";

    /// <summary>The tenant: <c>acme</c>, <c>acme.onelogin.com</c> or <c>https://acme.onelogin.com</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Subdomain { get; set; }

    /// <summary>A legacy regional API host (https://api.us.onelogin.com or https://api.eu.onelogin.com).</summary>
    [Parameter]
    public OneLoginRegion? Region { get; set; }

    /// <summary>Any API root: https, or http for a loopback host (the emulator).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? BaseUri { get; set; }

    /// <summary>User name = client id, password = client secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [ValidateNotNull]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The API client id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>The API client secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [ValidateNotNull]
    public SecureString? ClientSecret { get; set; }

    /// <summary>Per-request timeout (default 30 seconds).</summary>
    [Parameter]
    [ValidateTimeSpan(1, 3600)]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries for GET and DELETE on transient failures (default 3).</summary>
    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetry { get; set; } = 3;

    /// <summary>The longest a command waits for the rate limit to reset (default 1 hour).</summary>
    [Parameter]
    [ValidateTimeSpan(0, 24 * 3600)]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An explicit proxy for every request, the token request included. Default: the system proxy.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    /// <summary>Credentials for the proxy.</summary>
    [Parameter]
    [ValidateNotNull]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Authenticate to the proxy as the current user.</summary>
    [Parameter]
    public SwitchParameter ProxyUseDefaultCredentials { get; set; }

    /// <summary>Return the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        Uri baseUri = ResolveEndpoint();
        (string clientId, SecureString secret, OneLoginCredentialSource source) = ResolveCredential();
        if (ProxyCredential is not null && ProxyUseDefaultCredentials)
        {
            ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid("ProxyCredentialConflict", "Use either -ProxyCredential or -ProxyUseDefaultCredentials, not both.", null));
        }

        var options = new OneLoginClientOptions(baseUri, clientId, secret)
        {
            Timeout = Timeout,
            MaxRetry = MaxRetry,
            MaxRateLimitWait = MaxRateLimitWait,
            Proxy = Proxy,
            ProxyCredential = ProxyCredential?.GetNetworkCredential(),
            ProxyUseDefaultCredentials = ProxyUseDefaultCredentials,
            UserAgent = UserAgent(),
        };

        var pipeline = new OneLoginHttpPipeline(options);
        var connection = new OneLoginConnection(pipeline, source);
        var api = new OneLoginApi(connection, RequestObserver);
        WriteVerbose($"Connecting to {baseUri} as client {clientId} ({source}).");
        try
        {
            Await(api.AuthenticateAsync(StopToken));
        }
        catch (OneLoginApiException ex)
        {
            pipeline.Dispose();
            if (ex.Kind is not (OneLoginErrorKind.ConnectionFailed or OneLoginErrorKind.Timeout or OneLoginErrorKind.ServiceError or OneLoginErrorKind.ResponseInvalid or OneLoginErrorKind.RateLimited))
            {
                ex.Kind = OneLoginErrorKind.AuthenticationFailed;
            }

            // Connect is all-or-nothing: every failure terminates and nothing is stored.
            ErrorRecord record = Errors.ErrorRecordFactory.FromApi(ex, baseUri);
            ThrowTerminatingError(record);
        }
        catch (PipelineStoppedException)
        {
            pipeline.Dispose();
            throw;
        }

        ConnectionStore.Set(connection);
        WriteVerbose($"Connected to {baseUri} (account {connection.AccountId}); token valid until {connection.TokenExpiresAt:u}.");
        if (PassThru)
        {
            WriteObject(connection);
        }
    }

    private Uri ResolveEndpoint()
    {
        int given = (Subdomain is null ? 0 : 1) + (Region is null ? 0 : 1) + (BaseUri is null ? 0 : 1);
        if (given > 1)
        {
            ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid("EndpointParameterConflict", "Give only one of -Subdomain, -Region and -BaseUri.", null));
        }

        try
        {
            if (BaseUri is not null)
            {
                return EndpointResolver.FromBaseUri(BaseUri);
            }

            if (Region is OneLoginRegion region)
            {
                return EndpointResolver.FromRegion(region);
            }

            string? subdomain = Subdomain ?? Environment.GetEnvironmentVariable("ONELOGIN_SUBDOMAIN");
            if (string.IsNullOrEmpty(subdomain))
            {
                ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(
                    "OneLoginEndpointMissing",
                    "No OneLogin tenant given. Use -Subdomain <tenant> (e.g. 'acme' for https://acme.onelogin.com), -Region US|EU, -BaseUri <uri>, or set $env:ONELOGIN_SUBDOMAIN.",
                    null));
            }

            return EndpointResolver.FromSubdomain(subdomain!);
        }
        catch (ArgumentException ex)
        {
            string id = BaseUri is not null ? "BaseUriInvalid" : "SubdomainInvalid";
            object? target = (object?)BaseUri ?? Subdomain ?? Environment.GetEnvironmentVariable("ONELOGIN_SUBDOMAIN");
            ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(id, StripParamName(ex), target, ex));
            throw; // not reached
        }
    }

    private (string ClientId, SecureString Secret, OneLoginCredentialSource Source) ResolveCredential()
    {
        switch (ParameterSetName)
        {
            case CredentialSet:
                if (string.IsNullOrEmpty(Credential!.UserName) || Credential.Password is null || Credential.Password.Length == 0)
                {
                    ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid("CredentialInvalid", "The credential must carry the client id as its user name and the client secret as its password.", null));
                }

                return (Credential.UserName.TrimStart('\\'), ReadOnlyCopy(Credential.Password!), OneLoginCredentialSource.Credential);
            case ClientSecretSet:
                return (ClientId!, ReadOnlyCopy(ClientSecret!), OneLoginCredentialSource.ClientSecret);
            default:
                string? id = Environment.GetEnvironmentVariable("ONELOGIN_CLIENT_ID");
                string? secret = Environment.GetEnvironmentVariable("ONELOGIN_CLIENT_SECRET");
                if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
                {
                    ThrowTerminatingError(ErrorRecordFactory.ParameterInvalid(
                        "OneLoginCredentialMissing",
                        "No OneLogin API credentials given. Use one of: -Credential <PSCredential> (user name = client id, password = client secret); -ClientId <id> -ClientSecret <SecureString>; or set $env:ONELOGIN_CLIENT_ID and $env:ONELOGIN_CLIENT_SECRET.",
                        null));
                }

                var secure = new SecureString();
                foreach (char c in secret!)
                {
                    secure.AppendChar(c);
                }

                secure.MakeReadOnly();
                return (id!, secure, OneLoginCredentialSource.Environment);
        }
    }

    private static SecureString ReadOnlyCopy(SecureString secret)
    {
        SecureString copy = secret.Copy();
        copy.MakeReadOnly();
        return copy;
    }

    private static string StripParamName(ArgumentException ex)
    {
        string suffix = " (Parameter '" + ex.ParamName + "')";
        string message = ex.Message;
        int at = message.IndexOf(suffix, StringComparison.Ordinal);
        if (at < 0)
        {
            at = message.IndexOf(Environment.NewLine + "Parameter name", StringComparison.Ordinal);
        }

        return at < 0 ? message : message.Substring(0, at);
    }

    private string UserAgent()
    {
        string moduleVersion = typeof(ConnectOneLoginCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(ConnectOneLoginCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        string psVersion = (SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable)?["PSVersion"]?.ToString() ?? "unknown";
        return $"OneLoginMfa/{moduleVersion} PowerShell/{psVersion}";
    }
}

/// <summary>Validates a TimeSpan parameter against a range in seconds.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateTimeSpanAttribute : ValidateArgumentsAttribute
{
    public ValidateTimeSpanAttribute(double minSeconds, double maxSeconds)
    {
        MinSeconds = minSeconds;
        MaxSeconds = maxSeconds;
    }

    public double MinSeconds { get; }

    public double MaxSeconds { get; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject ps ? ps.BaseObject : arguments;
        if (value is TimeSpan span && (span.TotalSeconds < MinSeconds || span.TotalSeconds > MaxSeconds))
        {
            throw new ValidationMetadataException(FormattableString.Invariant($"The value {span} is outside the allowed range ({TimeSpan.FromSeconds(MinSeconds)} to {TimeSpan.FromSeconds(MaxSeconds)})."));
        }
    }
}
