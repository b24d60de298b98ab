using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Features.Funnels;
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
    EncoreDbContext db, PublishedFunnels funnels, ChargeStatusCheck statusCheck, WebhookOutbox webhooks, EmailOutbox mail, TimeProvider clock)
{
    private static readonly ChargeStatus[] Open = [ChargeStatus.Pending, ChargeStatus.Unknown, ChargeStatus.RequiresAction];

    public async Task ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
        switch (result.Status)
        {
            case PaymentStatus.Succeeded:
                if (await MoveChargeAsync(charge.Id, Open, ChargeStatus.Succeeded, result, now, cancellationToken) == 0) return;
                await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.PaidAt, now), cancellationToken);
                var sellerId = await StartSessionAsync(charge.OrderId, result, now, cancellationToken)
                               ?? await SellerOfAsync(charge.OrderId, cancellationToken);
                // The outbox, in this transaction: the order is paid exactly when these are written.
                await mail.WriteCheckoutReceiptAsync(sellerId, charge.OrderId, cancellationToken);
                await webhooks.PublishAsync(sellerId, WebhookOutbox.OrderPaid, charge.OrderId,
                    token => webhooks.OrderDataAsync(charge.OrderId, token), cancellationToken);
                break;
            case PaymentStatus.Failed:
                if (await MoveChargeAsync(charge.Id, Open, ChargeStatus.Failed, result, now, cancellationToken) == 0) return;
                await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.PaymentFailed), cancellationToken);
                await db.PostPurchaseSessions.Where(s => s.OrderId == charge.OrderId && s.Status == SessionStatus.AwaitingPayment)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SessionStatus.Void).SetProperty(x => x.EndedAt, now), cancellationToken);
                break;
            case PaymentStatus.RequiresAction:
                if (await MoveChargeAsync(charge.Id, [ChargeStatus.Pending, ChargeStatus.Unknown], ChargeStatus.RequiresAction, result, now, cancellationToken) == 0) return;
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

    /// <summary>The gateway did not answer: the charge is unknown until the reconciler settles it.</summary>
    public Task MarkUnknownAsync(Guid chargeId, CancellationToken cancellationToken) =>
        db.Charges.Where(c => c.Id == chargeId && c.Status == ChargeStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChargeStatus.Unknown), cancellationToken);

    private Task<Guid> SellerOfAsync(Guid orderId, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => o.SellerId).SingleAsync(cancellationToken);

    internal static Task<int> MoveChargeAsync(
        EncoreDbContext db, Guid chargeId, ChargeStatus[] from, ChargeStatus to, PaymentResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settled = to is ChargeStatus.Succeeded or ChargeStatus.Failed;
        return db.Charges
            .Where(c => c.Id == chargeId && from.Contains(c.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, to)
                .SetProperty(c => c.GatewayPaymentId, c => result.PaymentId.Length > 0 ? result.PaymentId : c.GatewayPaymentId)
                .SetProperty(c => c.DeclineCode, result.DeclineCode)
                .SetProperty(c => c.FailureMessage, result.FailureMessage)
                .SetProperty(c => c.ActionUrl, result.ActionUrl)
                .SetProperty(c => c.CardBrand, c => result.Card != null ? result.Card.Brand : c.CardBrand)
                .SetProperty(c => c.CardLast4, c => result.Card != null ? result.Card.Last4 : c.CardLast4)
                .SetProperty(c => c.SettledAt, c => settled ? now : c.SettledAt), cancellationToken);
    }

    private Task<int> MoveChargeAsync(Guid chargeId, ChargeStatus[] from, ChargeStatus to, PaymentResult result, DateTimeOffset now, CancellationToken cancellationToken) =>
        MoveChargeAsync(db, chargeId, from, to, result, now, cancellationToken);

    /// <returns>The seller, from the session's funnel; null when the order has no session waiting.</returns>
    private async Task<Guid?> StartSessionAsync(Guid orderId, PaymentResult result, DateTimeOffset now, CancellationToken cancellationToken)
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
        return funnel.SellerId;
    }
}
