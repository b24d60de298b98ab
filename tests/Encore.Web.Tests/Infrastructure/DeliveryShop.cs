using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// A seller (made through the seller API) whose one-time product delivers a file and a text, sold by a funnel without
/// offers; buyers check out through the buyer API.
/// </summary>
public sealed class DeliveryShop(HttpClient api, HttpClient pages, string slug, string sellerName, Guid sellerId)
{
    public const string FileText = "Breathe in for four, hold for seven, out for eight.";
    public const string BonusText = "Your bonus code is CALM-2026.";

    public HttpClient Api { get; } = api;

    /// <summary>The seller's pages, signed in.</summary>
    public HttpClient Pages { get; } = pages;
    public string Slug { get; } = slug;
    public string SellerName { get; } = sellerName;
    public Guid SellerId { get; } = sellerId;

    public static async Task<DeliveryShop> PublishAsync(EncoreApp app, string sellerName)
    {
        var (pages, _) = await app.SignUpAsync(sellerName);
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(pages));
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Sleep Guide", description = "A guide to sleep.", topics = new[] { "sleep" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 2500, currency = "USD" }), HttpStatusCode.Created);

        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("The sleep guide"), "title");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(FileText));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "sleep-guide.txt");
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/products/{product}/deliverables/files", form), HttpStatusCode.Created);
        await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/deliverables",
            new { kind = "text", title = "Your bonus", text = BonusText }), HttpStatusCode.Created);

        var slug = "sleep-" + Guid.NewGuid().ToString("N")[..10];
        var definition = new { name = "Sleep", slug, windowMinutes = 30, main = new { priceId = price["id"]!.GetValue<Guid>() }, steps = Array.Empty<object>(), entryStepId = (string?)null };
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", definition), HttpStatusCode.Created);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{created["id"]}/publish", null), HttpStatusCode.OK);
        var sellerId = await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Funnels.Where(f => f.Slug == slug).Select(f => f.SellerId)));
        return new DeliveryShop(api, pages, slug, sellerName, sellerId);
    }

    /// <summary>A buyer's checkout through the API: 201, and the order's id.</summary>
    public async Task<Guid> BuyAsync(EncoreApp app, string email, string name = "Ann Buyer")
    {
        var body = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Slug, email, name, paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        return body["orderId"]!.GetValue<Guid>();
    }
}
