namespace Encore.Web.Payments;

/// <summary>
/// Work the reconciler finishes besides open charges, registered by the features that own it (refunds whose answer
/// was lost, post-purchase windows that closed while the buyer was away), so <c>Payments</c> knows none of them.
/// </summary>
public interface IOpenWork
{
    /// <returns>How many items this run settled.</returns>
    Task<int> SettleAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
