using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Refunds;
using Encore.Web.Features.Webhooks;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

public enum ManageOutcome
{
    Done,
    NotFound,

    /// <summary>The subscription is already cancelled or ended (or not in a state this action applies to): nothing changed.</summary>
    NotApplicable,

    /// <summary>The card was refused by the gateway, or the gateway did not answer: nothing changed.</summary>
    CardRefused,
}

public sealed record ManageResult(ManageOutcome Outcome, string Message, Subscription? Subscription = null)
{
    public bool Succeeded => Outcome == ManageOutcome.Done;
}

/// <summary>Who asks: the buyer (through the signed manage link) or the seller (pages, API), for the audit of the change.</summary>
public enum ManageActor
{
    Buyer,
    Seller,
}

/// <summary>
/// What a buyer or seller does to a subscription: cancel (at the period's end, or at once with the last payment
/// refunded), pause, resume, retry a past-due payment now, and replace the card. Each change is one conditional update
/// on the state it expects, so a double click or a second instance changes it once; a request that does not apply
/// (cancelling twice, a card for a cancelled subscription) gets a clear answer and changes nothing.
/// </summary>
public sealed class SubscriptionManagement(
    EncoreDbContext db,
    IPaymentGateway gateway,
    BillingRun billing,
    RefundService refunds,
    EmailOutbox mail,
    WebhookOutbox webhooks,
    TimeProvider clock,
    ILogger<SubscriptionManagement> logger)
{
    /// <summary>Not over: a subscription in these states may still be charged (or resumed) and has a card to update.</summary>
    public static readonly SubscriptionStatus[] Live = [SubscriptionStatus.Trialing, SubscriptionStatus.Active, SubscriptionStatus.PastDue, SubscriptionStatus.Paused];

    /// <summary>What a cancellation would do now, in the buyer's words: the first of the two clicks shows it.</summary>
    public static string CancelPreview(Subscription s, bool atPeriodEnd) => s.Status switch
    {
        SubscriptionStatus.Canceled or SubscriptionStatus.Ended => "This subscription is already over: nothing more will be charged.",
        _ when s.CancelAtPeriodEnd => $"This subscription is already cancelled: nothing more will be charged, and access lasts until {Day(s.CurrentPeriodEnd)}.",
        SubscriptionStatus.Trialing when atPeriodEnd => $"Nothing will be charged: your free trial ends on {Day(s.CurrentPeriodEnd)} and is not converted.",
        _ when atPeriodEnd => $"No further charges; access until {Day(s.CurrentPeriodEnd)}.",
        _ => "No further charges; access ends now.",
    };

    /// <param name="refundedBy">Who asked for the refund of the last payment, for the seller's audit log.</param>
    public Task<ManageResult> CancelAsync(Guid subscriptionId, Guid? sellerId, ManageActor actor, bool atPeriodEnd, bool refundLastPayment, CancellationToken cancellationToken,
        Sellers.Audit.AuditActor? refundedBy = null) =>
        ChangeAsync(subscriptionId, sellerId, async subscription =>
        {
            if (subscription.Status is SubscriptionStatus.Canceled or SubscriptionStatus.Ended || subscription.CancelAtPeriodEnd)
                return new ManageResult(ManageOutcome.NotApplicable, CancelPreview(subscription, atPeriodEnd), subscription);
            var now = clock.GetUtcNow();
            var id = subscription.Id;
            var status = subscription.Status;
            var reason = actor == ManageActor.Buyer ? "buyer" : "seller";
            // A past-due or paused subscription has no paid period left to run out: it ends now.
            var ending = atPeriodEnd && status is SubscriptionStatus.Trialing or SubscriptionStatus.Active && subscription.CurrentPeriodEnd > now;
            var changed = ending
                ? await db.Subscriptions.Where(s => s.Id == id && s.Status == status && !s.CancelAtPeriodEnd)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.CancelAtPeriodEnd, true).SetProperty(x => x.CanceledAt, now)
                        .SetProperty(x => x.CancelReason, reason), cancellationToken)
                : await db.Subscriptions.Where(s => s.Id == id && s.Status == status && !s.CancelAtPeriodEnd)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SubscriptionStatus.Canceled).SetProperty(x => x.CanceledAt, now)
                        .SetProperty(x => x.EndedAt, now).SetProperty(x => x.NextChargeAt, (DateTimeOffset?)null)
                        .SetProperty(x => x.CurrentPeriodEnd, x => x.CurrentPeriodEnd < now ? x.CurrentPeriodEnd : now)
                        .SetProperty(x => x.CancelReason, reason), cancellationToken);
            if (changed == 0) return null;
            await db.Entry(subscription).ReloadAsync(cancellationToken);
            await mail.WriteSubscriptionMailAsync(subscription, subscription.OrderId, EmailKind.SubscriptionCanceled, "canceled", cancellationToken);
            if (!ending)
                await webhooks.PublishAsync(subscription.SellerId, WebhookOutbox.SubscriptionCanceled, subscription.OrderId, SubscriptionEvents.Data(subscription), cancellationToken);
            return new ManageResult(ManageOutcome.Done, ending
                ? $"Cancelled. No further charges; access until {Day(subscription.CurrentPeriodEnd)}."
                : "Cancelled. No further charges.", subscription);
        }, cancellationToken, after: async result =>
        {
            if (!result.Succeeded || !refundLastPayment || actor != ManageActor.Seller || result.Subscription is not { } s) return result;
            return await RefundLastPaymentAsync(s, refundedBy, cancellationToken) is { } problem ? result with { Message = result.Message + " " + problem } : result with { Message = result.Message + " The last payment was refunded." };
        });

    public Task<ManageResult> PauseAsync(Guid subscriptionId, Guid sellerId, CancellationToken cancellationToken) =>
        ChangeAsync(subscriptionId, sellerId, async subscription =>
        {
            if (subscription.Status is not (SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue) || subscription.CancelAtPeriodEnd)
                return new ManageResult(ManageOutcome.NotApplicable, "Only a running subscription can be paused.", subscription);
            var id = subscription.Id;
            var status = subscription.Status;
            if (await db.Subscriptions.Where(s => s.Id == id && s.Status == status)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SubscriptionStatus.Paused).SetProperty(x => x.NextChargeAt, (DateTimeOffset?)null), cancellationToken) == 0)
                return null;
            await db.Entry(subscription).ReloadAsync(cancellationToken);
            return new ManageResult(ManageOutcome.Done, "Paused: nothing is charged until you resume it.", subscription);
        }, cancellationToken: cancellationToken);

    /// <summary>Resumes a paused subscription: what is due is charged at the next billing run, and the schedule goes on from its anchor.</summary>
    public Task<ManageResult> ResumeAsync(Guid subscriptionId, Guid sellerId, CancellationToken cancellationToken) =>
        ChangeAsync(subscriptionId, sellerId, async subscription =>
        {
            if (subscription.Status != SubscriptionStatus.Paused)
                return new ManageResult(ManageOutcome.NotApplicable, "Only a paused subscription can be resumed.", subscription);
            var now = clock.GetUtcNow();
            var due = subscription.Recurrence.PaymentDue(subscription.FirstPaymentAt, subscription.NextPayment);
            var next = due > now ? due : now;
            var status = subscription.PaymentsMade == 0 && due > now ? SubscriptionStatus.Trialing : SubscriptionStatus.Active;
            var id = subscription.Id;
            if (await db.Subscriptions.Where(s => s.Id == id && s.Status == SubscriptionStatus.Paused)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.NextChargeAt, next)
                        .SetProperty(x => x.FailedAttempts, 0).SetProperty(x => x.DunningStartedAt, (DateTimeOffset?)null), cancellationToken) == 0)
                return null;
            await db.Entry(subscription).ReloadAsync(cancellationToken);
            return new ManageResult(ManageOutcome.Done, $"Resumed: the next payment is on {Day(next)}.", subscription);
        }, cancellationToken: cancellationToken);

    /// <summary>Retries a past-due payment now (the seller's "retry now", or a buyer's new card), through the billing run.</summary>
    public Task<ManageResult> RetryNowAsync(Guid subscriptionId, Guid? sellerId, CancellationToken cancellationToken) =>
        ChangeAsync(subscriptionId, sellerId, async subscription =>
        {
            if (subscription.Status != SubscriptionStatus.PastDue)
                return new ManageResult(ManageOutcome.NotApplicable, "Only a past-due payment can be retried.", subscription);
            var now = clock.GetUtcNow();
            var id = subscription.Id;
            if (await db.Subscriptions.Where(s => s.Id == id && s.Status == SubscriptionStatus.PastDue)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextChargeAt, now), cancellationToken) == 0)
                return null;
            return new ManageResult(ManageOutcome.Done, "", subscription);
        }, cancellationToken, after: async result =>
        {
            if (!result.Succeeded) return result;
            await billing.RenewAsync(subscriptionId, CancellationToken.None);
            var fresh = await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId, CancellationToken.None);
            return result with
            {
                Subscription = fresh,
                Message = fresh.Status == SubscriptionStatus.PastDue ? "The payment was tried again and declined; dunning goes on." : "The payment was tried again and went through.",
            };
        });

    /// <summary>
    /// Replaces the card renewals are charged to: the gateway saves the new method for off-session use (a setup that
    /// charges nothing, under <paramref name="requestKey"/>), then the subscription points at it. During dunning,
    /// what is due is charged at once on the new card.
    /// </summary>
    public async Task<ManageResult> UpdateCardAsync(Guid subscriptionId, string? paymentMethodId, string requestKey, CancellationToken cancellationToken)
    {
        var subscription = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
        if (subscription is null) return new ManageResult(ManageOutcome.NotFound, "No such subscription.");
        if (subscription.Status is SubscriptionStatus.Canceled or SubscriptionStatus.Ended)
            return new ManageResult(ManageOutcome.NotApplicable, "This subscription is over: there is no card to update.", subscription);
        if (string.IsNullOrWhiteSpace(paymentMethodId) || paymentMethodId.Length > 200 || await gateway.DescribePaymentMethodAsync(paymentMethodId, cancellationToken) is null)
            return new ManageResult(ManageOutcome.CardRefused, "That card is not known to the payment gateway. Nothing changed.", subscription);
        var answer = await GatewayCalls.ChargeAsync(gateway, new ChargeRequest
        {
            Amount = 0,
            Currency = subscription.Currency,
            CustomerId = subscription.GatewayCustomerId,
            PaymentMethodId = paymentMethodId,
            IdempotencyKey = $"encore:card:{subscription.Id:N}:{requestKey}",
            SaveForOffSession = true,
            Description = $"New card for {subscription.ProductName}",
        }, logger);
        if (answer.Result is not { Status: PaymentStatus.Succeeded, Card: { } card })
            return new ManageResult(ManageOutcome.CardRefused, answer.IsUnknown
                ? "The payment service did not answer. Nothing changed; please try again."
                : "The bank refused this card. Nothing changed: try another card.", subscription);
        // Recorded before the subscription points at it: whatever happens next, the card is forgotten at the gateway
        // once no live subscription charges it (CardRelease), the subscription over meanwhile included.
        await RecordCardAsync(subscription.Id, card.PaymentMethodId, cancellationToken);
        var id = subscription.Id;
        var changed = await db.Subscriptions.Where(s => s.Id == id && Live.Contains(s.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.PaymentMethodId, card.PaymentMethodId)
                .SetProperty(x => x.CardBrand, card.Brand).SetProperty(x => x.CardLast4, card.Last4), cancellationToken);
        if (changed == 0) return new ManageResult(ManageOutcome.NotApplicable, "This subscription is over: there is no card to update.", subscription);
        if (subscription.Status == SubscriptionStatus.PastDue)
        {
            var retried = await RetryNowAsync(subscription.Id, null, CancellationToken.None);
            return retried with { Message = $"Your {CardBrands.DisplayName(card.Brand)} ending in {card.Last4} is saved. " + retried.Message.Replace("The payment was tried again and went through.", "What was due is now paid.") };
        }
        var fresh = await db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id, cancellationToken);
        return new ManageResult(ManageOutcome.Done, $"Your {CardBrands.DisplayName(card.Brand)} ending in {card.Last4} is saved; the next payment will be charged to it.", fresh);
    }

    /// <summary>A card saved on the manage page, recorded once (a double click's replay saves the same method).</summary>
    private async Task RecordCardAsync(Guid subscriptionId, string paymentMethodId, CancellationToken cancellationToken)
    {
        if (await db.SubscriptionCards.AnyAsync(c => c.SubscriptionId == subscriptionId && c.PaymentMethodId == paymentMethodId, cancellationToken)) return;
        var record = db.SubscriptionCards.Add(new SubscriptionCard { SubscriptionId = subscriptionId, PaymentMethodId = paymentMethodId, SavedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception)
        {
            logger.LogInformation(exception, "Card {PaymentMethodId} of subscription {SubscriptionId} was recorded by a concurrent request", paymentMethodId, subscriptionId);
        }
        finally
        {
            record.State = EntityState.Detached; // saved or refused, nothing of it left for the caller's next save
        }
    }

    /// <returns>Null when the refund went through; otherwise what went wrong, in the seller's words.</returns>
    private async Task<string?> RefundLastPaymentAsync(Subscription subscription, Sellers.Audit.AuditActor? refundedBy, CancellationToken cancellationToken)
    {
        var line = await db.OrderLines.AsNoTracking()
            .Where(l => l.SubscriptionId == subscription.Id && l.Amount > l.RefundedAmount &&
                        db.Charges.Any(c => c.Id == l.ChargeId && c.Status == ChargeStatus.Succeeded))
            .OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (line is null) return "There was no payment left to refund.";
        var result = await refunds.RefundAsync(new RefundCommand(subscription.SellerId, line.OrderId, line.Id, null, "Subscription cancelled at once",
            $"cancel:{subscription.Id:N}", refundedBy?.Name ?? "seller", refundedBy), cancellationToken);
        return result.Outcome switch
        {
            RefundOutcome.Succeeded => null,
            RefundOutcome.Open => $"The refund of the last payment is not confirmed yet ({result.Refund!.Status.WireName()}); it is settled with the payment gateway automatically.",
            _ => $"The refund of the last payment did not go through: {result.Message ?? result.Outcome.ToString()}.",
        };
    }

    /// <summary>Reads the subscription (scoped to the seller when one asks), applies the change in a transaction; null from the change means another request moved it first.</summary>
    private async Task<ManageResult> ChangeAsync(
        Guid subscriptionId, Guid? sellerId, Func<Subscription, Task<ManageResult?>> change, CancellationToken cancellationToken,
        Func<ManageResult, Task<ManageResult>>? after = null)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var subscription = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId && (sellerId == null || s.SellerId == sellerId), cancellationToken);
            if (subscription is null) return new ManageResult(ManageOutcome.NotFound, "No such subscription.");
            ManageResult? result;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                result = await change(subscription);
                if (result is not null) await transaction.CommitAsync(cancellationToken);
            }
            db.ChangeTracker.Clear();
            if (result is not null) return after is null ? result : await after(result);
        }
        return new ManageResult(ManageOutcome.NotApplicable, "The subscription changed while this was being done; look at it again.");
    }

    private static string Day(DateTimeOffset moment) => Encore.Domain.Subscriptions.RecurringSchedule.Long(moment);
}
