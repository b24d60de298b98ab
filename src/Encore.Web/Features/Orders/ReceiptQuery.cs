using Encore.Domain.Subscriptions;
using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Features.Funnels;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Orders;

public sealed record ReceiptLine(OrderLineKind Kind, string Name, Money Amount, Domain.BillingInterval? Interval, int IntervalCount, Guid ChargeId)
{
    public string KindName => Kind.ToString().ToLowerInvariant();
}

public sealed record ReceiptCharge(
    Guid Id, ChargeKind Kind, Money Amount, ChargeStatus Status, string? CardBrand, string? CardLast4,
    string? FailureMessage, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt)
{
    public string StatusName => Status.WireName();
}

/// <summary>One order as its receipt shows it: every line, every charge, and what was paid.</summary>
public sealed record Receipt(
    Guid OrderId,
    OrderStatus Status,
    string Email,
    string BuyerName,
    string SellerName,
    string SupportEmail,
    string Currency,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ReceiptLine> Lines,
    IReadOnlyList<ReceiptCharge> Charges,
    Guid SellerId = default,
    IReadOnlyList<ReceiptSubscription>? Subscriptions = null)
{
    /// <summary>What the order started that renews: each with its terms as agreed and where to manage it.</summary>
    public IReadOnlyList<ReceiptSubscription> StartedSubscriptions => Subscriptions ?? [];

    /// <summary>What the buyer paid: the sum of succeeded charges, never of intentions.</summary>
    public Money TotalPaid => Money.Sum(Charges.Where(c => c.Status == ChargeStatus.Succeeded).Select(c => c.Amount), Currency);

    /// <summary>Lines whose charge succeeded: what the buyer owns now.</summary>
    public IEnumerable<ReceiptLine> PaidLines =>
        Lines.Where(l => Charges.Any(c => c.Id == l.ChargeId && c.Status == ChargeStatus.Succeeded));

    public bool HasOpenCharges => Charges.Any(c => c.Status.IsOpen());

    public string StatusName => Status switch
    {
        OrderStatus.Paid => "paid",
        OrderStatus.PaymentFailed => "payment_failed",
        OrderStatus.RequiresAction => "requires_action",
        _ => "pending",
    };
}

/// <summary>A subscription an order started: its terms as the buyer agreed to them ("$0.00 today, then $29.00 monthly from 8 December 2026").</summary>
public sealed record ReceiptSubscription(Guid Id, string ProductName, string Terms, SubscriptionStatus Status);

public sealed class ReceiptQuery(EncoreDbContext db, PublishedFunnels funnels)
{
    public async Task<Receipt?> ForOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().AsSplitQuery()
            .Include(o => o.Lines)
            .Include(o => o.Charges)
            .FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        return order is null ? null : await ToReceiptAsync(order, cancellationToken);
    }

    public async Task<Receipt?> ForReceiptTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecretTokens.LooksValid(token)) return null;
        var hash = SecretTokens.Hash(token!);
        var orderId = await db.Orders.AsNoTracking().Where(o => o.ReceiptTokenHash == hash).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
        return orderId is { } id ? await ForOrderAsync(id, cancellationToken) : null;
    }

    private async Task<Receipt> ToReceiptAsync(Order order, CancellationToken cancellationToken)
    {
        var funnel = await funnels.GetVersionAsync(order.FunnelVersionId, cancellationToken);
        // Read only when a line is recurring: most orders start no subscription.
        var subscriptions = order.SubscriptionId is null && order.Lines.Any(l => l.Interval is not null)
            ? (await db.Subscriptions.AsNoTracking().Where(s => s.OrderId == order.Id).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken))
                .Select(s => new ReceiptSubscription(s.Id, s.ProductName,
                    RecurringSchedule.TodayThen(s.Price, DateOnly.FromDateTime(s.StartedAt.UtcDateTime)), s.Status)).ToList()
            : [];
        return new Receipt(
            order.Id, order.Status, order.Email, order.BuyerName,
            funnel?.SellerName ?? "", funnel?.SupportEmail ?? "", order.Currency, order.CreatedAt,
            order.Lines.OrderBy(l => l.CreatedAt).ThenBy(l => l.Kind)
                .Select(l => new ReceiptLine(l.Kind, l.Name, new Money(l.Amount, l.Currency), l.Interval, l.IntervalCount, l.ChargeId)).ToList(),
            order.Charges.OrderBy(c => c.CreatedAt)
                .Select(c => new ReceiptCharge(c.Id, c.Kind, new Money(c.Amount, c.Currency), c.Status, c.CardBrand, c.CardLast4, c.FailureMessage, c.CreatedAt, c.SettledAt))
                .ToList(),
            order.SellerId,
            subscriptions);
    }
}
