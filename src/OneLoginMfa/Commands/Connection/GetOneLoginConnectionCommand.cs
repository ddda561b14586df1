using System.Management.Automation;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Gets this runspace's current OneLogin connection (never the secret or the token).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OneLoginConnection")]
[OutputType(typeof(OneLoginConnection))]
public sealed class GetOneLoginConnectionCommand : PSCmdlet
{
    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (ConnectionStore.Get() is OneLoginConnection connection)
        {
            WriteObject(connection);
        }
    }
}
