namespace Encore.Web.Data.Entities;

public enum OrderStatus
{
    /// <summary>Created; the checkout charge has not settled yet.</summary>
    Pending = 0,

    /// <summary>The checkout charge waits for the buyer to authenticate with the bank.</summary>
    RequiresAction = 1,

    Paid = 2,

    /// <summary>The checkout charge was declined: nothing was charged.</summary>
    PaymentFailed = 3,
}

/// <summary>One buyer, one funnel version, several lines and charges, one receipt.</summary>
public sealed class Order
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid FunnelId { get; set; }
    public Guid FunnelVersionId { get; set; }
    public required string Email { get; set; }
    public required string BuyerName { get; set; }
    public required string Currency { get; set; }
    public OrderStatus Status { get; set; }

    /// <summary>SHA-256 of the receipt link's token; the token itself is never stored.</summary>
    public required string ReceiptTokenHash { get; set; }

    public string? GatewayCustomerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>Set on a renewal order: the subscription and the payment index it charges (one order per payment).</summary>
    public Guid? SubscriptionId { get; set; }
    public int? PaymentIndex { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
    public List<Charge> Charges { get; set; } = [];
    public List<Refund> Refunds { get; set; } = [];
}

public enum OrderLineKind
{
    Main = 0,
    Bump = 1,
    Offer = 2,
    Downsell = 3,

    /// <summary>A subscription's payment after the first, on a renewal order of its own.</summary>
    Renewal = 4,
}

/// <summary>
/// What was bought, at the price of the funnel version it was sold under. Inserted once; only
/// <see cref="RefundedAmount"/> ever moves, upward, by a conditional update that keeps it within <see cref="Amount"/>.
/// </summary>
public sealed class OrderLine
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public OrderLineKind Kind { get; set; }
    public Guid ProductId { get; set; }
    public required string Name { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public Encore.Domain.BillingInterval? Interval { get; set; }
    public int IntervalCount { get; set; } = 1;

    /// <summary>The subscription this line started or renews, when its price is recurring.</summary>
    public Guid? SubscriptionId { get; set; }

    public Guid? BumpId { get; set; }
    public Guid? StepId { get; set; }
    public Guid ChargeId { get; set; }

    /// <summary>Refunded or being refunded (pending refunds reserve their amount), in minor units.</summary>
    public long RefundedAmount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A refund's state, as the gateway gives it (Stripe's <c>pending</c>, <c>requires_action</c>, <c>succeeded</c>, <c>failed</c>,
/// <c>canceled</c>) plus Encore's <c>unknown</c>. The moves and wire names are in <c>Payments/RefundStates</c>.
/// </summary>
public enum RefundStatus
{
    /// <summary>
    /// Recorded and its amount reserved on the line: the gateway may not have it yet (no gateway refund id), or has it
    /// and is still processing it (Stripe's <c>pending</c>).
    /// </summary>
    Pending = 0,

    /// <summary>The gateway says the money went back. It can still fail later (the bank cannot credit the card): then Failed.</summary>
    Succeeded = 1,

    /// <summary>The gateway refused it, or it failed at the bank: nothing was refunded and the reservation was released.</summary>
    Failed = 2,

    /// <summary>The gateway's answer never came back; the reconciler asks again with the same key.</summary>
    Unknown = 3,

    /// <summary>The gateway has it and waits for the buyer's side (Stripe: details to send the money to); reserved.</summary>
    RequiresAction = 4,

    /// <summary>Canceled at the gateway before the money went back: nothing was refunded and the reservation was released.</summary>
    Canceled = 5,
}

/// <summary>Money given back on one line of an order, through the gateway, once per idempotency key.</summary>
public sealed class Refund
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid OrderId { get; set; }
    public Guid OrderLineId { get; set; }
    public Guid ChargeId { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public string Reason { get; set; } = "";

    /// <summary>The gateway idempotency key: derived from the request's key, so a retry never refunds twice.</summary>
    public required string IdempotencyKey { get; set; }

    public string? GatewayRefundId { get; set; }
    public RefundStatus Status { get; set; }
    public string? FailureMessage { get; set; }

    /// <summary>Who asked: the signed-in seller user's e-mail or the API key's prefix.</summary>
    public string RequestedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
}

public enum ChargeKind
{
    Checkout = 0,
    Offer = 1,

    /// <summary>A subscription's payment charged by the billing run (off-session, on the saved card).</summary>
    Renewal = 2,
}

public enum ChargeStatus
{
    /// <summary>Recorded before the gateway is called; the gateway may or may not have it yet.</summary>
    Pending = 0,

    RequiresAction = 1,
    Succeeded = 2,
    Failed = 3,

    /// <summary>The gateway's answer never came back. Never "failed": the reconciler settles it by key.</summary>
    Unknown = 4,
}

/// <summary>
/// One attempt to move money, shaped like a PaymentIntent. Its status only moves forward
/// (pending → requires action → succeeded or failed; unknown → succeeded or failed), each move a
/// conditional update; the row is never deleted, and its gateway idempotency key never changes.
/// </summary>
public sealed class Charge
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public ChargeKind Kind { get; set; }
    public Guid? SessionId { get; set; }
    public Guid? StepId { get; set; }

    /// <summary>For a renewal: the subscription, the payment index and the attempt (1, then dunning's retries).</summary>
    public Guid? SubscriptionId { get; set; }
    public int? PaymentIndex { get; set; }
    public int? Attempt { get; set; }

    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? GatewayPaymentId { get; set; }
    public ChargeStatus Status { get; set; }
    public string? DeclineCode { get; set; }
    public string? FailureMessage { get; set; }
    public string? ActionUrl { get; set; }
    public Guid? ConsentRecordId { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
}
