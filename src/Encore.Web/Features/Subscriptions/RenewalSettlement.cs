using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Infrastructure.Operations;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// Records what the gateway said about a renewal, in one transaction: the charge, the renewal order and its line,
/// and the subscription's next step. Paid: the next payment is scheduled (or a plan ends after its last). Declined:
/// dunning (soft declines retried on the seller's schedule, hard ones not; after the last retry, canceled or paused).
/// The bank asks for authentication: the buyer gets a link, and the subscription waits, past due. Every move of the
/// subscription is conditional on the payment and attempt this charge was for, so a second settlement changes nothing.
/// </summary>
public sealed class RenewalSettlement(EncoreDbContext db, EmailOutbox mail, WebhookOutbox webhooks, TimeProvider clock, ILogger<RenewalSettlement> logger)
    : IChargeSettlement
{
    public async Task ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken)
    {
        if (charge.SubscriptionId is not { } subscriptionId || charge.PaymentIndex is not { } payment || charge.Attempt is not { } attempt)
            throw new ArgumentException("A renewal charge names its subscription, payment and attempt.", nameof(charge));
        var now = clock.GetUtcNow();
        var to = result.Status switch
        {
            PaymentStatus.Succeeded => ChargeStatus.Succeeded,
            PaymentStatus.Failed => ChargeStatus.Failed,
            PaymentStatus.RequiresAction => ChargeStatus.RequiresAction,
            _ => (ChargeStatus?)null,
        };
        if (to is not { } status) return;
        if (status == ChargeStatus.Succeeded && await PaidTogetherAsync([(charge, result)], now, cancellationToken)) return;

        await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
        if (await Charges.MoveAsync(db, charge, status, result, now, cancellationToken) == 0) return;
        var (subscription, endpoints) = (await ReadAsync([subscriptionId], cancellationToken))[subscriptionId];
        switch (status)
        {
            case ChargeStatus.Succeeded:
                Paid(subscription, endpoints, charge, payment, now);
                await PayOrderAsync(charge, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                break;
            case ChargeStatus.Failed:
                await DeclinedAsync(subscription, charge, result, payment, attempt, now, cancellationToken);
                break;
            default:
                // The bank wants the buyer: no retry beside an open authentication; the buyer gets the bank's link.
                if (subscription.NextPayment == payment)
                {
                    subscription.Status = subscription.Status == SubscriptionStatus.Canceled ? subscription.Status : SubscriptionStatus.PastDue;
                    subscription.LockedUntil = null;
                    subscription.LastDeclineCode = result.DeclineCode ?? "authentication_required";
                    await db.SaveChangesAsync(cancellationToken);
                }
                await mail.WriteSubscriptionMailAsync(subscription, charge.OrderId, EmailKind.AuthenticationNeeded, $"attempt:{attempt}", cancellationToken);
                break;
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The answers for a billing run's chunk of renewals, recorded together: the paid ones (the common case) in one
    /// read and one save for the whole chunk (<see cref="PaidTogetherAsync"/>), every other answer, and any paid one that
    /// save refused, one by one through <see cref="ApplyAsync"/>. Each is recorded once whichever way it goes: every
    /// move is conditional on the state it was read in. One that cannot be recorded is logged and left open for the
    /// reconciler, and nothing of it is carried into the next one's save.
    /// </summary>
    public async Task ApplyAllAsync(IReadOnlyList<(Charge Charge, PaymentResult Result)> answers, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var paid = answers.Where(a => a.Result.Status == PaymentStatus.Succeeded).ToList();
        var rest = answers.Where(a => a.Result.Status != PaymentStatus.Succeeded).ToList();
        if (paid.Count > 0 && !await PaidTogetherAsync(paid, now, cancellationToken)) rest.InsertRange(0, paid);
        foreach (var (charge, result) in rest)
        {
            try
            {
                await ApplyAsync(charge, result, cancellationToken);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                logger.LogError(exception, "Could not record the gateway's answer for charge {ChargeId}; the reconciler will settle it", charge.Id);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Renewals paid, in one read and one save however many: the subscriptions and their sellers' endpoints in one query,
    /// then each charge's move (conditional on the status it was read in), its order's line and payment, its
    /// subscription's next payment, its receipt and events, all in one save, its own transaction. For one renewal that is
    /// three round trips instead of the general path's five. False, having written nothing, when the save is refused (a
    /// charge moved since it was read) or an order is not one this context wrote: the general path decides then, one by one.
    /// </summary>
    private async Task<bool> PaidTogetherAsync(IReadOnlyList<(Charge Charge, PaymentResult Result)> paid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Changes detected once, before the save: every look at the tracked rows (a set's Local, as in WrittenOrder and
        // Charges.TrackMove) would otherwise compare every tracked row again, three times per renewal in a chunk.
        var tracker = db.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            if (paid.Any(p => WrittenOrder(p.Charge) is null || p.Charge.SubscriptionId is null || p.Charge.PaymentIndex is null ||
                              !ChargeStates.From(ChargeStatus.Succeeded).Contains(p.Charge.Status)))
                return false;
            foreach (var (charge, result) in paid) Charges.TrackMove(db, charge, ChargeStatus.Succeeded, result, now);
            var read = await ReadAsync(paid.Select(p => p.Charge.SubscriptionId!.Value).Distinct().ToList(), cancellationToken);
            foreach (var (charge, _) in paid)
            {
                var (subscription, endpoints) = read[charge.SubscriptionId!.Value];
                Paid(subscription, endpoints, charge, charge.PaymentIndex!.Value, now);
                await PayOrderAsync(charge, now, cancellationToken);
            }
            tracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Refused, so written nothing: a charge's status no longer the one read (a concurrency exception), or, as the
            // batch's order is EF Core's, a receipt's unique index first. The general path's conditional move decides.
            tracker.Clear();
            return false;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
        foreach (var (charge, _) in paid) EncoreMetrics.ChargeMoved(db, charge.Kind, ChargeStatus.Succeeded);
        return true;
    }

    /// <summary>The subscriptions (tracked) and their sellers' active webhook endpoints, in one query.</summary>
    private async Task<Dictionary<Guid, (Subscription Subscription, List<WebhookOutbox.Endpoint> Endpoints)>> ReadAsync(
        List<Guid> subscriptionIds, CancellationToken cancellationToken)
    {
        var read = await db.Subscriptions.Where(s => subscriptionIds.Contains(s.Id))
            .Select(s => new
            {
                Subscription = s,
                Endpoints = db.WebhookEndpoints.Where(e => e.SellerId == s.SellerId && e.DisabledAt == null).Select(e => new WebhookOutbox.Endpoint(e.Id, e.Events)).ToList(),
            })
            .ToListAsync(cancellationToken);
        return read.ToDictionary(r => r.Subscription.Id, r => (r.Subscription, r.Endpoints));
    }

    /// <summary>The renewal order as this context wrote it a moment ago (the billing run's own), or null elsewhere.</summary>
    private Order? WrittenOrder(Charge charge) => db.Orders.Local.FirstOrDefault(o => o.Id == charge.OrderId);

    /// <summary>
    /// The renewal order paid: in the unit of work, saved with the rest, when this context wrote it; otherwise (the
    /// reconciler, a webhook) by a conditional update at once.
    /// </summary>
    private async Task PayOrderAsync(Charge charge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (WrittenOrder(charge) is { } written)
        {
            if (written.Status != OrderStatus.Paid) (written.Status, written.PaidAt) = (OrderStatus.Paid, now);
            return;
        }
        await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.PaidAt, now), cancellationToken);
    }

    /// <summary>
    /// A paid renewal's rows, added to the unit of work for the caller's save: the money moved, so it is recorded on the
    /// renewal order whatever became of the subscription meanwhile; the subscription moves on only if this was its
    /// next payment. Only the settlement that moved the payment's one successful charge gets here, so the receipt
    /// needs no duplicate to survive.
    /// </summary>
    private void Paid(Subscription subscription, List<WebhookOutbox.Endpoint> endpoints, Charge charge, int payment, DateTimeOffset now)
    {
        db.OrderLines.Add(new OrderLine
        {
            Id = Guid.CreateVersion7(now),
            OrderId = charge.OrderId,
            Kind = OrderLineKind.Renewal,
            ProductId = subscription.ProductId,
            Name = subscription.ProductName,
            Amount = charge.Amount,
            Currency = charge.Currency,
            Interval = subscription.Interval,
            IntervalCount = subscription.IntervalCount,
            SubscriptionId = subscription.Id,
            ChargeId = charge.Id,
            CreatedAt = now,
        });
        var wasPastDue = subscription.Status == SubscriptionStatus.PastDue;
        if (subscription.NextPayment == payment)
        {
            var recurrence = subscription.Recurrence;
            var last = recurrence.IsLastPayment(payment);
            var periodEnd = recurrence.PaymentDue(subscription.FirstPaymentAt, payment + 1);
            subscription.PaymentsMade = payment + 1;
            subscription.NextPayment = payment + 1;
            subscription.FailedAttempts = 0;
            subscription.DunningStartedAt = null;
            subscription.LastDeclineCode = null;
            subscription.LockedUntil = null;
            subscription.CurrentPeriodEnd = periodEnd;
            if (subscription.Status is SubscriptionStatus.Canceled or SubscriptionStatus.Paused)
                subscription.NextChargeAt = null;
            else if (last)
            {
                subscription.Status = SubscriptionStatus.Ended;
                subscription.NextChargeAt = null;
                subscription.EndedAt = now;
            }
            else
            {
                subscription.Status = SubscriptionStatus.Active;
                subscription.NextChargeAt = periodEnd;
            }
        }
        mail.AddSubscriptionMail(subscription, charge.OrderId, EmailKind.RenewalReceipt, "");
        var data = SubscriptionEvents.Data(subscription);
        webhooks.Add(endpoints, subscription.SellerId, WebhookOutbox.SubscriptionRenewed, charge.OrderId,
            new { subscription = data, orderId = charge.OrderId, chargeId = charge.Id, payment = payment + 1, amount = charge.Amount, currency = charge.Currency, recovered = wasPastDue });
        if (subscription.Status == SubscriptionStatus.Ended)
            webhooks.Add(endpoints, subscription.SellerId, WebhookOutbox.SubscriptionEnded, subscription.OrderId, data);
    }

    private async Task DeclinedAsync(
        Subscription subscription, Charge charge, PaymentResult result, int payment, int attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (result.DeclineCode != GatewayCalls.NotReceived)
            await db.Orders.Where(o => o.Id == charge.OrderId && o.Status != OrderStatus.Paid)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.PaymentFailed), cancellationToken);
        if (subscription.NextPayment != payment || subscription.FailedAttempts != attempt - 1) return;
        subscription.FailedAttempts = attempt; // the next attempt takes the next key
        subscription.LockedUntil = null;
        if (result.DeclineCode == GatewayCalls.NotReceived)
        {
            // The request never reached the gateway (a crash before the call): no decline, nothing to tell the buyer;
            // the payment is simply attempted again at once under the next key.
            subscription.NextChargeAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var policy = await DunningPolicy.ForSellerAsync(db, subscription.SellerId, cancellationToken);
        var retries = policy.Retries();
        var hard = DeclineKinds.IsHard(result.DeclineCode);
        // Declines of this payment so far, this one included (attempts that never reached the gateway do not count).
        var declines = await db.Charges.CountAsync(c => c.SubscriptionId == subscription.Id && c.PaymentIndex == payment &&
                                                        c.Status == ChargeStatus.Failed && c.DeclineCode != GatewayCalls.NotReceived, cancellationToken);
        var started = subscription.DunningStartedAt ?? now;
        var firstFailure = subscription.Status != SubscriptionStatus.PastDue;
        subscription.DunningStartedAt = started;
        subscription.LastDeclineCode = result.DeclineCode;
        var final = hard || declines > retries.Count;
        if (!final)
        {
            subscription.Status = SubscriptionStatus.PastDue;
            subscription.NextChargeAt = started.AddDays(retries[declines - 1]);
        }
        else if (policy.PauseAfterLastRetry)
        {
            subscription.Status = SubscriptionStatus.Paused;
            subscription.NextChargeAt = null;
        }
        else
        {
            subscription.Status = SubscriptionStatus.Canceled;
            subscription.NextChargeAt = null;
            subscription.CanceledAt = now;
            subscription.EndedAt = now;
            subscription.CancelReason = "failed_payment";
        }
        await db.SaveChangesAsync(cancellationToken);
        await mail.WriteSubscriptionMailAsync(subscription, charge.OrderId, EmailKind.PaymentFailed, $"attempt:{attempt}", cancellationToken);
        var data = SubscriptionEvents.Data(subscription);
        await webhooks.PublishAsync(subscription.SellerId, WebhookOutbox.SubscriptionPaymentFailed, charge.OrderId,
            new { subscription = data, orderId = charge.OrderId, chargeId = charge.Id, payment = payment + 1, attempt, declineCode = result.DeclineCode, hardDecline = hard, nextRetryAt = subscription.NextChargeAt },
            cancellationToken);
        if (firstFailure && subscription.Status == SubscriptionStatus.PastDue)
            await webhooks.PublishAsync(subscription.SellerId, WebhookOutbox.SubscriptionPastDue, subscription.OrderId, data, cancellationToken);
        if (subscription.Status == SubscriptionStatus.Canceled)
            await webhooks.PublishAsync(subscription.SellerId, WebhookOutbox.SubscriptionCanceled, subscription.OrderId, data, cancellationToken);
    }
}
