using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Webhooks;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// Starts the subscriptions a paid charge bought, inside that charge's settlement transaction (so exactly once:
/// the settlement's conditional move of the charge decides). The schedule is anchored at the moment the buyer
/// agreed (the charge's creation), the moment the disclosure's dates were computed from.
/// </summary>
public sealed class SubscriptionStarts(EncoreDbContext db, WebhookOutbox webhooks, TimeProvider clock)
{
    /// <summary>What the subscription is for: the order line that bought it and the price as frozen in the funnel version.</summary>
    public sealed record Item(Guid LineId, Guid ProductId, string ProductName, Price Price, Guid? ConsentRecordId = null);

    /// <summary>Adds one subscription per recurring item, on the caller's context and transaction; writes <c>subscription.created</c>.</summary>
    public async Task<IReadOnlyList<Subscription>> StartAsync(
        Order order, Charge charge, SavedCard card, IEnumerable<Item> items, CancellationToken cancellationToken)
    {
        var started = new List<(Subscription Subscription, Item Item)>();
        foreach (var item in items)
        {
            if (item.Price.Recurrence is not { } recurrence) continue;
            var agreedAt = charge.CreatedAt;
            var first = recurrence.FirstPaymentDue(agreedAt);
            var paidNow = recurrence.TrialDays == 0; // payment 0 was this charge
            var next = paidNow ? recurrence.PaymentDue(first, 1) : first;
            var subscription = new Subscription
            {
                Id = Guid.CreateVersion7(),
                SellerId = order.SellerId,
                OrderId = order.Id,
                FunnelId = order.FunnelId,
                FunnelVersionId = order.FunnelVersionId,
                ProductId = item.ProductId,
                ProductName = item.ProductName,
                Email = order.Email,
                BuyerName = order.BuyerName,
                Amount = item.Price.Amount.Amount,
                Currency = item.Price.Amount.Currency,
                Interval = recurrence.Interval,
                IntervalCount = recurrence.IntervalCount,
                TrialDays = recurrence.TrialDays,
                Payments = recurrence.Payments,
                GatewayCustomerId = order.GatewayCustomerId ?? throw new InvalidOperationException($"Order {order.Id} bought a subscription without a gateway customer."),
                PaymentMethodId = card.PaymentMethodId,
                CardBrand = card.Brand,
                CardLast4 = card.Last4,
                Status = paidNow ? SubscriptionStatus.Active : SubscriptionStatus.Trialing,
                StartedAt = agreedAt,
                FirstPaymentAt = first,
                PaymentsMade = paidNow ? 1 : 0,
                NextPayment = paidNow ? 1 : 0,
                NextChargeAt = next,
                CurrentPeriodEnd = next,
                ConsentRecordId = item.ConsentRecordId,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Subscriptions.Add(subscription);
            started.Add((subscription, item));
        }
        if (started.Count == 0) return [];
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (subscription, item) in started)
        {
            var id = subscription.Id;
            await db.OrderLines.Where(l => l.Id == item.LineId)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.SubscriptionId, id), cancellationToken);
            await webhooks.PublishAsync(order.SellerId, WebhookOutbox.SubscriptionCreated, order.Id, SubscriptionEvents.Data(subscription), cancellationToken);
        }
        return started.Select(s => s.Subscription).ToList();
    }
}
