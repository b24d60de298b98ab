using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Tests.Infrastructure;

namespace Encore.Web.Tests.Operations;

/// <summary>
/// The OpenAPI document as a client generator and Redocly read it (security schemes on every operation, no trailing
/// slash, a 2xx and a 4xx answer everywhere), and the Scalar reference at <c>/api</c> whose "try it" sends a seller's
/// API key to the document's server.
/// </summary>
public abstract partial class ApiReferenceTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    [Trait("Needs", "Node")]
    public async Task The_document_passes_redocly_lint_with_the_recommended_rules()
    {
        Redocly.EnsureAvailable();
        var file = Path.Combine(Path.GetTempPath(), $"encore-openapi-{Guid.NewGuid():N}.json");
        // As a shop's address serves it: the server URL is the request's (redocly warns about localhost, the test server's own name).
        var client = app.CreateClient();
        client.BaseAddress = new Uri("https://shop.encore.test/");
        await File.WriteAllTextAsync(file, await client.GetStringAsync("/openapi/v1.json"));
        try
        {
            var (exitCode, report, errors) = await Redocly.LintAsync(file);
            var problems = report["problems"]!.AsArray()
                .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}").ToList();
            Assert.True(exitCode == 0, $"redocly lint exited {exitCode}:\n{string.Join("\n", problems)}\n{errors}");
            Assert.Equal(0, report["totals"]!["errors"]!.GetValue<int>());
            // The one warning left: the document names no licence, because Encore has not chosen one.
            Assert.All(problems, p => Assert.StartsWith("warn info-license:", p));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_operation_says_which_credential_it_takes()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var schemes = document["components"]!["securitySchemes"]!;
        foreach (var scheme in new[] { "sellerApiKey", "buyerSession" })
        {
            Assert.Equal("http", schemes[scheme]!["type"]!.GetValue<string>());
            Assert.Equal("bearer", schemes[scheme]!["scheme"]!.GetValue<string>());
        }
        Assert.DoesNotMatch("/$", document["servers"]![0]!["url"]!.GetValue<string>());

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(o => o.Key != "parameters").Select(o => (Path: path.Key, Method: o.Key, Operation: o.Value!)))
            .ToList();
        Assert.True(operations.Count > 30, $"{operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var security = operation["security"]?.AsArray().Select(r => string.Join("+", r!.AsObject().Select(s => s.Key))).ToList();
            var expected = path.StartsWith("/api/v1/seller/", StringComparison.Ordinal) ? new[] { "sellerApiKey" }
                : path.StartsWith("/api/v1/offers/{token}", StringComparison.Ordinal) ? new[] { "buyerSession", "" }
                : new[] { "" };
            Assert.True(security is not null && security.SequenceEqual(expected),
                $"{method} {path}: security [{string.Join(", ", security ?? [])}], expected [{string.Join(", ", expected)}]");
            var codes = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Assert.True(codes.Any(c => c.StartsWith('2')) && codes.Any(c => c.StartsWith('4')), $"{method} {path} answers only {string.Join(", ", codes)}");
        }
    }

    [Fact]
    public async Task The_reference_page_is_served_with_its_own_script_under_a_nonce_and_prefers_the_seller_key()
    {
        var client = app.CreateClient();
        var redirect = await client.GetAsync("/api");
        Assert.Equal("api/", redirect.Headers.Location?.OriginalString);
        var page = await client.GetAsync("/api/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        // Every script tag carries this response's nonce, and the scripts are Encore's own (no CDN).
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
        Assert.DoesNotContain("https://", string.Join("", scripts));
        Assert.Contains("\"preferredSecurityScheme\":[\"sellerApiKey\"]", html);
        Assert.Contains("openapi/v1.json", html);
        var script = await client.GetAsync("/api/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        // Other pages keep Encore's strict policy.
        var other = (await client.GetAsync("/f/calm-your-anxiety")).Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("nonce", other);
        Assert.DoesNotContain("unsafe-inline", other);
    }

    [Fact]
    public async Task Try_it_with_a_seller_api_key_reaches_the_seller_api_at_the_documents_server()
    {
        var key = await Sellers.CreateApiKeyAsync((await app.SignUpAsync()).Client);
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var server = document["servers"]![0]!["url"]!.GetValue<string>();
        var operation = document["paths"]!["/api/v1/seller/products"]!["get"]!;
        Assert.Equal("sellerApiKey", operation["security"]![0]!.AsObject().Single().Key);

        // What Scalar sends for the operation once the key is typed into its authentication box.
        var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, server + "/api/v1/seller/products");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var answer = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(server + "/api/v1/seller/products")).StatusCode);
    }

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}

public sealed class ApiReferenceTests_Sqlite(SqliteApp app) : ApiReferenceTests<SqliteApp>(app);

public sealed class ApiReferenceTests_Postgres(PostgresApp app) : ApiReferenceTests<PostgresApp>(app);

/// <summary>
/// Redocly's CLI from npm, pinned in <c>tests/tools/redocly</c> (package-lock.json) and installed there with <c>npm ci</c>
/// the first time (<c>.ci/run</c> does it before the tests). Without Node.js and npm the lint test is skipped, unless
/// <c>CI=true</c>, where it fails.
/// </summary>
internal static class Redocly
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    public static string ToolFolder => Path.Combine(EncoreProcess.RepositoryRoot(), "tests", "tools", "redocly");

    private static string Cli => Path.Combine(ToolFolder, "node_modules", "@redocly", "cli", "bin", "cli.js");

    public static void EnsureAvailable()
    {
        if (OnPath("node") is not null && OnPath("npm") is not null) return;
        const string reason = "The OpenAPI lint test needs Node.js and npm on PATH (it runs @redocly/cli from tests/tools/redocly); .ci/run installs them.";
        if (TestDatabase.IsCi) Assert.Fail("CI=true but " + reason);
        Assert.Skip(reason);
    }

    /// <summary><c>redocly lint --format=json</c> with the recommended rules (no configuration file): exit code, report, stderr.</summary>
    public static async Task<(int ExitCode, JsonNode Report, string Errors)> LintAsync(string file)
    {
        await EnsureInstalledAsync();
        var (exitCode, output, errors) = await RunAsync(OnPath("node")!, [Cli, "lint", "--format=json", file], TimeSpan.FromMinutes(2));
        var json = output.IndexOf('{') is >= 0 and var start ? output[start..] : throw new InvalidOperationException($"redocly printed no report ({exitCode}):\n{output}\n{errors}");
        return (exitCode, JsonNode.Parse(json)!, errors);
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(Cli)) return;
            // npm ci: exactly the version in package-lock.json.
            var (exitCode, output, errors) = await RunAsync(OnPath("npm")!, ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            if (exitCode != 0 || !File.Exists(Cli)) throw new InvalidOperationException($"npm ci in {ToolFolder} failed ({exitCode}):\n{output}\n{errors}");
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, string[] arguments, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = ToolFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["NO_COLOR"] = "1";
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish within {limit.TotalMinutes:0} minutes.");
        }
        return (process.ExitCode, await output, await errors);
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
