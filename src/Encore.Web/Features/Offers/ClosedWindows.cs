using Encore.Web.Payments;

namespace Encore.Web.Features.Offers;

/// <summary>
/// For the reconciler: post-purchase windows that closed while the buyer was away end now, so their final receipts go
/// out; then the cards of windows that are over are forgotten at the gateway.
/// </summary>
public sealed class ClosedWindows(OfferService offers, CardRelease cards) : IOpenWork
{
    public async Task<int> SettleAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await offers.ExpireDueSessionsAsync(cancellationToken);
        await cards.ForgetAsync(cancellationToken);
        return 0; // Expiring a window and forgetting its card settle no money.
    }
}
