using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>A seller of recurring products, made through the seller API: a funnel whose main product or offer is recurring.</summary>
public sealed class SubscriptionShop(EncoreApp app, HttpClient api, string slug)
{
    public string Slug { get; } = slug;
    public HttpClient Api { get; } = api;

    /// <summary>Terms a recurring offer step needs to pass the linter, in the seller's own words.</summary>
    public const string MonthlyTrialTerms = "$29.00 every month after a 7-day free trial; cancel any time with the link in your e-mail and you pay nothing more.";

    /// <param name="main">The main product's price: amount and, when recurring, { interval, intervalCount, trialDays, payments }.</param>
    /// <param name="offer">An offer step's price and terms, or none.</param>
    public static async Task<SubscriptionShop> PublishAsync(EncoreApp app, (long Amount, object? Recurring) main, (long Amount, object? Recurring, string? Terms)? offer = null)
    {
        var api = await app.NewSellerApiAsync();
        var course = await ProductAsync(api, "Calm Course");
        var mainPrice = await PriceAsync(api, course, main.Amount, main.Recurring);
        var slug = "sub-" + Guid.NewGuid().ToString("N")[..10];
        object[] steps = [];
        if (offer is { } o)
        {
            var membership = await ProductAsync(api, "Calm Membership");
            var offerPrice = await PriceAsync(api, membership, o.Amount, o.Recurring);
            steps = [new { id = "member", priceId = offerPrice["id"]!.GetValue<Guid>(), headline = "Join the membership", body = "New sessions every week.", terms = o.Terms }];
        }
        var definition = new { name = "Calm", slug, windowMinutes = 30, main = new { priceId = mainPrice["id"]!.GetValue<Guid>(), terms = SellerTerms.For(mainPrice) }, steps, entryStepId = offer is null ? null : "member" };
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", definition), HttpStatusCode.Created);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{created["id"]}/publish", null), HttpStatusCode.OK);
        return new SubscriptionShop(app, api, slug);
    }

    /// <summary>A buyer's checkout through the API: 201 and the answer.</summary>
    public async Task<JsonNode> CheckoutAsync(HttpClient client, string paymentMethod = "pm_card_visa", string email = "ann@example.com") =>
        await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Slug,
            email,
            name = "Ann Buyer",
            paymentMethod,
            bumps = Array.Empty<Guid>(),
            savePaymentMethodForOffers = true,
        }), HttpStatusCode.Created);

    /// <summary>One billing run at the app's clock, as the background job does it.</summary>
    public static async Task<BillingRun.Summary> BillAsync(EncoreApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
    }

    public Task<Subscription> SubscriptionOfAsync(Guid orderId) =>
        app.QueryAsync(db => db.Subscriptions.AsNoTracking().SingleAsync(s => s.OrderId == orderId));

    /// <summary>A subscription's renewal charges, in order.</summary>
    public static Task<List<Charge>> RenewalsAsync(EncoreApp app, Guid subscriptionId) =>
        app.QueryAsync(db => db.Charges.AsNoTracking().Where(c => c.SubscriptionId == subscriptionId)
            .OrderBy(c => c.PaymentIndex).ThenBy(c => c.Attempt).ToListAsync());

    /// <summary>What the Sandbox's own ledger holds under a subscription's renewal keys: the gateway's side of every renewal.</summary>
    public static Task<List<string>> GatewayRenewalKeysAsync(EncoreApp app, Guid subscriptionId)
    {
        var prefix = $"encore:renewal:{subscriptionId:N}:";
        return app.QueryAsync(db => db.SandboxPaymentIntents.AsNoTracking()
            .Where(i => i.IdempotencyKey.StartsWith(prefix) && i.Status == Encore.Web.Payments.Sandbox.SandboxIntentStatus.Succeeded)
            .Select(i => i.IdempotencyKey).ToListAsync());
    }

    private static async Task<Guid> ProductAsync(HttpClient api, string name) =>
        (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name, description = name + ".", topics = new[] { "anxiety" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static async Task<JsonNode> PriceAsync(HttpClient api, Guid product, long amount, object? recurring) =>
        await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount, currency = "USD", recurring }), HttpStatusCode.Created);
}
