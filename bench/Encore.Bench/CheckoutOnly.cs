using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>
/// Encore's checkout alone, for the comparison with the peer: the funnel (GET /api/v1/funnels/{slug}) and the
/// checkout (POST /api/v1/checkouts, the same body as the journeys: the Sandbox card charged and kept for the
/// offers, a bump half the time), then nothing else.
/// </summary>
public static class CheckoutOnly
{
    public static async Task<CheckoutResult> RunAsync(BenchOptions options, int concurrency, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(30) };
        var funnel = await client.GetFromJsonAsync<JsonObject>($"/api/v1/funnels/{options.Slug}") ?? throw new InvalidOperationException("No funnel");
        var bumpId = funnel["bumps"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<Guid>();
        var randoms = Enumerable.Range(0, concurrency).Select(i => new Random(options.Seed + i)).ToArray();

        var loop = new CheckoutLoop("Encore", ["funnel", "checkout"]);
        return await loop.RunAsync(concurrency, duration, async (index, attempt) =>
        {
            var random = randoms[index];
            var shown = await attempt.Timed("funnel", () => client.GetAsync($"/api/v1/funnels/{options.Slug}"));
            if (!shown.IsSuccessStatusCode) throw new InvalidOperationException($"funnel {(int)shown.StatusCode}");
            var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkouts")
            {
                Content = JsonContent.Create(new
                {
                    funnel = options.Slug, email = $"bench{index}@example.com", name = "Bench Buyer", paymentMethod = "pm_card_visa",
                    bumps = bumpId is { } b && random.NextDouble() < 0.5 ? new[] { b } : [], savePaymentMethodForOffers = true,
                }),
            };
            checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var placed = await attempt.Timed("checkout", () => client.SendAsync(checkout));
            if (placed.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"checkout {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
        });
    }
}
