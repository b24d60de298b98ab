using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Bench;

// Encore's load generator: complete buyer journeys over HTTP against a running Encore, and, in the same run,
// two ceilings on the same machine (a minimal Kestrel endpoint, and single-row insert transactions on the same
// database) so that results are ratios that survive a noisy machine. See bench/README.md.
var options = BenchOptions.Parse(args);
if (options.Mode == "billing") return await BillingBench.RunAsync(options);
if (options.Mode != "journeys") throw new ArgumentException($"Unknown --mode {options.Mode}: journeys or billing.");
var report = new BenchReport { Label = options.Label, Url = options.Url, StartedAt = DateTimeOffset.UtcNow, Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}" };

// Warm-up, not measured: JIT, connection pools and caches settle before the first level, so that level (and the
// open-loop rate taken from the peak) measures Encore running, not Encore starting.
if (options.WarmUp > TimeSpan.Zero)
{
    Console.WriteLine($"== warm-up, {options.WarmUp.TotalSeconds:N0} s at concurrency {options.Concurrency.Max()} (not measured)");
    await Journeys.RunAsync(options with { Duration = options.WarmUp }, options.Concurrency.Max());
}

foreach (var concurrency in options.Concurrency)
{
    Console.WriteLine($"== concurrency {concurrency}");
    var http = await HttpCeiling.RunAsync(concurrency, options.Duration);
    Console.WriteLine($"   HTTP ceiling: {http.RequestsPerSecond:N0} req/s, p99 {http.P99Ms:N2} ms");
    var db = options.Database is null ? null : await DatabaseCeiling.RunAsync(options.Database, concurrency, options.Duration);
    if (db is not null) Console.WriteLine($"   DB ceiling: {db.TransactionsPerSecond:N0} insert tx/s");
    var before = await DbStats.ReadAsync(options.Database);
    var journeys = await Journeys.RunAsync(options, concurrency);
    var after = await DbStats.ReadAsync(options.Database);
    if (before is not null && after is not null && journeys.Journeys > 0)
        journeys = journeys with
        {
            CommitsPerJourney = (after.Commits - before.Commits) / (double)journeys.Journeys,
            RowsWrittenPerJourney = (after.RowsWritten - before.RowsWritten) / (double)journeys.Journeys,
            WriteTransactionsPerJourney = (after.TransactionId - before.TransactionId - 1) / (double)journeys.Journeys,
        };
    Console.WriteLine($"   Encore: {journeys.JourneysPerSecond:N1} journeys/s, {journeys.RequestsPerSecond:N0} req/s, errors {journeys.Errors}");
    foreach (var (name, stats) in journeys.Endpoints) Console.WriteLine($"     {name,-10} n={stats.Count,6} p50 {stats.P50Ms,7:N2}  p95 {stats.P95Ms,7:N2}  p99 {stats.P99Ms,7:N2}  max {stats.MaxMs,8:N2} ms");
    report.Runs.Add(new BenchRun(concurrency, journeys, http, db));
    if (options.PeerUrl is not null) report.Peer.Add(await PeerCheckout.CompareAsync(options, options.PeerUrl, options.PeerDatabase, concurrency));
}

if (options.RateShare > 0 && report.Runs.Count > 0)
{
    var peak = report.Runs.MaxBy(r => r.Encore.JourneysPerSecond)!;
    var rate = peak.Encore.JourneysPerSecond * options.RateShare;
    Console.WriteLine($"== open loop at {options.RateShare:P0} of peak ({peak.Encore.JourneysPerSecond:N1} journeys/s at concurrency {peak.Concurrency}): {rate:N1} journeys/s");
    var lag = new Latencies();
    var maxInFlight = 0;
    var before = await DbStats.ReadAsync(options.Database);
    var open = await OpenLoop.RunAsync(options, rate, lag, m => maxInFlight = m);
    var after = await DbStats.ReadAsync(options.Database);
    if (before is not null && after is not null && open.Journeys > 0)
        open = open with { WriteTransactionsPerJourney = (after.TransactionId - before.TransactionId - 1) / (double)open.Journeys };
    report.OpenLoop = new OpenLoopResult(options.RateShare, peak.Encore.JourneysPerSecond, peak.Concurrency, rate, open, lag.Stats(), maxInFlight,
        report.Runs.Max(r => r.DatabaseCeiling?.TransactionsPerSecond));
    Console.WriteLine($"   Encore: {open.JourneysPerSecond:N1} journeys/s, errors {open.Errors}, max in flight {maxInFlight}, start lag p99 {lag.Stats().P99Ms:N2} ms");
    foreach (var (name, stats) in open.Endpoints) Console.WriteLine($"     {name,-10} n={stats.Count,6} p50 {stats.P50Ms,7:N2}  p95 {stats.P95Ms,7:N2}  p99 {stats.P99Ms,7:N2}  max {stats.MaxMs,8:N2} ms");
}

Directory.CreateDirectory(options.OutputDirectory);
var stamp = report.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var baseName = Path.Combine(options.OutputDirectory, $"{stamp}-{options.Label}");
await File.WriteAllTextAsync(baseName + ".json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
var markdown = report.ToMarkdown() + report.ToPeerMarkdown();
await File.WriteAllTextAsync(baseName + ".md", markdown);
await File.WriteAllTextAsync(baseName + ".svg", report.ToLatencyChartSvg());
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"Written: {baseName}.json, .md, .svg");
return 0;
