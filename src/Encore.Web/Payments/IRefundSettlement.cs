namespace Encore.Web.Payments;

/// <summary>
/// Records what the gateway says about one of its refunds, whoever asked (a Stripe event, the reconciler): Encore's own
/// refund (found by the gateway's refund id, or by the idempotency key it was made with) moves to the gateway's state, and
/// a failed or canceled one gives its amount back to the line; a refund made outside Encore (in the gateway's dashboard)
/// is recorded on the lines of its payment. Each move is conditional, so the same answer twice changes things once.
/// The refunds feature implements it, so that <c>Payments</c> (the Stripe webhooks) knows no feature.
/// </summary>
public interface IRefundSettlement
{
    /// <returns>True when something changed.</returns>
    Task<bool> ApplyAsync(RefundResult refund, CancellationToken cancellationToken);
}
