using System.Management.Automation;
using OneLoginMfa.Errors;

namespace OneLoginMfa.Commands;

/// <summary>Base of every cmdlet that calls the API: the shared -Connection parameter and its resolution.</summary>
public abstract class OneLoginApiCmdlet : OneLoginCmdlet
{
    private OneLoginApi? _api;
    private OneLoginConnection? _connection;

    /// <summary>The connection to use; default: the one Connect-OneLogin stored for this runspace.</summary>
    [Parameter]
    [ValidateNotNull]
    public OneLoginConnection? Connection { get; set; }

    /// <summary>The resolved connection (valid from BeginProcessing on).</summary>
    protected OneLoginConnection ActiveConnection => _connection!;

    internal OneLoginApi Api => _api!;

    /// <summary>Resolves the connection; not connected is terminating (OneLoginNotConnected).</summary>
    protected override void BeginProcessing()
    {
        _connection = Connection ?? ConnectionStore.Get();
        if (_connection is null)
        {
            ThrowTerminatingError(ErrorRecordFactory.NotConnected());
        }

        if (_connection!.IsClosed)
        {
            ThrowTerminatingError(ErrorRecordFactory.NotConnected(_connection));
        }

        _api = new OneLoginApi(_connection!, RequestObserver);
    }
}
