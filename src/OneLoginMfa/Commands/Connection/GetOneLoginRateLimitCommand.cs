using System.Management.Automation;

namespace OneLoginMfa.Commands;

/// <summary>
/// <para type="synopsis">Gets the account's API rate limit: calls allowed, calls left and when the window resets.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OneLoginRateLimit")]
[OutputType(typeof(OneLoginRateLimit))]
public sealed class GetOneLoginRateLimitCommand : OneLoginApiCmdlet
{
    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (TryAwait(Api.GetRateLimitAsync(StopToken), ActiveConnection.BaseUri, out OneLoginRateLimit limit))
        {
            WriteObject(limit);
        }
    }
}
