using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OneLogin.Emulator;

/// <summary>
/// Entry point. Prints exactly one JSON line to stdout once listening (url and credentials), then nothing
/// else on stdout; diagnostics go to stderr.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        StartupOptions options;
        try
        {
            options = StartupOptions.Parse(args);
        }
        catch (SettingsException ex)
        {
            await Console.Error.WriteLineAsync("OneLogin.Emulator: " + ex.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Loopback only, never any other interface.
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
        });

        await using var app = builder.Build();
        var emulator = new EmulatorApp(options, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OneLogin.Emulator"));
        app.Run(emulator.HandleAsync);

        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        var port = new Uri(address).Port;
        var line = Wire.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("url", "http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("clientId", options.ClientId);
            w.WriteString("clientSecret", options.ClientSecret);
            w.WriteString("readOnlyClientId", options.ReadOnlyClientId);
            w.WriteString("readOnlyClientSecret", options.ReadOnlyClientSecret);
            w.WriteString("authOnlyClientId", options.AuthOnlyClientId);
            w.WriteString("authOnlyClientSecret", options.AuthOnlyClientSecret);
            w.WriteNumber("firstUserId", options.FirstUserId);
            w.WriteNumber("users", options.Users);
            w.WriteEndObject();
        });
        using (var stdout = Console.OpenStandardOutput())
        {
            await stdout.WriteAsync(line);
            await stdout.WriteAsync("\n"u8.ToArray());
            await stdout.FlushAsync();
        }

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        if (options.ParentPid is { } parentPid)
        {
            _ = WatchParentAsync(parentPid, lifetime);
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    private const string Usage =
        "Usage: dotnet OneLogin.Emulator.dll [--port n] [--users n] [--first-user-id n] [--latency-ms n] [--rate-limit n] "
        + "[--rate-window seconds] [--token-lifetime seconds] [--parent-pid pid] [--config file.json] [--seed n] "
        + "[--account-id n] [--client-id x --client-secret y] [--read-only-client-id x --read-only-client-secret y] "
        + "[--auth-only-client-id x --auth-only-client-secret y]";

    /// <summary>Stops the emulator when the parent process is gone (polled every second).</summary>
    private static async Task WatchParentAsync(int pid, IHostApplicationLifetime lifetime)
    {
        DateTime? started = null;
        try
        {
            using var parent = Process.GetProcessById(pid);
            started = parent.StartTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            lifetime.StopApplication();
            return;
        }
        catch (Exception)
        {
            // Start time not readable: fall back to the pid alone.
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping))
            {
                if (!IsAlive(pid, started))
                {
                    await Console.Error.WriteLineAsync($"OneLogin.Emulator: parent process {pid} is gone; stopping.");
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down anyway.
        }
    }

    /// <summary>A dead parent that nobody has reaped yet still has a pid (Linux: state Z in /proc/pid/stat).</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsAlive(int pid, DateTime? started)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited || IsZombie(pid))
            {
                return false;
            }

            // A recycled pid belongs to a different process start.
            return started is null || process.StartTime == started;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
