using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>A new seller (through the seller API) with a $19 workbook sold as the main product of a published funnel without offers.</summary>
public sealed record WorkbookShop(HttpClient Api, Guid SellerId, Guid Product, string Slug)
{
    public static async Task<WorkbookShop> PublishAsync(EncoreApp app, string slugPrefix)
    {
        var api = await app.NewSellerApiAsync();
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Calm Workbook", description = "A workbook.", topics = new[] { "anxiety" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 1900, currency = "USD" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var slug = slugPrefix + Guid.NewGuid().ToString("N")[..10];
        var funnel = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels",
            new { name = "Workbook", slug, windowMinutes = 30, main = new { priceId = price } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnel}/publish", null), HttpStatusCode.OK);
        var sellerId = await app.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.SellerId).SingleAsync());
        return new WorkbookShop(api, sellerId, product, slug);
    }

    /// <summary>A buyer's checkout through the buyer API with a fresh address: the order and its receipt link.</summary>
    public async Task<(Guid OrderId, string ReceiptUrl)> BuyAsync(HttpClient client)
    {
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Slug, email = $"buyer-{Guid.NewGuid():N}@example.com", name = "Bea Buyer", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        return (checkout["orderId"]!.GetValue<Guid>(), checkout["receiptUrl"]!.GetValue<string>());
    }
}
