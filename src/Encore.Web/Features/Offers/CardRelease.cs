using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Offers;

/// <summary>
/// Keeps the checkout's promise about the card: it is kept for this order's one-time offers only, and forgotten when the
/// offer window closes. Once a session is over (completed, expired or void) with no charge of its order still open, its
/// saved payment method is detached at the gateway (on Stripe, from the customer), so nothing can charge it again, and
/// the session records when. A card that a subscription bought on it still charges (trialing, active, past due or
/// paused) is kept until that subscription is canceled or ends, then forgotten the same way. So is a card the buyer saved
/// on a subscription's manage page (<see cref="SubscriptionCard"/>), which belongs to no session: it is forgotten once
/// no live subscription charges it, replaced by another card or with its subscription over. Run by the reconciler's
/// pass in every instance: the detach is idempotent and the record conditional, so two instances forget a card once.
/// </summary>
public sealed class CardRelease(EncoreDbContext db, IPaymentGateway gateway, TimeProvider clock, ILogger<CardRelease> logger)
{
    /// <summary>Forgets the cards of sessions that are over and the manage page's cards nothing charges; the number forgotten.</summary>
    public async Task<int> ForgetAsync(CancellationToken cancellationToken, int batch = 50) =>
        await ForgetSessionCardsAsync(cancellationToken, batch) + await ForgetSubscriptionCardsAsync(cancellationToken, batch);

    private async Task<int> ForgetSessionCardsAsync(CancellationToken cancellationToken, int batch)
    {
        var held = await db.PostPurchaseSessions.AsNoTracking()
            .Where(s => s.PaymentMethodId != null && s.CardForgottenAt == null &&
                        s.Status != SessionStatus.Active && s.Status != SessionStatus.AwaitingPayment &&
                        !db.Charges.Any(c => c.OrderId == s.OrderId && ChargeStates.Open.Contains(c.Status)) &&
                        !db.Subscriptions.Any(x => x.PaymentMethodId == s.PaymentMethodId && SubscriptionManagement.Live.Contains(x.Status)))
            .OrderBy(s => s.ExpiresAt)
            .Select(s => new { s.Id, s.PaymentMethodId })
            .Take(batch)
            .ToListAsync(cancellationToken);
        var forgotten = 0;
        foreach (var session in held)
        {
            if (!await DetachAsync(session.PaymentMethodId!, $"post-purchase session {session.Id}", cancellationToken)) continue;
            var now = clock.GetUtcNow();
            forgotten += await db.PostPurchaseSessions.Where(s => s.Id == session.Id && s.CardForgottenAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.CardForgottenAt, now), cancellationToken);
        }
        return forgotten;
    }

    /// <summary>
    /// The manage page's cards that no live subscription charges. One saved within the reconciler's grace is left alone:
    /// its request may still be pointing its subscription at it.
    /// </summary>
    private async Task<int> ForgetSubscriptionCardsAsync(CancellationToken cancellationToken, int batch)
    {
        var cutoff = clock.GetUtcNow() - Reconciler.Grace;
        var unused = await db.SubscriptionCards.AsNoTracking()
            .Where(c => c.ForgottenAt == null && c.SavedAt < cutoff &&
                        !db.Subscriptions.Any(s => s.PaymentMethodId == c.PaymentMethodId && SubscriptionManagement.Live.Contains(s.Status)))
            .OrderBy(c => c.SavedAt)
            .Take(batch)
            .ToListAsync(cancellationToken);
        var forgotten = 0;
        foreach (var card in unused)
        {
            if (!await DetachAsync(card.PaymentMethodId, $"subscription {card.SubscriptionId}", cancellationToken)) continue;
            var now = clock.GetUtcNow();
            forgotten += await db.SubscriptionCards
                .Where(c => c.SubscriptionId == card.SubscriptionId && c.PaymentMethodId == card.PaymentMethodId && c.ForgottenAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ForgottenAt, now), cancellationToken);
        }
        return forgotten;
    }

    /// <summary>
    /// Detaches a saved method at the gateway. False, logged, when the gateway is out of reach or refuses: the card stays
    /// to the next pass, and nothing is recorded.
    /// </summary>
    private async Task<bool> DetachAsync(string paymentMethodId, string holder, CancellationToken cancellationToken)
    {
        try
        {
            await gateway.DetachPaymentMethodAsync(paymentMethodId, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is GatewayUnavailableException or GatewayRequestException)
        {
            logger.LogWarning(exception, "Could not detach saved card {PaymentMethodId} of {Holder}; will try again", paymentMethodId, holder);
            return false;
        }
    }
}
