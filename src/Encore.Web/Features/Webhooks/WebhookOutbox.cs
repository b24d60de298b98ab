using System.Text.Json;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Webhooks;

/// <summary>
/// Writes an event and one delivery per subscribed, active endpoint of the seller, on the caller's
/// DbContext and so inside the caller's transaction: the event commits with the change it reports or not
/// at all. Costs one query when the seller has no endpoint (then nothing is written). Every event says whether real
/// money moved: <c>livemode</c> is false on the Sandbox and on Stripe's test mode.
/// </summary>
public sealed class WebhookOutbox(EncoreDbContext db, TimeProvider clock, Encore.Web.Payments.PaymentMode mode)
{
    public const string OrderPaid = "order.paid";
    public const string OfferAccepted = "offer.accepted";
    public const string OfferDeclined = "offer.declined";
    public const string OrderRefunded = "order.refunded";
    public const string OrderRefundFailed = "order.refund_failed";
    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionRenewed = "subscription.renewed";
    public const string SubscriptionPaymentFailed = "subscription.payment_failed";
    public const string SubscriptionPastDue = "subscription.past_due";
    public const string SubscriptionCanceled = "subscription.canceled";
    public const string SubscriptionEnded = "subscription.ended";

    public static readonly IReadOnlyList<string> Types =
    [
        OrderPaid, OfferAccepted, OfferDeclined, OrderRefunded, OrderRefundFailed,
        SubscriptionCreated, SubscriptionRenewed, SubscriptionPaymentFailed, SubscriptionPastDue, SubscriptionCanceled, SubscriptionEnded,
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records the event for the seller's endpoints; returns its id, or null when no endpoint wants it.</summary>
    public Task<Guid?> PublishAsync(Guid sellerId, string type, Guid? orderId, object data, CancellationToken cancellationToken) =>
        PublishAsync(sellerId, type, orderId, _ => Task.FromResult<object?>(data), cancellationToken);

    /// <summary>The same, with the data read only when some endpoint wants the event.</summary>
    public async Task<Guid?> PublishAsync(
        Guid sellerId, string type, Guid? orderId, Func<CancellationToken, Task<object?>> readData, CancellationToken cancellationToken)
    {
        var id = await AddAsync(sellerId, type, orderId, readData, cancellationToken);
        if (id is not null) await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    /// <summary>
    /// The event and its deliveries added to the caller's unit of work (written by the caller's next save, in its
    /// transaction), for a caller that saves other rows with them: one round trip instead of two.
    /// </summary>
    public Task<Guid?> AddAsync(Guid sellerId, string type, Guid? orderId, object data, CancellationToken cancellationToken) =>
        AddAsync(sellerId, type, orderId, _ => Task.FromResult<object?>(data), cancellationToken);

    private async Task<Guid?> AddAsync(
        Guid sellerId, string type, Guid? orderId, Func<CancellationToken, Task<object?>> readData, CancellationToken cancellationToken)
    {
        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(e => e.SellerId == sellerId && e.DisabledAt == null)
            .Select(e => new Endpoint(e.Id, e.Events))
            .ToListAsync(cancellationToken);
        if (!endpoints.Any(e => e.Wants(type))) return null;
        return await readData(cancellationToken) is { } data ? Add(endpoints, sellerId, type, orderId, data) : null;
    }

    /// <summary>A seller's active endpoint as the outbox needs it: which events it wants (none listed: all).</summary>
    public sealed record Endpoint(Guid Id, List<string> Events)
    {
        public bool Wants(string type) => Events.Count == 0 || Events.Contains(type);
    }

    /// <summary>
    /// The same, for a caller that read the seller's active endpoints (<c>DisabledAt == null</c>) in a query of its own,
    /// with the row the event is about: no round trip here.
    /// </summary>
    public Guid? Add(IReadOnlyList<Endpoint> endpoints, Guid sellerId, string type, Guid? orderId, object data)
    {
        var subscribed = endpoints.Where(e => e.Wants(type)).ToList();
        if (subscribed.Count == 0) return null;
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var payload = JsonSerializer.Serialize(new { id, type, created = now.ToUnixTimeSeconds(), livemode = mode.IsLive, data }, Json);
        db.WebhookEvents.Add(new WebhookEvent { Id = id, SellerId = sellerId, Type = type, OrderId = orderId, Payload = payload, CreatedAt = now });
        foreach (var endpoint in subscribed)
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = Guid.CreateVersion7(now), SellerId = sellerId, EventId = id, EndpointId = endpoint.Id,
                Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
            });
        return id;
    }

    /// <summary>An order as events describe it: amounts in minor units with the currency.</summary>
    public async Task<object?> OrderDataAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId)
            .Select(o => new { o.Id, o.SellerId, o.FunnelId, o.FunnelVersionId, o.Email, o.Currency, o.PaidAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (order is null) return null;
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == orderId).OrderBy(l => l.CreatedAt).ThenBy(l => l.Kind)
            .Select(l => new { l.Id, l.Kind, l.Name, l.ProductId, l.Amount, l.Currency, l.StepId, l.ChargeId })
            .ToListAsync(cancellationToken);
        var paid = await db.Charges.AsNoTracking().Where(c => c.OrderId == orderId && c.Status == ChargeStatus.Succeeded)
            .Select(c => c.Amount).ToListAsync(cancellationToken);
        var deliverables = await DeliverableIdsAsync(lines.Select(l => l.ProductId), cancellationToken);
        return new
        {
            orderId = order.Id,
            funnelId = order.FunnelId,
            funnelVersionId = order.FunnelVersionId,
            email = order.Email,
            currency = order.Currency,
            amountPaid = paid.Sum(),
            lines = lines.Select(l => new
            {
                id = l.Id, kind = l.Kind.ToString().ToLowerInvariant(), name = l.Name, productId = l.ProductId,
                amount = l.Amount, currency = l.Currency, stepId = l.StepId, chargeId = l.ChargeId,
                deliverableIds = deliverables[l.ProductId],
            }),
        };
    }

    /// <summary>The deliverables each product gives its buyers, in the seller's order: what a course platform grants access by.</summary>
    public async Task<ILookup<Guid, Guid>> DeliverableIdsAsync(IEnumerable<Guid> productIds, CancellationToken cancellationToken)
    {
        var ids = productIds.Distinct().ToList();
        var rows = await db.Deliverables.AsNoTracking().Where(d => ids.Contains(d.ProductId) && d.RemovedAt == null)
            .OrderBy(d => d.Position).ThenBy(d => d.CreatedAt).Select(d => new { d.ProductId, d.Id }).ToListAsync(cancellationToken);
        return rows.ToLookup(r => r.ProductId, r => r.Id);
    }
}
