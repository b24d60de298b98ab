using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// Encore as an operator runs it: its own process (the built <c>Encore.Web.dll</c>), on its own port, against a
/// database the test names. Several of them against one PostgreSQL are several instances of one shop.
/// </summary>
public sealed class EncoreProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private EncoreProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public HttpClient CreateClient() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };

    public static async Task<EncoreProcess> StartAsync(string database, IDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Encore.Web", "bin", Configuration(), "net10.0", "Encore.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build src/Encore.Web first.", dll);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ENCORE_DATABASE"] = database;
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Encore__RateLimits__Enabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = new EncoreProcess(Process.Start(info)!, $"http://127.0.0.1:{port}");
        try
        {
            await process.WaitReadyAsync();
        }
        catch
        {
            await process.DisposeAsync(); // a start that never became ready leaves no process behind
            throw;
        }
        return process;
    }

    /// <summary>Runs a one-off command (<c>reconcile</c>) against the database and returns what it printed.</summary>
    public static async Task<string> RunCommandAsync(string database, string command, IDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Encore.Web", "bin", Configuration(), "net10.0", "Encore.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll, command])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ENCORE_DATABASE"] = database;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"encore {command} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>
    /// Starts Encore with exactly these environment variables (beside the database) and waits for it to exit by itself,
    /// as a start the app refuses does; returns its exit code and what it printed. Killed after the timeout.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string database, IDictionary<string, string> environment, TimeSpan timeout)
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Encore.Web", "bin", Configuration(), "net10.0", "Encore.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ENCORE_DATABASE"] = database;
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"Encore was still running after {timeout.TotalSeconds:0} s:\n{await output}{await errors}");
        }
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>Kills the process at once, as a crash or an OOM killer would (SIGKILL).</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private const int StartSeconds = 180;

    private async Task WaitReadyAsync()
    {
        using var client = CreateClient();
        // Generous: a process's start (JIT, migrations, the demo's seed) takes seconds, but minutes on a loaded 2-core machine.
        var deadline = DateTime.UtcNow.AddSeconds(StartSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("Encore exited while starting:\n" + Output);
            try
            {
                if ((await client.GetAsync("/api/v1/funnels/calm-your-anxiety")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Encore did not start within {StartSeconds} s:\n" + Output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Configuration() => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Encore.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Encore.sln not found above " + AppContext.BaseDirectory);
    }
}
