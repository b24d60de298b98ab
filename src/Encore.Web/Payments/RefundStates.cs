using Encore.Web.Data.Entities;

namespace Encore.Web.Payments;

/// <summary>
/// A refund's state machine, written once (as <see cref="ChargeStates"/> is for a charge): which moves are allowed, which
/// states are still open or keep their amount reserved on the line, what the gateway's states mean here, and the one
/// wire name of each state that the seller API, the seller's pages and the docs use.
/// </summary>
public static class RefundStates
{
    /// <summary>Not settled yet: the reconciler asks the gateway about these.</summary>
    public static readonly RefundStatus[] Open = [RefundStatus.Pending, RefundStatus.Unknown, RefundStatus.RequiresAction];

    /// <summary>Nothing was refunded: the amount went back to the line.</summary>
    public static readonly RefundStatus[] Released = [RefundStatus.Failed, RefundStatus.Canceled];

    public static bool IsOpen(this RefundStatus status) => status is RefundStatus.Pending or RefundStatus.Unknown or RefundStatus.RequiresAction;

    /// <summary>Counted as refunded (succeeded, or open and so reserved on the line).</summary>
    public static bool Reserves(this RefundStatus status) => status is not (RefundStatus.Failed or RefundStatus.Canceled);

    private static readonly RefundStatus[] All = Enum.GetValues<RefundStatus>();

    /// <summary>The states a refund may move to <paramref name="to"/> from: what a conditional update must find.</summary>
    public static RefundStatus[] From(RefundStatus to) => All.Where(from => CanMove(from, to)).ToArray();

    /// <summary>
    /// Open states move among themselves as the gateway reports (pending again records the gateway's id); any open state
    /// may end succeeded, failed or canceled; and a succeeded refund may still fail (Stripe: a refund can fail days after
    /// it succeeded). Failed and canceled are final.
    /// </summary>
    public static bool CanMove(RefundStatus from, RefundStatus to) => (from, to) switch
    {
        (RefundStatus.Pending, RefundStatus.Unknown) => true,
        (RefundStatus.Pending or RefundStatus.Unknown or RefundStatus.RequiresAction, RefundStatus.Pending) => true,
        (RefundStatus.Pending or RefundStatus.Unknown, RefundStatus.RequiresAction) => true,
        (RefundStatus.Pending or RefundStatus.Unknown or RefundStatus.RequiresAction, RefundStatus.Succeeded or RefundStatus.Canceled) => true,
        (RefundStatus.Pending or RefundStatus.Unknown or RefundStatus.RequiresAction or RefundStatus.Succeeded, RefundStatus.Failed) => true,
        _ => false,
    };

    /// <summary>What the gateway's state of a refund is here.</summary>
    public static RefundStatus FromGateway(GatewayRefundStatus status) => status switch
    {
        GatewayRefundStatus.Pending => RefundStatus.Pending,
        GatewayRefundStatus.RequiresAction => RefundStatus.RequiresAction,
        GatewayRefundStatus.Succeeded => RefundStatus.Succeeded,
        GatewayRefundStatus.Failed => RefundStatus.Failed,
        GatewayRefundStatus.Canceled => RefundStatus.Canceled,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>
    /// The wire name, the same in the seller API, webhooks and docs: <c>pending</c> (recorded, or processing at the
    /// gateway), <c>unknown</c> (the gateway's answer was lost; the reconciler asks again), <c>requires_action</c> (the
    /// gateway waits for the buyer's side), <c>succeeded</c>, <c>failed</c>, <c>canceled</c>.
    /// </summary>
    public static string WireName(this RefundStatus status) => status switch
    {
        RefundStatus.Pending => "pending",
        RefundStatus.Unknown => "unknown",
        RefundStatus.RequiresAction => "requires_action",
        RefundStatus.Succeeded => "succeeded",
        RefundStatus.Failed => "failed",
        RefundStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
