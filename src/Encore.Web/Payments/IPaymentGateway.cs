namespace Encore.Web.Payments;

/// <summary>
/// The one port every payment gateway sits behind, shaped after Stripe's PaymentIntents. Every call
/// that moves money carries an idempotency key; calling again with the same key returns the first
/// result and moves nothing. A call whose outcome is unknown throws <see cref="GatewayUnavailableException"/>.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>Short name for logs and the UI, e.g. "sandbox" or "stripe".</summary>
    string Name { get; }

    /// <summary>
    /// Describes what the buyer's client sent to pay with (a payment method, or on Stripe a ConfirmationToken): its card;
    /// null when the gateway has no such method, or it can no longer pay.
    /// </summary>
    Task<SavedCard?> DescribePaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken);

    /// <summary>Creates a customer for the buyer (idempotent by key).</summary>
    Task<GatewayCustomer> CreateCustomerAsync(CreateCustomerRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Charges a payment method. On-session with <see cref="ChargeRequest.SaveForOffSession"/> attaches it
    /// to the customer for later off-session charges; off-session charges the already saved method. An
    /// <see cref="ChargeRequest.Amount"/> of 0 with <see cref="ChargeRequest.SaveForOffSession"/> is a card setup:
    /// the method is saved (and the bank may ask the buyer to authenticate) and no money moves.
    /// </summary>
    Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>Reads a payment by the idempotency key it was created with; null when the gateway never saw that key.</summary>
    /// <param name="recordedAt">When the charge was recorded, just before its request: the payment, if any, was made then.</param>
    Task<PaymentResult?> FindPaymentByIdempotencyKeyAsync(string idempotencyKey, DateTimeOffset recordedAt, CancellationToken cancellationToken);

    /// <summary>Reads a payment by its gateway id.</summary>
    Task<PaymentResult> GetPaymentAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Refunds all or part of a succeeded payment (idempotent by key; the gateway keeps the key with the refund, so that its
    /// refunds can be matched to Encore's). A refusal of the request itself (more than is left) is a Failed result without
    /// a refund id; the refund's own state may be pending or requires action, and move later.
    /// </summary>
    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>Reads a refund by its gateway id, as it stands now.</summary>
    Task<RefundResult> GetRefundAsync(string refundId, CancellationToken cancellationToken);

    /// <summary>Every refund of a payment, Encore's and those made elsewhere (the gateway's dashboard).</summary>
    Task<IReadOnlyList<RefundResult>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Detaches a saved payment method from its customer, so that nothing can charge it again (the post-purchase window
    /// closed and no subscription needs it). Idempotent: a method already detached, or one the gateway no longer has, is
    /// done too.
    /// </summary>
    Task DetachPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken);
}

public sealed record CreateCustomerRequest(string Email, string Name, string IdempotencyKey);

public sealed record GatewayCustomer(string Id);

public sealed record ChargeRequest
{
    /// <summary>
    /// In the currency's smallest unit. 0 with <see cref="SaveForOffSession"/> (on-session) means a card setup, not a
    /// charge: the gateway saves the method for later off-session charges and moves no money (a checkout of free
    /// trials alone, a subscriber's new card). Its result is Succeeded with Amount 0 and the saved card, or Failed,
    /// RequiresAction or Processing like a payment's, under the same idempotency key. See decision 0006.
    /// </summary>
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? CustomerId { get; init; }

    /// <summary>
    /// What pays: a gateway payment method (<c>pm_…</c>, saved or a test one), or what the gateway's own script made in the
    /// buyer's browser to confirm this one charge with (on Stripe a ConfirmationToken, <c>ctoken_…</c>, single-use). Never a
    /// card number. The saved card comes back in <see cref="PaymentResult.Card"/>.
    /// </summary>
    public required string PaymentMethodId { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>True for a merchant-initiated charge on a saved method (the one-click offer).</summary>
    public bool OffSession { get; init; }

    /// <summary>Keep the method for later off-session charges (the buyer consented at checkout).</summary>
    public bool SaveForOffSession { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Where the bank's authentication page sends the buyer back to; a path on this site.</summary>
    public string? ReturnUrl { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public enum PaymentStatus
{
    Succeeded,
    RequiresAction,
    Failed,
    Processing,
}

/// <summary>Where a payment stands at the gateway, with the card it used.</summary>
public sealed record PaymentResult
{
    public required string PaymentId { get; init; }
    public required PaymentStatus Status { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? DeclineCode { get; init; }
    public string? FailureMessage { get; init; }

    /// <summary>Where to send the buyer to authenticate, when <see cref="Status"/> is RequiresAction.</summary>
    public string? ActionUrl { get; init; }

    public SavedCard? Card { get; init; }
}

/// <summary>A payment method as the gateway describes it: a token, a brand and the last four digits.</summary>
public sealed record SavedCard(string PaymentMethodId, string Brand, string Last4);

public sealed record RefundRequest(string PaymentId, long Amount, string IdempotencyKey);

/// <summary>Where a refund stands at the gateway, named as Stripe names it.</summary>
public enum GatewayRefundStatus
{
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>A refund as the gateway has it.</summary>
/// <param name="RefundId">The gateway's id; empty when the gateway refused the request itself and made no refund.</param>
public sealed record RefundResult(string RefundId, long Amount, GatewayRefundStatus Status, string? FailureMessage)
{
    /// <summary>The payment it refunds.</summary>
    public string PaymentId { get; init; } = "";

    /// <summary>The idempotency key it was made with, which the gateway keeps: Encore's own refunds have one, a dashboard's none.</summary>
    public string? IdempotencyKey { get; init; }

    public bool Succeeded => Status == GatewayRefundStatus.Succeeded;
}

/// <summary>The gateway could not be reached or did not answer: the outcome is unknown, not failed.</summary>
public sealed class GatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The gateway refused the request itself (bad parameters, reused key with other parameters).</summary>
public sealed class GatewayRequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
