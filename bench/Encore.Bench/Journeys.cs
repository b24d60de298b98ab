using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

public sealed record JourneyResult(
    int Concurrency, double Seconds, int Journeys, int Requests, int Errors, double JourneysPerSecond, double RequestsPerSecond,
    Dictionary<string, LatencyStats> Endpoints, List<string> SampleErrors)
{
    /// <summary>Measured on PostgreSQL (pg_stat_database): committed transactions per journey, read-only ones included.</summary>
    public double? CommitsPerJourney { get; init; }

    /// <summary>Measured on PostgreSQL: rows inserted, updated or deleted per journey (the Sandbox gateway's ledger included).</summary>
    public double? RowsWrittenPerJourney { get; init; }

    /// <summary>Measured on PostgreSQL: transaction ids assigned per journey, i.e. transactions that wrote (server-wide).</summary>
    public double? WriteTransactionsPerJourney { get; init; }
}

/// <summary>
/// Complete buyer journeys over the JSON API: the funnel, a checkout (a bump half the time) keeping the card,
/// the offer, accept or decline by a seeded mix, the downsell after a decline, then the order.
/// </summary>
public static class Journeys
{
    public static async Task<JourneyResult> RunAsync(BenchOptions options, int concurrency)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(30) };
        var funnel = await client.GetFromJsonAsync<JsonObject>($"/api/v1/funnels/{options.Slug}") ?? throw new InvalidOperationException("No funnel");
        var bumpId = funnel["bumps"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<Guid>();

        var latencies = new Dictionary<string, Latencies>();
        foreach (var name in new[] { "funnel", "checkout", "offer", "accept", "decline", "order" }) latencies[name] = new Latencies();
        var journeys = 0;
        var requests = 0;
        var errors = 0;
        var sampleErrors = new List<string>();
        var deadline = Stopwatch.StartNew();

        async Task<HttpResponseMessage> Timed(string name, Func<Task<HttpResponseMessage>> call)
        {
            var watch = Stopwatch.StartNew();
            var response = await call();
            await response.Content.LoadIntoBufferAsync();
            latencies[name].Add(watch.Elapsed.TotalMilliseconds);
            Interlocked.Increment(ref requests);
            return response;
        }

        async Task Worker(int index)
        {
            var random = new Random(options.Seed + index);
            while (deadline.Elapsed < options.Duration)
            {
                try
                {
                    await RunOneAsync(client, options, bumpId, random, index, (name, call, _) => Timed(name, call));
                    Interlocked.Increment(ref journeys);
                }
                catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    lock (sampleErrors) if (sampleErrors.Count < 5) sampleErrors.Add(exception.Message);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Worker(i))));
        var seconds = deadline.Elapsed.TotalSeconds;
        return new JourneyResult(concurrency, seconds, journeys, requests, errors, journeys / seconds, requests / seconds,
            latencies.Where(l => l.Value.Stats().Count > 0).ToDictionary(l => l.Key, l => l.Value.Stats()), sampleErrors);
    }

    /// <summary>
    /// One buyer journey. <paramref name="timed"/> sends a request and measures it; its third argument is the
    /// request's index within the journey (0 for the first), so that an open-loop caller can time the first
    /// request from the journey's scheduled start.
    /// </summary>
    public static async Task RunOneAsync(HttpClient client, BenchOptions options, Guid? bumpId, Random random, int index,
        Func<string, Func<Task<HttpResponseMessage>>, int, Task<HttpResponseMessage>> timed)
    {
        var n = 0;
        Task<HttpResponseMessage> Timed(string name, Func<Task<HttpResponseMessage>> call) => timed(name, call, n++);
        await Timed("funnel", () => client.GetAsync($"/api/v1/funnels/{options.Slug}"));
        var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkouts")
        {
            Content = JsonContent.Create(new
            {
                funnel = options.Slug, email = $"bench{index}@example.com", name = "Bench Buyer", paymentMethod = "pm_card_visa",
                bumps = bumpId is { } b && random.NextDouble() < 0.5 ? new[] { b } : [], savePaymentMethodForOffers = true,
            }),
        };
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var placed = await Timed("checkout", () => client.SendAsync(checkout));
        if (placed.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"checkout {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        var token = (await placed.Content.ReadFromJsonAsync<JsonObject>())!["sessionToken"]!.GetValue<string>();

        for (var step = 0; step < 4; step++)
        {
            var offer = await Timed("offer", () => Send(client, HttpMethod.Get, "", token));
            var session = (await offer.Content.ReadFromJsonAsync<JsonObject>())!;
            if (session["step"] is not JsonObject current) break;
            var stepId = current["id"]!.GetValue<Guid>();
            if (random.NextDouble() < options.AcceptRate)
            {
                var accepted = await Timed("accept", () => Send(client, HttpMethod.Post, "/accept", token,
                    new { stepId, disclosureSha256 = current["disclosure"]!["sha256"]!.GetValue<string>() }, Guid.NewGuid().ToString()));
                if (!accepted.IsSuccessStatusCode) throw new InvalidOperationException($"accept {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
            }
            else
            {
                var declined = await Timed("decline", () => Send(client, HttpMethod.Post, "/decline", token, new { stepId }));
                if (!declined.IsSuccessStatusCode) throw new InvalidOperationException($"decline {(int)declined.StatusCode}: {await declined.Content.ReadAsStringAsync()}");
            }
        }
        var order = await Timed("order", () => Send(client, HttpMethod.Get, "/order", token));
        if (!order.IsSuccessStatusCode) throw new InvalidOperationException($"order {(int)order.StatusCode}");
    }

    internal static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string token, object? body = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, $"/api/v1/offers/current{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
