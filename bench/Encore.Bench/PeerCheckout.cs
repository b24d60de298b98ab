using System.Diagnostics;

namespace Encore.Bench;

/// <summary>One system's checkouts at one concurrency: the whole checkout (the sum of its calls) and each call.</summary>
public sealed record CheckoutResult(
    string System, int Concurrency, double Seconds, int Checkouts, int Errors, double CheckoutsPerSecond,
    LatencyStats Checkout, Dictionary<string, LatencyStats> Calls, List<string> SampleErrors)
{
    /// <summary>Measured on PostgreSQL (pg_stat_database of the system's own database): committed transactions per checkout.</summary>
    public double? CommitsPerCheckout { get; init; }

    /// <summary>Measured on PostgreSQL: rows inserted, updated or deleted per checkout.</summary>
    public double? RowsWrittenPerCheckout { get; init; }
}

/// <summary>Encore's checkout alone against the peer's (Vendure's) checkout, at the same concurrency, one after the other.</summary>
public sealed record PeerComparison(int Concurrency, CheckoutResult Encore, CheckoutResult Peer);

public static class PeerCheckout
{
    /// <summary>Encore's checkout-only loop, then Vendure's, never both at once.</summary>
    public static async Task<PeerComparison> CompareAsync(BenchOptions options, string peerUrl, string? peerDatabase, int concurrency)
    {
        // Each system first runs its checkout unmeasured for a few seconds at this concurrency (JIT, pools, caches).
        var warmUp = TimeSpan.FromSeconds(Math.Min(3, options.Duration.TotalSeconds));
        await CheckoutOnly.RunAsync(options, concurrency, warmUp);
        var encore = await MeasureAsync(options.Database, () => CheckoutOnly.RunAsync(options, concurrency, options.Duration));
        Print(encore);
        await VendurePeer.RunAsync(peerUrl, warmUp, concurrency, options.PeerName);
        var peer = await MeasureAsync(peerDatabase, () => VendurePeer.RunAsync(peerUrl, options.Duration, concurrency, options.PeerName));
        Print(peer);
        return new PeerComparison(concurrency, encore, peer);
    }

    private static async Task<CheckoutResult> MeasureAsync(string? database, Func<Task<CheckoutResult>> run)
    {
        var before = await DbStats.ReadAsync(database);
        var result = await run();
        var after = await DbStats.ReadAsync(database);
        return before is null || after is null || result.Checkouts == 0 ? result : result with
        {
            CommitsPerCheckout = (after.Commits - before.Commits) / (double)result.Checkouts,
            RowsWrittenPerCheckout = (after.RowsWritten - before.RowsWritten) / (double)result.Checkouts,
        };
    }

    private static void Print(CheckoutResult result)
    {
        Console.WriteLine($"   {result.System} checkout: {result.CheckoutsPerSecond:N1} checkouts/s, p50 {result.Checkout.P50Ms:N2} p99 {result.Checkout.P99Ms:N2} ms, errors {result.Errors}");
        foreach (var (name, stats) in result.Calls) Console.WriteLine($"     {name,-24} n={stats.Count,6} p50 {stats.P50Ms,7:N2}  p95 {stats.P95Ms,7:N2}  p99 {stats.P99Ms,7:N2}  max {stats.MaxMs,8:N2} ms");
        foreach (var error in result.SampleErrors) Console.WriteLine($"     error: {error}");
    }
}

/// <summary>
/// The closed loop shared by both checkouts: as many workers as the concurrency, each running one checkout after
/// another until the duration is over. A checkout's latency is the sum of its calls' latencies.
/// </summary>
internal sealed class CheckoutLoop
{
    private readonly Dictionary<string, Latencies> _calls;
    private readonly Latencies _whole = new();
    private readonly List<string> _sampleErrors = [];
    private readonly string _system;
    private int _checkouts;
    private int _errors;

    public CheckoutLoop(string system, IEnumerable<string> callNames)
    {
        _system = system;
        _calls = callNames.ToDictionary(n => n, _ => new Latencies());
    }

    /// <summary>Runs <paramref name="checkout"/> (worker index, the checkout's timer) in a loop on each worker.</summary>
    public async Task<CheckoutResult> RunAsync(int concurrency, TimeSpan duration, Func<int, Attempt, Task> checkout)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(index => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var attempt = new Attempt(this);
                try
                {
                    await checkout(index, attempt);
                    _whole.Add(attempt.TotalMs);
                    Interlocked.Increment(ref _checkouts);
                }
                catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    Interlocked.Increment(ref _errors);
                    lock (_sampleErrors) if (_sampleErrors.Count < 5) _sampleErrors.Add(exception.Message);
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return new CheckoutResult(_system, concurrency, seconds, _checkouts, _errors, _checkouts / seconds, _whole.Stats(),
            _calls.Where(c => c.Value.Stats().Count > 0).ToDictionary(c => c.Key, c => c.Value.Stats()), _sampleErrors);
    }

    /// <summary>One checkout's calls: each timed (response body read included) and added to the checkout's total.</summary>
    internal sealed class Attempt(CheckoutLoop loop)
    {
        public double TotalMs { get; private set; }

        public async Task<HttpResponseMessage> Timed(string name, Func<Task<HttpResponseMessage>> call)
        {
            var watch = Stopwatch.StartNew();
            var response = await call();
            await response.Content.LoadIntoBufferAsync();
            var elapsed = watch.Elapsed.TotalMilliseconds;
            loop._calls[name].Add(elapsed);
            TotalMs += elapsed;
            return response;
        }
    }
}
