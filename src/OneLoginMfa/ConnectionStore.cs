using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace OneLoginMfa;

/// <summary>
/// The default connection, one per runspace (never process-wide): two runspaces, jobs or -Parallel
/// branches can each be connected to a different tenant. Explicit -Connection always wins.
/// </summary>
internal static class ConnectionStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> s_defaults = new();

    public static OneLoginConnection? Get()
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        return runspace is not null && s_defaults.TryGetValue(runspace, out Holder? holder) ? holder.Connection : null;
    }

    public static void Set(OneLoginConnection? connection)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace is not null)
        {
            s_defaults.GetValue(runspace, _ => new Holder()).Connection = connection;
        }
    }

    private sealed class Holder
    {
        public OneLoginConnection? Connection { get; set; }
    }
}
