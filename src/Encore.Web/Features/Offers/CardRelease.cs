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
/// paused) is kept until that subscription is canceled or ends, then forgotten the same way. Run by the reconciler's
/// pass in every instance: the detach is idempotent and the record conditional, so two instances forget a card once.
/// </summary>
public sealed class CardRelease(EncoreDbContext db, IPaymentGateway gateway, TimeProvider clock, ILogger<CardRelease> logger)
{
    /// <summary>Forgets the cards of sessions that are over; the number forgotten.</summary>
    public async Task<int> ForgetAsync(CancellationToken cancellationToken, int batch = 50)
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
            try
            {
                await gateway.DetachPaymentMethodAsync(session.PaymentMethodId!, cancellationToken);
            }
            catch (Exception exception) when (exception is GatewayUnavailableException or GatewayRequestException)
            {
                logger.LogWarning(exception, "Could not detach the saved card of post-purchase session {SessionId}; will try again", session.Id);
                continue;
            }
            var now = clock.GetUtcNow();
            forgotten += await db.PostPurchaseSessions.Where(s => s.Id == session.Id && s.CardForgottenAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.CardForgottenAt, now), cancellationToken);
        }
        return forgotten;
    }
}
