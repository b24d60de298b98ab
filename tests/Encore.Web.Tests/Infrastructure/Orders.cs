using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Real orders on the demo funnel for the seller's order pages and refunds, and the seller's view of them.</summary>
public static class Orders
{
    /// <summary>A buyer checks out (main 47.00 + bump 17.00) with a unique e-mail, and optionally accepts the 97.00 offer.</summary>
    public static async Task<(Guid OrderId, string Email, Buyer Buyer)> BuyAsync(
        EncoreApp app, string? email = null, bool acceptOffer = false, string paymentMethod = SandboxTestCards.Visa)
    {
        email ??= $"buyer-{Guid.NewGuid():N}@example.com";
        var buyer = new Buyer(app.CreateClient());
        var response = await Buyer.PostCheckoutAsync(buyer.Client, new
        {
            funnel = Buyer.Funnel,
            email,
            name = "Ann Buyer",
            paymentMethod,
            bumps = new[] { Buyer.Bump },
            savePaymentMethodForOffers = true,
        });
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;
        var orderId = body["orderId"]?.GetValue<Guid>() ?? (await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync()));
        if (body["sessionToken"]?.GetValue<string>() is { } token) buyer.UseToken(token);
        if (acceptOffer)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        }
        return (orderId, email, buyer);
    }

    /// <summary>The demo seller's API client (who owns the demo funnel's orders).</summary>
    public static async Task<HttpClient> DemoApiAsync(EncoreApp app) =>
        app.ApiClient(await Sellers.CreateApiKeyAsync(await app.SignInAsDemoAsync()));

    public static Task<OrderLine> LineAsync(EncoreApp app, Guid orderId, OrderLineKind kind) =>
        app.QueryAsync(db => db.OrderLines.AsNoTracking().SingleAsync(l => l.OrderId == orderId && l.Kind == kind));

    public static Task<HttpResponseMessage> RefundAsync(HttpClient api, Guid orderId, Guid lineId, long? amount, string? key, string? reason = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/seller/orders/{orderId}/lines/{lineId}/refunds")
        {
            Content = amount is null && reason is null ? JsonContent.Create(new { }) : JsonContent.Create(new { amount, reason }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return api.SendAsync(request);
    }

    /// <summary>What the Sandbox gateway's own ledger refunded on the payment of one Encore charge.</summary>
    public static Task<List<SandboxRefund>> SandboxRefundsAsync(EncoreApp app, Guid chargeId) => app.QueryAsync(db =>
        db.SandboxRefunds.AsNoTracking()
            .Where(r => db.Charges.Any(c => c.Id == chargeId && c.GatewayPaymentId == r.PaymentIntentId))
            .ToListAsync());

    /// <summary>Inserts a bare order straight into the database: cheap rows for paging and filters.</summary>
    public static Task InsertOrdersAsync(EncoreApp app, string email, DateTimeOffset start, int count, Guid? funnelId = null, OrderStatus status = OrderStatus.Paid) =>
        app.QueryAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                db.Orders.Add(new Order
                {
                    Id = Guid.CreateVersion7(),
                    SellerId = DemoSeed.SellerId,
                    FunnelId = funnelId ?? DemoSeed.FunnelId,
                    FunnelVersionId = DemoSeed.VersionId,
                    Email = email,
                    BuyerName = "Row " + i,
                    Currency = "USD",
                    Status = status,
                    ReceiptTokenHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                    CreatedAt = start.AddMinutes(i),
                });
            }
            return await db.SaveChangesAsync();
        });
}
