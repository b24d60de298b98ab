using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// A new seller who sells a recurring product through a published funnel of its own (made on the seller API), and the
/// buyers who subscribe by checking out on the buyer API: the checkout's settlement starts each subscription.
/// </summary>
public sealed class SellerSubscriptionShop
{
    private readonly EncoreApp _app;
    private readonly string _email;

    private SellerSubscriptionShop(EncoreApp app, string email, HttpClient pages, HttpClient api, Guid sellerId)
    {
        _app = app;
        _email = email;
        Pages = pages;
        Api = api;
        SellerId = sellerId;
    }

    /// <summary>The seller signed in on the pages (with the seller's cookie; see <see cref="SignInAgainAsync"/>).</summary>
    public HttpClient Pages { get; private set; }

    /// <summary>The seller API, with the seller's key.</summary>
    public HttpClient Api { get; }

    public Guid SellerId { get; }

    /// <summary>The first product and its funnel (<see cref="OpenAsync"/>'s).</summary>
    public Funnel Main { get; private set; } = null!;

    public sealed record Funnel(Guid ProductId, string ProductName, Guid FunnelId, string Slug);

    public static async Task<SellerSubscriptionShop> OpenAsync(
        EncoreApp app, string productName = "Sleep Club", long amount = 2900, string interval = "month", int trialDays = 0, string currency = "USD")
    {
        var (pages, email) = await app.SignUpAsync("Subscription Studio");
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(pages));
        var sellerId = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.SellerId).SingleAsync());
        var shop = new SellerSubscriptionShop(app, email, pages, api, sellerId);
        shop.Main = await shop.SellAsync(productName, amount, interval, trialDays, currency);
        return shop;
    }

    /// <summary>Signs the seller in again: the sign-in cookie expires (8 hours) when a test moves the clock on by a billing period.</summary>
    public async Task SignInAgainAsync() => Pages = await _app.SignInAsync(_email, Sellers.Password);

    /// <summary>A recurring product of this seller, its price and a published funnel that sells it as the main product.</summary>
    public async Task<Funnel> SellAsync(string productName, long amount = 2900, string interval = "month", int trialDays = 0, string currency = "USD")
    {
        var product = (await Buyer.ReadAsync(await Api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = productName, description = productName + ".", topics = new[] { "sleep" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = await Buyer.ReadAsync(await Api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount, currency, recurring = new { interval, intervalCount = 1, trialDays, payments = (int?)null } }), HttpStatusCode.Created);
        var slug = $"club-{Guid.NewGuid():N}"[..20];
        var funnel = (await Buyer.ReadAsync(await Api.PostAsJsonAsync("/api/v1/seller/funnels",
            new { name = productName + " funnel", slug, windowMinutes = 30, main = new { priceId = price["id"]!.GetValue<Guid>(), terms = SellerTerms.For(price) } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await Buyer.ReadAsync(await Api.PostAsync($"/api/v1/seller/funnels/{funnel}/publish", null), HttpStatusCode.OK);
        return new Funnel(product, productName, funnel, slug);
    }

    /// <summary>A buyer checks out on the funnel (the main product only); returns the subscription the payment started.</summary>
    public async Task<Guid> SubscribeAsync(string? email = null, string paymentMethod = "pm_card_visa", Funnel? funnel = null)
    {
        email ??= $"subscriber-{Guid.NewGuid():N}@example.com";
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(_app.CreateClient(), new
        {
            funnel = (funnel ?? Main).Slug, email, name = "Sam Subscriber", paymentMethod, bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        return await _app.QueryAsync(db => db.Subscriptions.Where(s => s.OrderId == orderId).Select(s => s.Id).SingleAsync());
    }
}
