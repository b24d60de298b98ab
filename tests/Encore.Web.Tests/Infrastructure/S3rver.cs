using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the S3 file store's tests: s3rver from npm (pinned in <c>tests/tools/s3rver</c>,
/// installed there with <c>npm ci</c> the first time), run by Node on a loopback port with a temporary directory. It can
/// be stopped and started again on the same port with the same data, as an outage would. Without Node and npm the S3
/// tests are skipped, unless <c>CI=true</c>, where they fail: CI can never pass by skipping them.
/// </summary>
public sealed partial class S3rver : IAsyncDisposable
{
    /// <summary>
    /// s3rver's one account. It refuses other access keys and expired presigned URLs, but does not check Signature V4
    /// itself: <see cref="PresignedUrls"/> does, for the URLs buyers are sent to.
    /// </summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly SemaphoreSlim Install = new(1, 1);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private S3rver(string directory) => Directory = directory;

    /// <summary>Where s3rver keeps its buckets (removed with it).</summary>
    public string Directory { get; }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Every line s3rver printed (one per request, and "Stored part N of …" per multipart part).</summary>
    public IReadOnlyCollection<string> Output => _output;

    public static string ToolFolder => Path.Combine(EncoreProcess.RepositoryRoot(), "tests", "tools", "s3rver");

    private static string Script => Path.Combine(ToolFolder, "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>Why the S3 tests cannot run here (no node or npm on PATH), or null.</summary>
    public static string? Missing =>
        OnPath("node") is null || OnPath("npm") is null
            ? "The S3 file store tests need Node.js and npm on PATH (they run s3rver from tests/tools/s3rver); .ci/run installs them."
            : null;

    /// <summary>Skips (locally) or fails (in CI) a test that needs s3rver on a machine without Node.</summary>
    public static void EnsureAvailable()
    {
        if (Missing is not { } reason) return;
        if (TestDatabase.IsCi) Assert.Fail("CI=true, and it must run the S3 tests. " + reason);
        Assert.Skip(reason);
    }

    /// <summary>Installs s3rver if needed and starts it on a free port; the caller disposes it.</summary>
    public static async Task<S3rver> StartAsync()
    {
        await EnsureInstalledAsync();
        var server = new S3rver(Path.Combine(Path.GetTempPath(), "encore-s3rver-" + Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(server.Directory);
        await server.RunAsync(0);
        return server;
    }

    /// <summary>Stops the server, as an outage would: connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts it again on the same port, with the buckets and objects it had (nothing to do while it runs).</summary>
    public Task StartAgainAsync() => _process is { HasExited: false } ? Task.CompletedTask : RunAsync(Port);

    /// <summary>Waits until s3rver prints a line that matches (e.g. that it stored a part).</summary>
    public async Task WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_output.Any(match))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("s3rver did not print the awaited line. It printed:\n" + string.Join('\n', _output));
            await Task.Delay(20);
        }
    }

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task CreateBucketAsync(string bucket)
    {
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
    }

    /// <summary>The keys in the bucket under a prefix, as a listing shows them (what a buyer could ever be sent to).</summary>
    public async Task<List<string>> KeysAsync(string bucket, string prefix)
    {
        using var client = CreateClient();
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync(int port)
    {
        _output.Clear();
        var info = new ProcessStartInfo(OnPath("node")!, [Script, "--directory", Directory, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = ToolFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["NO_COLOR"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_output.Select(line => Listening().Match(line)).FirstOrDefault(m => m.Success) is { } listening)
            {
                Port = int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return;
            }
            if (process.HasExited) break;
            await Task.Delay(20);
        }
        await StopAsync();
        throw new InvalidOperationException("s3rver did not start. It printed:\n" + string.Join('\n', _output));
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(Script)) return;
            // npm ci: exactly the versions in package-lock.json.
            var info = new ProcessStartInfo(OnPath("npm")!, ["ci", "--no-audit", "--no-fund"])
            {
                WorkingDirectory = ToolFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm did not start.");
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await npm.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm ci in {ToolFolder} did not finish within 5 minutes.");
            }
            if (npm.ExitCode != 0 || !File.Exists(Script))
                throw new InvalidOperationException($"npm ci in {ToolFolder} failed ({npm.ExitCode}):\n{await output}\n{await errors}");
        }
        finally
        {
            Install.Release();
        }
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"S3rver listening on [^:\s]+:(\d+)")]
    private static partial Regex Listening();
}
