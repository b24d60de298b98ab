using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Features.Funnels;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Offers;

/// <summary>
/// Records what the gateway said about a one-click charge and moves the buyer on, in one transaction:
/// the charge, the order line, the step's decision and the session's next step. Each move is conditional
/// on the state it expects, so a second settlement of the same charge (refresh, reconciler, another
/// instance) changes nothing.
/// </summary>
public sealed class OfferSettlement(EncoreDbContext db, PublishedFunnels funnels, WebhookOutbox webhooks, EmailOutbox mail, TimeProvider clock)
{
    public async Task ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken)
    {
        if (charge.SessionId is not { } sessionId || charge.StepId is not { } stepId)
            throw new ArgumentException("An offer charge belongs to a session step.", nameof(charge));
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        switch (result.Status)
        {
            case PaymentStatus.Succeeded:
            {
                if (await CheckoutSettlement.MoveChargeAsync(db, charge.Id, [ChargeStatus.Pending, ChargeStatus.Unknown, ChargeStatus.RequiresAction],
                        ChargeStatus.Succeeded, result, now, cancellationToken) == 0) return;
                var (session, funnel) = await SessionAndFunnelAsync(sessionId, cancellationToken);
                var step = funnel.Steps[stepId];
                db.OrderLines.Add(new OrderLine
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
                });
                await db.SaveChangesAsync(cancellationToken);
                await DecideAsync(sessionId, stepId, StepState.Accepted, now, cancellationToken);
                var ended = await AdvanceAsync(db, session, funnel, stepId, accepted: true, now, cancellationToken);
                await webhooks.PublishAsync(funnel.SellerId, WebhookOutbox.OfferAccepted, charge.OrderId, new
                {
                    orderId = charge.OrderId,
                    funnelId = funnel.FunnelId,
                    funnelVersionId = funnel.VersionId,
                    stepId,
                    stepKey = step.Key,
                    chargeId = charge.Id,
                    amount = charge.Amount,
                    currency = charge.Currency,
                    line = new { name = step.Name, productId = step.ProductId, kind = (step.Kind == OfferStepKind.Downsell ? OrderLineKind.Downsell : OrderLineKind.Offer).ToString().ToLowerInvariant() },
                }, cancellationToken);
                if (ended || session.Status != SessionStatus.Active) await mail.WriteFinalReceiptWhenSettledAsync(charge.OrderId, cancellationToken);
                break;
            }
            case PaymentStatus.Failed:
            {
                if (await CheckoutSettlement.MoveChargeAsync(db, charge.Id, [ChargeStatus.Pending, ChargeStatus.Unknown, ChargeStatus.RequiresAction],
                        ChargeStatus.Failed, result, now, cancellationToken) == 0) return;
                var (session, funnel) = await SessionAndFunnelAsync(sessionId, cancellationToken);
                await DecideAsync(sessionId, stepId, StepState.Failed, now, cancellationToken);
                // A failed charge is not a yes: the buyer moves on along the decline edge.
                // The path ended now, or ended (the window closed) while this charge was in flight.
                if (await AdvanceAsync(db, session, funnel, stepId, accepted: false, now, cancellationToken) || session.Status != SessionStatus.Active)
                    await mail.WriteFinalReceiptWhenSettledAsync(charge.OrderId, cancellationToken);
                break;
            }
            case PaymentStatus.RequiresAction:
                if (await CheckoutSettlement.MoveChargeAsync(db, charge.Id, [ChargeStatus.Pending, ChargeStatus.Unknown],
                        ChargeStatus.RequiresAction, result, now, cancellationToken) == 0) return;
                var waiting = StepStates.From(StepState.AwaitingAuthentication);
                await db.StepVisits
                    .Where(v => v.SessionId == sessionId && v.StepId == stepId && waiting.Contains(v.State))
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, StepState.AwaitingAuthentication), cancellationToken);
                break;
            default:
                return;
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<(PostPurchaseSession, PublishedFunnel)> SessionAndFunnelAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var session = await db.PostPurchaseSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId, cancellationToken);
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
    /// current one. Past the window, nothing more is offered.
    /// True when this call ended the session (the caller writes the final receipt in its transaction).
    /// </summary>
    internal static async Task<bool> AdvanceAsync(
        EncoreDbContext db, PostPurchaseSession session, PublishedFunnel funnel, Guid fromStepId, bool accepted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = funnel.Graph.Next(fromStepId, accepted);
        var current = db.PostPurchaseSessions.Where(s => s.Id == session.Id && s.Status == SessionStatus.Active && s.CurrentStepId == fromStepId);
        if (next is { } nextStep && now < session.ExpiresAt)
        {
            if (await current.ExecuteUpdateAsync(s => s.SetProperty(x => x.CurrentStepId, nextStep), cancellationToken) == 1)
            {
                db.StepVisits.Add(new StepVisit { Id = Guid.CreateVersion7(), SessionId = session.Id, StepId = nextStep, OfferedAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }
            return false;
        }
        var ended = next is null ? SessionStatus.Completed : SessionStatus.Expired;
        return 1 == await current.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, ended)
            .SetProperty(x => x.CurrentStepId, (Guid?)null)
            .SetProperty(x => x.EndedAt, now), cancellationToken);
    }
}
