using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Features.Funnels;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Checkout;

/// <summary>
/// Records what the gateway said about a checkout charge, in one transaction: the charge, the order's
/// status and, when the buyer saved the card, the start of the post-purchase session. Every move is a
/// conditional update, so the same answer applied twice (a refresh, the reconciler, a second instance)
/// changes things once.
/// </summary>
public sealed class CheckoutSettlement(
    EncoreDbContext db, PublishedFunnels funnels, ChargeStatusCheck statusCheck, WebhookOutbox webhooks, EmailOutbox mail,
    SubscriptionStarts subscriptions, TimeProvider clock) : IChargeSettlement
{
    public async Task ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
        switch (result.Status)
        {
            case PaymentStatus.Succeeded:
                if (await Charges.MoveAsync(db, charge, ChargeStatus.Succeeded, result, now, cancellationToken) == 0) return;
                await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.PaidAt, now), cancellationToken);
                var funnel = await StartSessionAsync(charge.OrderId, result, now, cancellationToken)
                             ?? await FunnelOfAsync(charge.OrderId, cancellationToken);
                var sellerId = funnel.SellerId;
                if (funnel.Main.Price.IsRecurring || funnel.Bumps.Any(b => b.Price.IsRecurring))
                    await StartSubscriptionsAsync(charge, result, funnel, cancellationToken);
                // The outbox, in this transaction: the order is paid exactly when these are written.
                await mail.WriteCheckoutReceiptAsync(sellerId, charge.OrderId, cancellationToken);
                await webhooks.PublishAsync(sellerId, WebhookOutbox.OrderPaid, charge.OrderId,
                    token => webhooks.OrderDataAsync(charge.OrderId, token), cancellationToken);
                break;
            case PaymentStatus.Failed:
                if (await Charges.MoveAsync(db, charge, ChargeStatus.Failed, result, now, cancellationToken) == 0) return;
                await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.PaymentFailed), cancellationToken);
                await db.PostPurchaseSessions.Where(s => s.OrderId == charge.OrderId && s.Status == SessionStatus.AwaitingPayment)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SessionStatus.Void).SetProperty(x => x.EndedAt, now), cancellationToken);
                break;
            case PaymentStatus.RequiresAction:
                if (await Charges.MoveAsync(db, charge, ChargeStatus.RequiresAction, result, now, cancellationToken) == 0) return;
                await db.Orders.Where(o => o.Id == charge.OrderId && o.Status == OrderStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.RequiresAction), cancellationToken);
                break;
            default:
                return; // Processing: nothing is settled yet.
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// For a page showing an order whose checkout charge is still open (the buyer is back from the bank,
    /// or the answer was lost): asks the gateway and records its answer. True when something changed.
    /// </summary>
    public async Task<bool> RefreshFromGatewayAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var charge = await db.Charges.AsNoTracking()
            .FirstOrDefaultAsync(c => c.OrderId == orderId && c.Kind == ChargeKind.Checkout, cancellationToken);
        if (charge is null || await statusCheck.AskAsync(charge, cancellationToken) is not { } result) return false;
        await ApplyAsync(charge, result, CancellationToken.None);
        return true;
    }

    private async Task<PublishedFunnel> FunnelOfAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var versionId = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => o.FunnelVersionId).SingleAsync(cancellationToken);
        return await funnels.GetVersionAsync(versionId, cancellationToken)
               ?? throw new InvalidOperationException($"Funnel version {versionId} of a paid order is missing.");
    }

    /// <summary>Each recurring line (main product, bumps) starts its subscription, on the card this payment saved.</summary>
    private async Task StartSubscriptionsAsync(Charge charge, PaymentResult result, PublishedFunnel funnel, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == charge.OrderId, cancellationToken);
        var consents = await db.ConsentRecords.AsNoTracking().Where(c => c.OrderId == charge.OrderId && c.OrderLineId != null)
            .ToDictionaryAsync(c => c.OrderLineId!.Value, c => c.Id, cancellationToken);
        var card = result.Card ?? throw new InvalidOperationException($"The gateway named no card for checkout charge {charge.Id}, which saves a card for a subscription.");
        var items = order.Lines.Where(l => l.Interval is not null).OrderBy(l => l.Kind).ThenBy(l => l.Id)
            .Select(l => new SubscriptionStarts.Item(l.Id, l.ProductId, l.Name,
                l.BumpId is { } bumpId ? funnel.Bumps.First(b => b.Id == bumpId).Price : funnel.Main.Price,
                consents.TryGetValue(l.Id, out var consent) ? consent : null))
            .ToList();
        await subscriptions.StartAsync(order, charge, card, items, cancellationToken);
    }

    /// <returns>The session's funnel version; null when the order has no session waiting.</returns>
    private async Task<PublishedFunnel?> StartSessionAsync(Guid orderId, PaymentResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await db.PostPurchaseSessions
            .FirstOrDefaultAsync(s => s.OrderId == orderId && s.Status == SessionStatus.AwaitingPayment, cancellationToken);
        if (session is null) return null;
        var funnel = await funnels.GetVersionAsync(session.FunnelVersionId, cancellationToken)
            ?? throw new InvalidOperationException($"Funnel version {session.FunnelVersionId} of a paid order is missing.");

        session.PaymentMethodId = result.Card?.PaymentMethodId;
        session.CardBrand = result.Card?.Brand;
        session.CardLast4 = result.Card?.Last4;
        // The window opens when the payment succeeds, not when the checkout form was sent.
        session.ExpiresAt = now + funnel.Window;
        if (funnel.EntryStepId is { } entry && session.PaymentMethodId is not null)
        {
            session.Status = SessionStatus.Active;
            session.CurrentStepId = entry;
            db.StepVisits.Add(new StepVisit { Id = Guid.CreateVersion7(), SessionId = session.Id, StepId = entry, OfferedAt = now });
        }
        else
        {
            session.Status = SessionStatus.Completed;
            session.EndedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        return funnel;
    }
}
