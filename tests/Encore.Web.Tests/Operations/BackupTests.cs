using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Encore.Web.Tests.Operations;

/// <summary>
/// <c>encore backup &lt;file&gt;</c> as an operator runs it: against a running Encore (its own process, on SQLite) that
/// keeps selling while the copy is taken; a fresh Encore started on the copy has every earlier order and sells. Backup is
/// SQLite's alone (PostgreSQL has pg_dump), so this class runs on SQLite, and checks the refusal on PostgreSQL.
/// </summary>
public sealed class BackupTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "encore-backup-" + Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_backup_taken_while_encore_sells_restores_into_a_fresh_encore_that_has_the_orders_and_sells()
    {
        var live = $"Data Source={Path.Combine(_folder, "live.db")}";
        var files = new Dictionary<string, string> { ["Encore__Files__Folder"] = Path.Combine(_folder, "files") };
        var earlier = new List<(Guid OrderId, string Token)>();
        var backup = Path.Combine(_folder, "backups", "encore.db");
        await using (var running = await EncoreProcess.StartAsync(live, files))
        {
            var client = running.CreateClient();
            for (var i = 0; i < 3; i++) earlier.Add(await CheckoutAsync(client, $"before{i}@example.com"));

            // Buyers keep buying while the copy is taken: the copy is one consistent moment, whatever it holds of them.
            using var stop = new CancellationTokenSource();
            var during = Task.Run(async () =>
            {
                var placed = 0;
                while (!stop.IsCancellationRequested && placed < 200)
                {
                    await CheckoutAsync(client, $"during{placed}@example.com");
                    placed++;
                }
                return placed;
            });
            await Task.Delay(300);
            var (exitCode, output) = await RunAsync(live, ["backup", backup]);
            stop.Cancel();
            var placedDuring = await during;
            Assert.True(exitCode == 0, output);
            Assert.Contains("integrity ok", output);
            Assert.True(placedDuring > 0, "no checkout ran during the backup");
        }

        // The copy stands alone: one file, no write-ahead log needed beside it.
        Assert.False(File.Exists(backup + "-wal") && new FileInfo(backup + "-wal").Length > 0);
        await using (var connection = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", await command.ExecuteScalarAsync());
        }

        var restored = new Dictionary<string, string>(files)
        {
            // And its log as JSON, as an operator's log shipper reads it.
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
        };
        await using (var fresh = await EncoreProcess.StartAsync($"Data Source={backup}", restored))
        {
            var client = fresh.CreateClient();
            foreach (var (orderId, token) in earlier)
            {
                var order = JsonNode.Parse(await client.GetStringAsync($"/api/v1/offers/{token}/order"))!;
                Assert.Equal(orderId, order["orderId"]!.GetValue<Guid>());
                Assert.Equal("paid", order["status"]!.GetValue<string>());
            }
            var (newOrder, _) = await CheckoutAsync(client, "after@example.com");
            Assert.DoesNotContain(newOrder, earlier.Select(e => e.OrderId));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

            var lines = fresh.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var started = lines.Where(l => l.Contains("Encore is running", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(started);
            using var json = JsonDocument.Parse(started[0]);
            Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
            Assert.True(json.RootElement.TryGetProperty("Category", out _), started[0]);
            Assert.All(lines.Where(l => l.StartsWith('{')), l => JsonDocument.Parse(l).Dispose());
        }
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file()
    {
        var live = $"Data Source={Path.Combine(_folder, "live.db")}";
        await using (var running = await EncoreProcess.StartAsync(live, new Dictionary<string, string> { ["Encore__Files__Folder"] = Path.Combine(_folder, "files") }))
        {
        }
        var target = Path.Combine(_folder, "taken.db");
        await File.WriteAllTextAsync(target, "keep me");
        var (exitCode, output) = await RunAsync(live, ["backup", target]);
        Assert.Equal(2, exitCode);
        Assert.Contains("never overwrites", output);
        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task On_postgresql_backup_refuses_and_names_pg_dump()
    {
        // Refused before any connection is made: no server is needed to see it.
        var (exitCode, output) = await RunAsync("Host=127.0.0.1;Port=1;Database=encore;Username=encore", ["backup", Path.Combine(_folder, "x.db")]);
        Assert.Equal(2, exitCode);
        Assert.Contains("pg_dump", output);
        Assert.False(File.Exists(Path.Combine(_folder, "x.db")));
    }

    private static async Task<(Guid OrderId, string Token)> CheckoutAsync(HttpClient client, string email)
    {
        var response = await client.PostAsJsonAsync("/api/v1/checkouts", new
        {
            funnel = Buyer.Funnel, email, name = "Backup Buyer", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(),
            savePaymentMethodForOffers = true,
        });
        var body = await Buyer.ReadAsync(response, HttpStatusCode.Created);
        return (body["orderId"]!.GetValue<Guid>(), body["sessionToken"]!.GetValue<string>());
    }

    /// <summary>The built Encore.Web.dll with these arguments, as <c>dotnet run --project src/Encore.Web -- …</c> runs it.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string database, string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(EncoreProcess.RepositoryRoot(), "src", "Encore.Web", "bin", configuration, "net10.0", "Encore.Web.dll");
        var info = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ENCORE_DATABASE"] = database;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
