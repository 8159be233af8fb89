using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// The real gateway as a child process (the Release build next to this test's configuration), started with
/// its keys and storage through environment variables, and killable with SIGKILL.
/// </summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    public const string AdminKey = "reliability-admin-key-0123456789";
    public const string WriteKey = "reliability-write-key-0123456789";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private EngineProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static string GatewayDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "PersonalizationEngine.Gateway", "bin", configuration, "net10.0", "PersonalizationEngine.Gateway.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("The gateway build was not found; build the solution first.");
    }

    /// <summary>Settings for the embedded store in <paramref name="dir"/> (the test deletes it afterwards).</summary>
    public static Dictionary<string, string> SqliteSettings(DirectoryInfo dir) => new()
    {
        ["Storage__Provider"] = "Sqlite",
        ["Storage__Sqlite__Path"] = Path.Combine(dir.FullName, "engine.db"),
    };

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<EngineProcess> StartAsync(IDictionary<string, string> settings, int? port = null)
    {
        port ??= FreePort();
        var dll = GatewayDll();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Auth__AdminKey"] = AdminKey;
        info.Environment["Auth__WriteKeys__reliability"] = WriteKey;
        info.Environment["Auth__WriteKeys__reliability__Trust"] = "server";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Engine__MasterKey"] = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray());
        info.Environment["Engine__IdentifierKey"] = Convert.ToBase64String(Enumerable.Range(9, 32).Select(i => (byte)i).ToArray());
        foreach (var (k, v) in settings) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var engine = new EngineProcess(process, port.Value);
        process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await engine.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return engine;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 200_000) _log.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("The engine exited during start:\n" + Log);
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The engine did not become ready:\n" + Log);
    }

    public HttpClient Client(string key = AdminKey)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>SIGKILL: no shutdown hooks, no write-back.</summary>
    public void Kill()
    {
        if (_disposed) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    private bool _disposed;

    /// <summary>Resident memory of the process (Linux /proc), in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async Task StopAsync()
    {
        if (_disposed || _process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        if (!_process.WaitForExit(20_000)) Kill();
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _disposed = true;
        _process.Dispose();
        await Task.CompletedTask;
    }
}
