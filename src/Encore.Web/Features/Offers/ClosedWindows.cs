using Encore.Web.Payments;

namespace Encore.Web.Features.Offers;

/// <summary>For the reconciler: post-purchase windows that closed while the buyer was away end now, so their final receipts go out.</summary>
public sealed class ClosedWindows(OfferService offers) : IOpenWork
{
    public async Task<int> SettleAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await offers.ExpireDueSessionsAsync(cancellationToken);
        return 0; // Expiring a window settles no money.
    }
}
