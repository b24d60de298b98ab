using System.Text.Json;
using System.Text.Json.Serialization;
using Encore.Web.Data;
using Encore.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// Everything Encore holds about one address, as one JSON document the buyer downloads from their page: orders with
/// their lines, charges (card brand and last four: Encore never has card numbers), refunds, consent records and offer
/// sessions; subscriptions; downloads and licence keys; the mails sent; webhook events that named the order; erase
/// requests and sign-in links. Every query is scoped by the address.
/// </summary>
public sealed class BuyerData(EncoreDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// A seller's export of what their orders hold about one address, recorded in the seller's audit log (by the
    /// address's SHA-256: the log keeps no buyer's address).
    /// </summary>
    public async Task<byte[]> ExportForSellerAsync(Sellers.Audit.AuditActor actor, string email, CancellationToken cancellationToken)
    {
        var document = await ExportAsync(email, cancellationToken, actor.SellerId);
        Sellers.Audit.AuditLog.Add(db, actor, clock.GetUtcNow(), Sellers.Audit.AuditActions.BuyerDataExported, null,
            new { addressSha256 = Infrastructure.SecretTokens.Hash(email) });
        await db.SaveChangesAsync(cancellationToken);
        return document;
    }

    /// <param name="email">The signed-in address, normalized.</param>
    /// <param name="sellerId">For a seller's export: only what this seller's orders hold (no other seller's, no sign-in links).</param>
    public async Task<byte[]> ExportAsync(string email, CancellationToken cancellationToken, Guid? sellerId = null)
    {
        var mine = db.Orders.Where(o => o.Email.ToLower() == email && (sellerId == null || o.SellerId == sellerId));
        var orders = await mine.AsNoTracking().AsSplitQuery()
            .Include(o => o.Lines).Include(o => o.Charges).Include(o => o.Refunds)
            .OrderBy(o => o.CreatedAt).ToListAsync(cancellationToken);
        var sellerIds = orders.Select(o => o.SellerId).Distinct().ToList();
        var sellers = await db.Sellers.AsNoTracking().Where(s => sellerIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var consents = await db.ConsentRecords.AsNoTracking().Where(c => mine.Any(o => o.Id == c.OrderId)).OrderBy(c => c.AgreedAt).ToListAsync(cancellationToken);
        var sessions = await db.PostPurchaseSessions.AsNoTracking().Where(s => mine.Any(o => o.Id == s.OrderId)).ToListAsync(cancellationToken);
        var visits = await db.StepVisits.AsNoTracking().Where(v => db.PostPurchaseSessions.Any(s => s.Id == v.SessionId && mine.Any(o => o.Id == s.OrderId)))
            .OrderBy(v => v.OfferedAt).ToListAsync(cancellationToken);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.Email.ToLower() == email && (sellerId == null || s.SellerId == sellerId)).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        var downloads = await db.Downloads.AsNoTracking().Where(d => mine.Any(o => o.Id == d.OrderId)).OrderBy(d => d.At)
            .Select(d => new { d.OrderId, d.OrderLineId, d.DeliverableId, File = db.StoredFiles.Where(f => f.Id == d.FileId).Select(f => f.FileName).FirstOrDefault(), d.IpAddress, d.At })
            .ToListAsync(cancellationToken);
        var keys = await db.LicenceKeys.AsNoTracking().Where(k => db.OrderLines.Any(l => l.Id == k.OrderLineId && mine.Any(o => o.Id == l.OrderId)))
            .Select(k => new { k.OrderLineId, k.DeliverableId, k.Key, k.AssignedAt }).ToListAsync(cancellationToken);
        var mails = await db.EmailMessages.AsNoTracking().Where(m => mine.Any(o => o.Id == m.OrderId)).OrderBy(m => m.CreatedAt)
            .Select(m => new { m.OrderId, m.Kind, m.To, m.Subject, m.Status, m.CreatedAt, m.SentAt }).ToListAsync(cancellationToken);
        var events = await db.WebhookEvents.AsNoTracking().Where(e => mine.Any(o => o.Id == e.OrderId)).OrderBy(e => e.CreatedAt)
            .Select(e => new { e.Id, e.OrderId, e.Type, e.CreatedAt, e.Payload }).ToListAsync(cancellationToken);
        var erasures = await db.BuyerEraseRequests.AsNoTracking().Where(r => r.Email == email && (sellerId == null || r.SellerId == sellerId)).OrderBy(r => r.RequestedAt).ToListAsync(cancellationToken);
        var signIns = await db.BuyerSignInLinks.AsNoTracking().Where(l => sellerId == null && l.Email == email).OrderBy(l => l.CreatedAt).ToListAsync(cancellationToken);

        string SellerName(Guid id) => sellers.GetValueOrDefault(id, "");
        var document = new
        {
            email,
            exportedAt = clock.GetUtcNow(),
            about = "Everything this Encore holds about the address: card numbers are never among it (the payment provider keeps them; " +
                    "Encore keeps the brand and last four digits). Each seller decides what to keep and erase of its own orders.",
            orders = orders.Select(o => new
            {
                id = o.Id,
                seller = new { id = o.SellerId, name = SellerName(o.SellerId) },
                o.Status, o.Email, o.BuyerName, o.Currency, o.CreatedAt, o.PaidAt, o.SubscriptionId, o.GatewayCustomerId,
                lines = o.Lines.OrderBy(l => l.CreatedAt).Select(l => new
                {
                    l.Id, l.Kind, l.ProductId, l.Name, amount = MoneyDto.From(l.Amount, l.Currency), refunded = MoneyDto.From(l.RefundedAmount, l.Currency),
                    l.Interval, l.IntervalCount, l.SubscriptionId, l.CreatedAt,
                }),
                charges = o.Charges.OrderBy(c => c.CreatedAt).Select(c => new
                {
                    c.Id, c.Kind, c.Status, amount = MoneyDto.From(c.Amount, c.Currency), card = new { brand = c.CardBrand, last4 = c.CardLast4 },
                    c.GatewayPaymentId, c.DeclineCode, c.FailureMessage, c.CreatedAt, c.SettledAt,
                }),
                refunds = o.Refunds.OrderBy(r => r.CreatedAt).Select(r => new
                {
                    r.Id, r.OrderLineId, r.Status, amount = MoneyDto.From(r.Amount, r.Currency), r.Reason, r.CreatedAt, r.SettledAt,
                }),
                consentRecords = consents.Where(c => c.OrderId == o.Id).Select(c => new
                {
                    c.Id, c.StepId, c.OrderLineId, c.DisclosureText, c.DisclosureSha256, c.AcceptLabel, amount = MoneyDto.From(c.Amount, c.Currency),
                    c.Recurrence, card = new { brand = c.CardBrand, last4 = c.CardLast4 }, c.Channel, c.IpAddress, c.UserAgent, c.AgreedAt,
                }),
                offerSession = sessions.Where(s => s.OrderId == o.Id).Select(s => new
                {
                    s.Id, s.Status, card = new { brand = s.CardBrand, last4 = s.CardLast4 }, s.GatewayCustomerId, s.PaymentMethodId, s.CreatedAt, s.ExpiresAt, s.EndedAt,
                    steps = visits.Where(v => v.SessionId == s.Id).Select(v => new { v.StepId, v.State, v.OfferedAt, v.ViewedAt, v.DecidedAt }),
                }).FirstOrDefault(),
                downloads = downloads.Where(d => d.OrderId == o.Id).Select(d => new { d.OrderLineId, d.DeliverableId, file = d.File, d.IpAddress, d.At }),
                licenceKeys = keys.Where(k => o.Lines.Any(l => l.Id == k.OrderLineId)).Select(k => new { k.OrderLineId, k.DeliverableId, k.Key, k.AssignedAt }),
                mails = mails.Where(m => m.OrderId == o.Id).Select(m => new { m.Kind, m.To, m.Subject, m.Status, m.CreatedAt, m.SentAt }),
                webhookEventsSentToTheSeller = events.Where(e => e.OrderId == o.Id).Select(e => new { e.Id, e.Type, e.CreatedAt, e.Payload }),
            }),
            subscriptions = subscriptions.Select(s => new
            {
                s.Id, seller = new { id = s.SellerId, name = SellerName(s.SellerId) }, s.OrderId, s.ProductId, s.ProductName, s.Email, s.BuyerName,
                price = new { amount = MoneyDto.From(s.Amount, s.Currency), s.Interval, s.IntervalCount, s.TrialDays, s.Payments },
                s.Status, card = new { brand = s.CardBrand, last4 = s.CardLast4 }, s.GatewayCustomerId, s.PaymentMethodId,
                s.StartedAt, s.PaymentsMade, s.NextChargeAt, s.CurrentPeriodEnd, s.CancelAtPeriodEnd, s.CanceledAt, s.CancelReason, s.EndedAt,
                s.FailedAttempts, s.LastDeclineCode, s.CreatedAt,
            }),
            eraseRequests = erasures.Select(r => new
            {
                r.Id, seller = new { id = r.SellerId, name = SellerName(r.SellerId) }, r.Reason, r.RequestedAt, r.ConfirmedAt,
            }),
            signInLinks = signIns.Select(l => new { l.CreatedAt, l.ExpiresAt, l.UsedAt, l.RequestIp }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Json);
    }
}

/// <summary><c>GET /account/data.json</c>: the signed-in buyer's data as a file.</summary>
public static class BuyerDataEndpoint
{
    public static IEndpointRouteBuilder MapBuyerData(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/data.json", async (HttpContext http, BuyerData data, TimeProvider clock) =>
            {
                http.Response.Headers.CacheControl = "no-cache, no-store";
                var document = await data.ExportAsync(http.User.BuyerEmail(), http.RequestAborted);
                return TypedResults.File(document, "application/json", $"encore-data-{clock.GetUtcNow():yyyy-MM-dd}.json");
            })
            .RequireAuthorization(BuyerAuth.PagesPolicy)
            .ExcludeFromDescription();
        return app;
    }
}
