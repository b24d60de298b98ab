using Encore.Web.Data.Entities;

namespace Encore.Web.Payments;

/// <summary>
/// Asks the gateway about a charge that is still open on this side (awaiting the bank, or unanswered for a
/// few seconds), for a page that wants to show the truth now rather than wait for the reconciler.
/// </summary>
public sealed class ChargeStatusCheck(IPaymentGateway gateway, TimeProvider clock, ILogger<ChargeStatusCheck> logger)
{
    /// <summary>How long a charge may stay unanswered before a page view asks the gateway itself.</summary>
    public static readonly TimeSpan AskAfter = TimeSpan.FromSeconds(5);

    /// <summary>What the gateway says now; null when there is nothing new to record.</summary>
    public async Task<PaymentResult?> AskAsync(Charge charge, CancellationToken cancellationToken)
    {
        var due = charge.Status switch
        {
            ChargeStatus.RequiresAction => true,
            _ when charge.Status.IsUnanswered() => clock.GetUtcNow() - charge.CreatedAt >= AskAfter,
            _ => false,
        };
        if (!due) return null;
        try
        {
            var result = charge.GatewayPaymentId is { } paymentId
                ? await gateway.GetPaymentAsync(paymentId, cancellationToken)
                : await gateway.FindPaymentByIdempotencyKeyAsync(charge.IdempotencyKey, charge.CreatedAt, cancellationToken);
            // "Never seen" is for the reconciler to judge, after the charge's own request is surely over; and a failure
            // only once no recovery of it is under way (Charges.IsNews).
            if (result is null) return null;
            return Charges.IsNews(charge, result, clock.GetUtcNow()) ? result : null;
        }
        catch (Exception exception) when (exception is GatewayUnavailableException or GatewayRequestException or HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(exception, "Could not ask the gateway about charge {ChargeId}", charge.Id);
            return null;
        }
    }
}
