using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Threading;

namespace OneLoginMfa;

/// <summary>
/// Resolves our private dependencies (Newtonsoft.Json) from ./Dependencies. On pwsh 7.x the host's own
/// Newtonsoft.Json 13.x is already loaded and satisfies our 13.0.0.0 reference, so this handler never
/// runs there; on Windows PowerShell 5.1 it loads our pinned copy. It answers only requests from our own
/// assemblies, never hands out a lower version than asked for, and never uses Assembly.LoadFile.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string s_dependencies =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "Dependencies");

    private static int s_imports;

    /// <inheritdoc/>
    public void OnImport()
    {
        // Imported once per runspace (e.g. every ForEach-Object -Parallel branch): register the handler once.
        if (Interlocked.Increment(ref s_imports) == 1)
        {
            AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
        }
    }

    /// <inheritdoc/>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (Interlocked.Decrement(ref s_imports) == 0)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
        }
    }

    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        string? requester = args.RequestingAssembly?.GetName().Name;
        if (requester is not null && !requester.StartsWith("OneLoginMfa", StringComparison.Ordinal)
            && !File.Exists(Path.Combine(s_dependencies, requester + ".dll")))
        {
            return null;
        }

        var requested = new AssemblyName(args.Name);
        string candidate = Path.Combine(s_dependencies, requested.Name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        if (requested.Version is not null && AssemblyName.GetAssemblyName(candidate).Version < requested.Version)
        {
            return null;
        }

        return Assembly.LoadFrom(candidate);
    }
}
