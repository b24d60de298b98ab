using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Features.Funnels;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Offers;

/// <summary>
/// Records what the gateway said about a one-click charge and moves the buyer on, in one transaction:
/// the charge, the order line, the step's decision and the session's next step. Each move is conditional
/// on the state it expects, so a second settlement of the same charge (refresh, reconciler, another
/// instance) changes nothing.
/// </summary>
public sealed class OfferSettlement(
    EncoreDbContext db, PublishedFunnels funnels, WebhookOutbox webhooks, EmailOutbox mail, SubscriptionStarts subscriptions, TimeProvider clock)
    : IChargeSettlement
{
    Task IChargeSettlement.ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken) =>
        ApplyAsync(charge, result, cancellationToken);

    /// <param name="window">The session's window and funnel version, when the caller read them a moment ago (both are fixed while the session is active), to save reading them again.</param>
    /// <returns>What this call recorded; null when it recorded nothing (another settlement got there first, or no answer yet).</returns>
    public async Task<OfferSettled?> ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken, SessionWindow? window = null)
    {
        if (charge.SessionId is not { } sessionId || charge.StepId is not { } stepId)
            throw new ArgumentException("An offer charge belongs to a session step.", nameof(charge));
        var now = clock.GetUtcNow();
        OfferSettled settled;
        await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
        switch (result.Status)
        {
            case PaymentStatus.Succeeded:
            {
                if (await Charges.MoveAsync(db, charge, ChargeStatus.Succeeded, result, now, cancellationToken) == 0) return null;
                var (session, funnel) = await SessionAndFunnelAsync(sessionId, window, cancellationToken);
                var step = funnel.Steps[stepId];
                var line = new OrderLine
                {
                    Id = Guid.CreateVersion7(),
                    OrderId = charge.OrderId,
                    Kind = step.Kind == OfferStepKind.Downsell ? OrderLineKind.Downsell : OrderLineKind.Offer,
                    ProductId = step.ProductId,
                    Name = step.Name,
                    Amount = charge.Amount,
                    Currency = charge.Currency,
                    Interval = step.Price.Recurrence?.Interval,
                    IntervalCount = step.Price.Recurrence?.IntervalCount ?? 1,
                    StepId = stepId,
                    ChargeId = charge.Id,
                    CreatedAt = now,
                };
                db.OrderLines.Add(line);
                await db.SaveChangesAsync(cancellationToken);
                if (step.Price.IsRecurring) await StartSubscriptionAsync(charge, result, sessionId, line, step, cancellationToken);
                await DecideAsync(sessionId, stepId, StepState.Accepted, now, cancellationToken);
                var advance = await AdvanceAsync(db, sessionId, session.ExpiresAt, funnel, stepId, accepted: true, now, cancellationToken);
                settled = new OfferSettled(ChargeStatus.Succeeded, advance.Known, advance.NextStepId);
                // Read only when an endpoint wants the event: the buyer's e-mail and what the product delivers.
                await webhooks.PublishAsync(funnel.SellerId, WebhookOutbox.OfferAccepted, charge.OrderId, async token => new
                {
                    orderId = charge.OrderId,
                    email = await db.Orders.Where(o => o.Id == charge.OrderId).Select(o => o.Email).SingleAsync(token),
                    funnelId = funnel.FunnelId,
                    funnelVersionId = funnel.VersionId,
                    stepId,
                    stepKey = step.Key,
                    chargeId = charge.Id,
                    amount = charge.Amount,
                    currency = charge.Currency,
                    line = new
                    {
                        id = line.Id, name = step.Name, productId = step.ProductId,
                        kind = (step.Kind == OfferStepKind.Downsell ? OrderLineKind.Downsell : OrderLineKind.Offer).ToString().ToLowerInvariant(),
                        deliverableIds = (await webhooks.DeliverableIdsAsync([step.ProductId], token))[step.ProductId],
                    },
                }, cancellationToken);
                // The path ended here. (A window closed during the charge was ended by its expiry, which queued the
                // final receipt; the sender holds that mail until this charge is settled.)
                if (advance.Ended) await mail.WriteFinalReceiptAsync(funnel.SellerId, charge.OrderId, cancellationToken);
                break;
            }
            case PaymentStatus.Failed:
            {
                if (await Charges.MoveAsync(db, charge, ChargeStatus.Failed, result, now, cancellationToken) == 0) return null;
                var (session, funnel) = await SessionAndFunnelAsync(sessionId, window, cancellationToken);
                await DecideAsync(sessionId, stepId, StepState.Failed, now, cancellationToken);
                // A failed charge is not a yes: the buyer moves on along the decline edge.
                var advance = await AdvanceAsync(db, sessionId, session.ExpiresAt, funnel, stepId, accepted: false, now, cancellationToken);
                settled = new OfferSettled(ChargeStatus.Failed, advance.Known, advance.NextStepId);
                if (advance.Ended) await mail.WriteFinalReceiptAsync(funnel.SellerId, charge.OrderId, cancellationToken);
                break;
            }
            case PaymentStatus.RequiresAction:
                if (await Charges.MoveAsync(db, charge, ChargeStatus.RequiresAction, result, now, cancellationToken) == 0) return null;
                var waiting = StepStates.From(StepState.AwaitingAuthentication);
                await db.StepVisits
                    .Where(v => v.SessionId == sessionId && v.StepId == stepId && waiting.Contains(v.State))
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, StepState.AwaitingAuthentication), cancellationToken);
                settled = new OfferSettled(ChargeStatus.RequiresAction, false, null);
                break;
            default:
                return null;
        }
        await transaction.CommitAsync(cancellationToken);
        return settled;
    }

    /// <summary>A recurring offer or downsell starts its subscription on the session's saved card, anchored at the accept.</summary>
    private async Task StartSubscriptionAsync(Charge charge, PaymentResult result, Guid sessionId, OrderLine line, StepItem step, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == charge.OrderId, cancellationToken);
        var card = result.Card ?? await db.PostPurchaseSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new SavedCard(s.PaymentMethodId!, s.CardBrand ?? "", s.CardLast4 ?? "")).SingleAsync(cancellationToken);
        await subscriptions.StartAsync(order, charge, card,
            [new SubscriptionStarts.Item(line.Id, step.ProductId, step.Name, step.Price, charge.ConsentRecordId)], cancellationToken);
    }

    private async Task<(SessionWindow, PublishedFunnel)> SessionAndFunnelAsync(Guid sessionId, SessionWindow? known, CancellationToken cancellationToken)
    {
        var session = known ?? await db.PostPurchaseSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new SessionWindow(s.ExpiresAt, s.FunnelVersionId)).SingleAsync(cancellationToken);
        var funnel = await funnels.GetVersionAsync(session.FunnelVersionId, cancellationToken)
            ?? throw new InvalidOperationException($"Funnel version {session.FunnelVersionId} is missing.");
        return (session, funnel);
    }

    private Task<int> DecideAsync(Guid sessionId, Guid stepId, StepState decision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = StepStates.From(decision);
        return db.StepVisits
            .Where(v => v.SessionId == sessionId && v.StepId == stepId && from.Contains(v.State))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, decision).SetProperty(v => v.DecidedAt, now), cancellationToken);
    }

    /// <summary>
    /// Moves the session from a decided step to the next one (or ends it), only if that step is still its
    /// current one. Past the window, nothing more is offered. <see cref="Advance.Ended"/>: this call ended
    /// the session (the caller writes the final receipt in its transaction).
    /// </summary>
    internal static async Task<Advance> AdvanceAsync(
        EncoreDbContext db, Guid sessionId, DateTimeOffset expiresAt, PublishedFunnel funnel, Guid fromStepId, bool accepted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = funnel.Graph.Next(fromStepId, accepted);
        var current = db.PostPurchaseSessions.Where(s => s.Id == sessionId && s.Status == SessionStatus.Active && s.CurrentStepId == fromStepId);
        if (next is { } nextStep && now < expiresAt)
        {
            if (await current.ExecuteUpdateAsync(s => s.SetProperty(x => x.CurrentStepId, nextStep), cancellationToken) == 1)
            {
                db.StepVisits.Add(new StepVisit { Id = Guid.CreateVersion7(), SessionId = sessionId, StepId = nextStep, OfferedAt = now });
                await db.SaveChangesAsync(cancellationToken);
                return new Advance(Ended: false, Known: true, NextStepId: nextStep);
            }
            return new Advance(Ended: false, Known: false, NextStepId: null);
        }
        var ended = next is null ? SessionStatus.Completed : SessionStatus.Expired;
        var done = 1 == await current.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, ended)
            .SetProperty(x => x.CurrentStepId, (Guid?)null)
            .SetProperty(x => x.EndedAt, now), cancellationToken);
        return new Advance(Ended: done, Known: done, NextStepId: null);
    }
}

/// <summary>
/// Where a decision moved the session. <paramref name="Known"/>: this call moved it, so <paramref name="NextStepId"/>
/// (null: the path is over) is where it stands now and need not be read again; otherwise someone else moved it.
/// </summary>
internal readonly record struct Advance(bool Ended, bool Known, Guid? NextStepId);

/// <summary>A post-purchase session's window and funnel version: neither moves while the session is active.</summary>
public sealed record SessionWindow(DateTimeOffset ExpiresAt, Guid FunnelVersionId);

/// <summary>What this settlement of an offer charge recorded: the charge's new status and, when known, where the session went.</summary>
public sealed record OfferSettled(ChargeStatus Status, bool NextKnown, Guid? NextStepId);
