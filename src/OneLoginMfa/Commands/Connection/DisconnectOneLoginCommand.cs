using System.Management.Automation;
using OneLoginMfa.Errors;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Closes a OneLogin connection (by default the runspace's current one); with -Revoke, also revokes its token at OneLogin.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "OneLogin", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectOneLoginCommand : OneLoginCmdlet
{
    /// <summary>The connection to close; default: this runspace's current connection (which is then cleared).</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public OneLoginConnection? Connection { get; set; }

    /// <summary>
    /// Also revoke the access token at OneLogin (POST /auth/oauth2/revoke). OneLogin hands the same token to
    /// every caller of the same credential, so this logs out other scripts using that credential too.
    /// </summary>
    [Parameter]
    public SwitchParameter Revoke { get; set; }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        OneLoginConnection? current = ConnectionStore.Get();
        OneLoginConnection? target = Connection ?? current;
        if (target is null)
        {
            if (Revoke)
            {
                ThrowTerminatingError(ErrorRecordFactory.NotConnected());
            }

            WriteVerbose("Not connected to OneLogin; nothing to do.");
            return;
        }

        string action = Revoke ? "Disconnect and revoke the access token" : "Disconnect";
        if (!ShouldProcess(target.ToString(), action))
        {
            return;
        }

        if (Revoke)
        {
            try
            {
                Await(new OneLoginApi(target, RequestObserver).RevokeAsync(StopToken));
                WriteVerbose($"Revoked the access token of {target}.");
            }
            catch (OneLoginApiException ex)
            {
                // Nothing is closed when the revoke failed: report and stop, so the caller can retry.
                ThrowTerminatingError(ErrorRecordFactory.FromApi(ex, target.BaseUri));
            }
        }

        // A closed connection is refused by every command, whoever holds it (a variable, $using:, another runspace).
        target.Close();
        if (ReferenceEquals(target, current))
        {
            ConnectionStore.Set(null);
        }

        WriteVerbose($"Disconnected from {target}.");
    }
}
