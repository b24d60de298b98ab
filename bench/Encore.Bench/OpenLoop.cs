using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>An open-loop run: journeys started on a fixed schedule at a share of the peak rate found closed-loop.</summary>
public sealed record OpenLoopResult(double RateShare, double PeakJourneysPerSecond, int PeakConcurrency, double TargetJourneysPerSecond,
    JourneyResult Encore, LatencyStats StartLag, int MaxInFlight, double? DatabaseCeilingTransactionsPerSecond);

/// <summary>
/// Starts journey k at t0 + k / rate whatever happened to the others (no worker pool: a slow response never
/// delays the next start, so there is no coordinated omission). Each request is timed from when it was due:
/// a journey's first request from its scheduled start (so any lag of the load generator counts against
/// Encore), every later one from the moment the previous response of the same journey arrived.
/// </summary>
public static class OpenLoop
{
    public static async Task<JourneyResult> RunAsync(BenchOptions options, double rate, Latencies startLag, Action<int> reportInFlight)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(30) };
        var funnel = await client.GetFromJsonAsync<JsonObject>($"/api/v1/funnels/{options.Slug}") ?? throw new InvalidOperationException("No funnel");
        var bumpId = funnel["bumps"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<Guid>();
        // Warm enough connections for the expected number in flight, so the first seconds do not pay for TCP set-up.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => client.GetAsync($"/api/v1/funnels/{options.Slug}")));

        var latencies = new Dictionary<string, Latencies>();
        foreach (var name in new[] { "funnel", "checkout", "offer", "accept", "decline", "order" }) latencies[name] = new Latencies();
        int journeys = 0, requests = 0, errors = 0, inFlight = 0, maxInFlight = 0;
        var sampleErrors = new List<string>();
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (int)Math.Floor(rate * options.Duration.TotalSeconds);

        async Task Journey(int k, TimeSpan due)
        {
            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen) { }
            startLag.Add((clock.Elapsed - due).TotalMilliseconds);
            var random = new Random(options.Seed + k);
            async Task<HttpResponseMessage> Timed(string name, Func<Task<HttpResponseMessage>> call, int index)
            {
                var from = index == 0 ? due : clock.Elapsed;
                var response = await call();
                await response.Content.LoadIntoBufferAsync();
                latencies[name].Add((clock.Elapsed - from).TotalMilliseconds);
                Interlocked.Increment(ref requests);
                return response;
            }
            try
            {
                await Journeys.RunOneAsync(client, options, bumpId, random, k % 64, Timed);
                Interlocked.Increment(ref journeys);
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
                lock (sampleErrors) if (sampleErrors.Count < 5) sampleErrors.Add(exception.Message);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        for (var k = 0; k < total; k++)
        {
            var due = TimeSpan.FromSeconds(k / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            running.Add(Task.Run(() => Journey(k, due)));
        }
        var scheduleSeconds = total / rate;
        await Task.WhenAll(running);
        reportInFlight(maxInFlight);
        // Throughput over the schedule's length (the time the starts took); the last journeys finish after it.
        return new JourneyResult(0, scheduleSeconds, journeys, requests, errors, journeys / scheduleSeconds, requests / scheduleSeconds,
            latencies.Where(l => l.Value.Stats().Count > 0).ToDictionary(l => l.Key, l => l.Value.Stats()), sampleErrors);
    }
}
