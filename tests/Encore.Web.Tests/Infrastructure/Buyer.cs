using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>A buyer on the JSON API: checkout, look at the offer, accept or decline it.</summary>
public sealed class Buyer(HttpClient client)
{
    public const string Funnel = "calm-your-anxiety";
    public static readonly Guid Bump = DemoSeed.BumpId;
    public static readonly Guid OfferStep = DemoSeed.OfferStepId;
    public static readonly Guid DownsellStep = DemoSeed.DownsellStepId;

    public HttpClient Client { get; } = client;

    public string? Token { get; private set; }

    public Guid OrderId { get; private set; }

    public JsonNode? LastCheckout { get; private set; }

    /// <summary>Takes over a session whose checkout was placed by hand.</summary>
    public void UseToken(string token) => Token = token;

    public static Task<HttpResponseMessage> PostCheckoutAsync(HttpClient client, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkouts") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// <summary>Checks out with the card saved for offers; asserts 201 and keeps the session token.</summary>
    public async Task<JsonNode> CheckoutAsync(string paymentMethod = "pm_card_visa", bool withBump = true, bool saveCard = true)
    {
        var response = await PostCheckoutAsync(Client, new
        {
            funnel = Funnel,
            email = "ann@example.com",
            name = "Ann Buyer",
            paymentMethod,
            bumps = withBump ? new[] { Bump } : [],
            savePaymentMethodForOffers = saveCard,
        });
        var body = await ReadAsync(response, HttpStatusCode.Created);
        Token = body["sessionToken"]?.GetValue<string>();
        OrderId = body["orderId"]!.GetValue<Guid>();
        LastCheckout = body;
        return body;
    }

    public async Task<JsonNode> GetOfferAsync()
    {
        var response = await Client.GetAsync($"/api/v1/offers/{Token}");
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public async Task<string> DisclosureHashAsync() =>
        (await GetOfferAsync())["step"]!["disclosure"]!["sha256"]!.GetValue<string>();

    /// <param name="clientAddress">The address the buyer connects from (the test server has none of its own).</param>
    /// <param name="forwardedFor">An <c>X-Forwarded-For</c> header, believed only from a listed proxy.</param>
    public Task<HttpResponseMessage> AcceptAsync(
        Guid stepId, string sha256, string? idempotencyKey = null, string? userAgent = null, string? clientAddress = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offers/{Token}/accept")
        {
            Content = JsonContent.Create(new { stepId, disclosureSha256 = sha256 }),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        if (userAgent is not null) request.Headers.UserAgent.ParseAdd(userAgent);
        if (clientAddress is not null) request.Headers.Add(TestRemoteAddress.Header, clientAddress);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return Client.SendAsync(request);
    }

    /// <summary>The same call with the token as <c>Authorization: Bearer</c> and <c>current</c> in the path.</summary>
    public Task<HttpResponseMessage> SendAsBearerAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, $"/api/v1/offers/current{path}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Client.SendAsync(request);
    }

    /// <summary>Accepts the current step with the hash the API shows; asserts 200.</summary>
    public async Task<JsonNode> AcceptCurrentAsync(Guid stepId) =>
        await ReadAsync(await AcceptAsync(stepId, await DisclosureHashAsync()), HttpStatusCode.OK);

    public Task<HttpResponseMessage> DeclineAsync(Guid stepId) =>
        Client.PostAsJsonAsync($"/api/v1/offers/{Token}/decline", new { stepId });

    public async Task<JsonNode> GetOrderAsync() =>
        await ReadAsync(await Client.GetAsync($"/api/v1/offers/{Token}/order"), HttpStatusCode.OK);

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await ReadAsync(response, expected);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        return body;
    }

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
