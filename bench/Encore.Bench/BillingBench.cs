extern alias EncoreWeb;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EncoreWeb::Encore.Web.Data;
using EncoreWeb::Encore.Web.Data.Entities;
using EncoreWeb::Encore.Web.Features.Subscriptions;
using EncoreWeb::Encore.Web.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using EncoreProgram = EncoreWeb::Program;

namespace Encore.Bench;

/// <summary>
/// The billing benchmark (<c>--mode billing</c>, <c>bench/run.sh billing</c>): Encore's own Program hosted in this
/// process on a fresh database (its services, settings, migrations and demo seed, as <c>bill</c> builds them; the
/// background jobs off, as in <c>bill</c>), N subscriptions due at once, and Encore's <see cref="BillingRun"/> timed
/// from its call to its return, after an unmeasured warm-up run. Around it: the database ceiling with as many
/// connections (before and after), PostgreSQL's counters, EF Core's command counts and the CPU used. Afterwards every
/// subscription must have been charged exactly once, or the bench fails. See bench/README.md, "Billing run".
/// </summary>
public static class BillingBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var database = options.Database ?? throw new ArgumentException("--mode billing needs --database (a fresh one: Encore migrates it).");
        var postgres = database.Contains("Host=", StringComparison.OrdinalIgnoreCase);
        var report = new BillingReport
        {
            Label = options.Label, StartedAt = DateTimeOffset.UtcNow, Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            Subscriptions = options.Subscriptions, WarmUpSubscriptions = options.BillingWarmUp, CeilingSeconds = options.Duration.TotalSeconds,
        };
        // As bench/run.sh starts Encore for the journeys: warnings only. Environment variables outrank appsettings.json.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        await using var factory = new WebApplicationFactory<EncoreProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseContentRoot(EncoreContentRoot());
            builder.UseSetting("ENCORE_DATABASE", database);
            builder.UseSetting("Encore:DemoPassword", "bench-7Qx-vR2-coach"); // the password rules refuse "…password"
            builder.UseSetting("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true"); // a Production start on the Sandbox, on purpose
            // `bill` runs none of the background jobs; nothing else may bill or settle beside the measured run.
            builder.UseSetting("Encore:RunBilling", "false");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunWebhookDispatcher", "false");
            builder.UseSetting("Encore:RunEmailSender", "false");
        });
        Console.WriteLine($"== billing on {options.Label}: starting Encore in-process (migrations, demo seed)");
        _ = factory.Server;
        var services = factory.Services;
        if (services.GetRequiredService<IPaymentGateway>() is not EncoreWeb::Encore.Web.Payments.Sandbox.SandboxGateway)
            throw new InvalidOperationException("The billing bench runs on the Sandbox gateway only (ENCORE_STRIPE_SECRET_KEY is set).");
        var clock = services.GetRequiredService<TimeProvider>();
        using var counters = new EfCounters();

        if (options.BillingWarmUp > 0)
        {
            Console.WriteLine($"== warm-up: {options.BillingWarmUp} subscriptions billed by BillingRun.RunOnceAsync (not measured)");
            await BillingSeed.SeedAsync(services, "warmup", options.BillingWarmUp, clock);
            var warm = await RunEncoreBillingAsync(services);
            await VerifyAsync(services, "warmup", options.BillingWarmUp, warm);
        }

        {
            const string tag = "measured";
            // Encore's own run has its renewals in flight Encore:Billing:Parallelism at a time (4 on PostgreSQL, 1 on SQLite by default):
            // the ceiling it is compared with is measured with as many connections.
            int connections;
            string variant;
            using (var scope = services.CreateScope())
            {
                var run = scope.ServiceProvider.GetRequiredService<BillingRun>();
                connections = run.Parallelism;
                variant = $"Encore: BillingRun.RunOnceAsync ({run.Parallelism} in flight: chunks of {run.ChunkSize}, {run.ChunksInFlight} at a time, {run.CallsPerChunk} calls each)";
            }
            Console.WriteLine($"== {variant}");
            Console.WriteLine($"   seeding {options.Subscriptions:N0} subscriptions due now (not measured)");
            var seedClock = Stopwatch.StartNew();
            await BillingSeed.SeedAsync(services, tag, options.Subscriptions, clock);
            Console.WriteLine($"   seeded in {seedClock.Elapsed.TotalSeconds:N1} s");
            if (Environment.GetEnvironmentVariable("ENCORE_BENCH_ANALYZE") != "off") await AnalyzeAsync(services);

            var ceilingBefore = await DatabaseCeiling.RunAsync(database, connections, options.Duration);
            Console.WriteLine($"   DB ceiling before ({connections} connection(s)): {ceilingBefore.TransactionsPerSecond:N0} insert tx/s");
            var loadBefore = LoadAverage();
            var statsBefore = await DbStats.ReadAsync(database);
            var backendsBefore = postgres ? await BackendCpuAsync(database) : null;
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var gcBefore = GC.CollectionCount(0);
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var pausedBefore = GC.GetTotalPauseDuration();
            var (jittedBefore, jitTimeBefore) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
            counters.Start();
            var watch = Stopwatch.StartNew();
            var charged = await RunEncoreBillingAsync(services);
            watch.Stop();
            var ef = counters.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var gen0 = GC.CollectionCount(0) - gcBefore;
            var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
            var paused = GC.GetTotalPauseDuration() - pausedBefore;
            var (jitted, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount() - jittedBefore, System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore);
            var backendsAfter = postgres ? await BackendCpuAsync(database) : null;
            var statsAfter = await DbStats.ReadAsync(database);
            var loadAfter = LoadAverage();
            Console.WriteLine($"   billed {charged:N0} in {watch.Elapsed.TotalSeconds:N2} s: {charged / watch.Elapsed.TotalSeconds:N1} renewals/s");

            var checks = await VerifyAsync(services, tag, options.Subscriptions, charged);
            Console.WriteLine($"   checked: {checks}");
            var ceilingAfter = await DatabaseCeiling.RunAsync(database, connections, options.Duration);
            Console.WriteLine($"   DB ceiling after: {ceilingAfter.TransactionsPerSecond:N0} insert tx/s");

            var n = (double)charged;
            var result = new BillingResult
            {
                Variant = variant, Parallel = connections, Renewals = charged, Seconds = watch.Elapsed.TotalSeconds,
                RenewalsPerSecond = n / watch.Elapsed.TotalSeconds,
                CeilingBefore = ceilingBefore.TransactionsPerSecond, CeilingAfter = ceilingAfter.TransactionsPerSecond,
                LoadBefore = loadBefore, LoadAfter = loadAfter,
                PgWriteTransactionsPerRenewal = statsBefore is not null && statsAfter is not null ? (statsAfter.TransactionId!.Value - statsBefore.TransactionId!.Value - 1) / n : null,
                PgCommitsPerRenewal = statsBefore is not null && statsAfter is not null ? (statsAfter.Commits - statsBefore.Commits) / n : null,
                PgRowsWrittenPerRenewal = statsBefore is not null && statsAfter is not null ? (statsAfter.RowsWritten - statsBefore.RowsWritten) / n : null,
                EfWriteTransactionsPerRenewal = ef.WriteTransactions / n,
                EfCommandsPerRenewal = ef.Commands / n,
                EfCommitsPerRenewal = ef.Commits / n,
                EfRollbacksPerRenewal = ef.Rollbacks / n,
                EfSavepointsPerRenewal = ef.Savepoints / n,
                EfConnectionOpensPerRenewal = ef.ConnectionOpens / n,
                EfCommandErrors = ef.CommandErrors,
                DatabaseCallMsPerRenewal = (ef.CommandMs + ef.CommitMs) / n,
                WallMsPerRenewal = watch.Elapsed.TotalMilliseconds / n,
                ProcessCpuMsPerRenewal = cpu.TotalMilliseconds / n,
                PostgresBackendCpuMsPerRenewal = backendsBefore is not null && backendsAfter is not null
                    ? backendsAfter.Sum(b => b.Value - backendsBefore.GetValueOrDefault(b.Key)) * 10.0 / n : null, // clock ticks of 10 ms
                Gen0CollectionsPerThousand = gen0 * 1000.0 / n,
                AllocatedKbPerRenewal = allocated / 1024.0 / n,
                GcPauseMsPerRenewal = paused.TotalMilliseconds / n,
                MethodsJitted = jitted, JitSeconds = jitTime.TotalSeconds,
                Checks = checks,
                Statements = ef.Statements,
            };
            report.Results.Add(result);
            Console.WriteLine($"   write tx/renewal {result.WriteTransactionsPerRenewal:N2}{(result.PgWriteTransactionsPerRenewal is { } x ? $" (xact ids {x:N2})" : "")}, write share of the DB ceiling {result.WriteShare:P0}, renewals as a share of it {result.RenewalShare:P0}; " +
                              $"{result.EfCommandsPerRenewal:N1} commands + {result.EfCommitsPerRenewal:N1} commits per renewal, {result.DatabaseCallMsPerRenewal:N2} of {result.WallMsPerRenewal:N2} ms in database calls, " +
                              $"CPU here {result.ProcessCpuMsPerRenewal:N2} ms, {result.AllocatedKbPerRenewal:N0} KB allocated, GC pauses {result.GcPauseMsPerRenewal:N2} ms, {result.MethodsJitted:N0} methods compiled in {result.JitSeconds:N2} s{(result.PostgresBackendCpuMsPerRenewal is { } b ? $", PostgreSQL backends {b:N2} ms" : "")}");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var stamp = report.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var baseName = Path.Combine(options.OutputDirectory, $"{stamp}-billing-{options.Label}");
        await File.WriteAllTextAsync(baseName + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        var markdown = report.ToMarkdown();
        await File.WriteAllTextAsync(baseName + ".md", markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Written: {baseName}.json, .md");
        return 0;
    }

    /// <summary>
    /// The planner's statistics brought up to date, as autovacuum keeps them on a database in use (it looks once a
    /// minute; a bench database filled seconds ago has none yet): without them PostgreSQL plans for the empty tables of
    /// the migration, and a connection's prepared statements keep those plans.
    /// </summary>
    private static async Task AnalyzeAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
    }

    /// <summary>What <c>bill</c> does for renewals: one scope, Encore's BillingRun, one pass over everything due.</summary>
    private static async Task<int> RunEncoreBillingAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
        return summary.Charged;
    }

    /// <summary>
    /// Every subscription of the run charged exactly once: one renewal charge each (payment 1, attempt 1, succeeded),
    /// one paid renewal order with its line, the subscription moved to payment 2 and unlocked, and in the Sandbox's
    /// ledger exactly one succeeded off-session intent per customer under the charge's key. Throws otherwise.
    /// </summary>
    private static async Task<string> VerifyAsync(IServiceProvider services, string tag, int expected, int charged)
    {
        // The checks join tens of thousands of rows: planned on an empty table's statistics, one took over the command's
        // 30 s time-out.
        await AnalyzeAsync(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
        var marker = BillingSeed.Marker(tag);
        var subscriptions = db.Subscriptions.Where(s => s.BuyerName == marker);
        var ids = subscriptions.Select(s => (Guid?)s.Id);
        var customers = subscriptions.Select(s => s.GatewayCustomerId);
        var count = await subscriptions.CountAsync();
        var moved = await subscriptions.CountAsync(s => s.Status == SubscriptionStatus.Active && s.NextPayment == 2 && s.PaymentsMade == 2 &&
                                                        s.FailedAttempts == 0 && s.LockedUntil == null && s.NextChargeAt != null);
        var renewalCharges = db.Charges.Where(c => c.Kind == ChargeKind.Renewal && ids.Contains(c.SubscriptionId));
        var chargeCount = await renewalCharges.CountAsync();
        var chargedSubscriptions = await renewalCharges.Select(c => c.SubscriptionId).Distinct().CountAsync();
        var succeeded = await renewalCharges.CountAsync(c => c.Status == ChargeStatus.Succeeded && c.PaymentIndex == 1 && c.Attempt == 1 && c.GatewayPaymentId != null);
        var orders = db.Orders.Where(o => ids.Contains(o.SubscriptionId));
        var orderCount = await orders.CountAsync();
        var paidOrders = await orders.CountAsync(o => o.Status == OrderStatus.Paid && o.PaymentIndex == 1);
        var lines = await db.OrderLines.CountAsync(l => l.Kind == OrderLineKind.Renewal && ids.Contains(l.SubscriptionId) && l.Amount == BillingSeed.Amount);
        var intents = db.SandboxPaymentIntents.Where(i => customers.Contains(i.CustomerId));
        var intentCount = await intents.CountAsync();
        var succeededIntents = await intents.CountAsync(i => i.Status == EncoreWeb::Encore.Web.Payments.Sandbox.SandboxIntentStatus.Succeeded && i.OffSession && i.Amount == BillingSeed.Amount);
        var intentCustomers = await intents.Select(i => i.CustomerId).Distinct().CountAsync();
        var keysMatch = await intents.CountAsync(i => renewalCharges.Any(c => c.IdempotencyKey == i.IdempotencyKey && c.GatewayPaymentId == i.Id));
        var facts = new (string Name, int Value)[]
        {
            ("billed", charged), ("subscriptions", count), ("moved to payment 2", moved), ("renewal charges", chargeCount),
            ("subscriptions charged", chargedSubscriptions), ("charges succeeded", succeeded), ("renewal orders", orderCount),
            ("orders paid", paidOrders), ("renewal lines", lines), ("sandbox intents", intentCount), ("intents succeeded off-session", succeededIntents),
            ("customers charged", intentCustomers), ("intents matching their charge's key", keysMatch),
        };
        var text = string.Join(", ", facts.Select(f => $"{f.Name} {f.Value:N0}"));
        if (facts.Any(f => f.Value != expected))
            throw new InvalidOperationException($"Billing run '{tag}' did not charge each of the {expected:N0} subscriptions exactly once: {text}");
        return $"all {expected:N0}: {text}";
    }

    /// <summary>
    /// src/Encore.Web, from the manifest the Mvc.Testing build writes next to this tool (the factory itself looks for
    /// it in the current directory only, and bench/run.sh runs from the repository's root).
    /// </summary>
    private static string EncoreContentRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest))!;
        return roots[typeof(EncoreProgram).Assembly.FullName!];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";

    /// <summary>CPU time (clock ticks: user + system) of each PostgreSQL backend connected to this database, from /proc.</summary>
    private static async Task<Dictionary<int, long>?> BackendCpuAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        var pids = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
        var cpu = new Dictionary<int, long>();
        foreach (var pid in pids)
        {
            try
            {
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
                cpu[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            }
            catch (IOException)
            {
                // Not on this machine (a remote server) or gone: not counted.
            }
        }
        return cpu.Count == 0 ? null : cpu;
    }
}
