namespace Encore.Web.Payments.Sandbox;

/// <summary>A customer in the Sandbox gateway's own ledger.</summary>
public sealed class SandboxCustomer
{
    public required string Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public required string Email { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A payment method attached to a Sandbox customer: behaviour, brand and last four, no card number.</summary>
public sealed class SandboxPaymentMethod
{
    public required string Id { get; set; }
    public required string CustomerId { get; set; }

    /// <summary>The Stripe-style test method it was made from, e.g. <c>pm_card_visa</c>; decides its behaviour.</summary>
    public required string TestMethod { get; set; }

    public required string Brand { get; set; }
    public required string Last4 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum SandboxIntentStatus
{
    Succeeded = 0,
    RequiresAction = 1,
    RequiresPaymentMethod = 2,
    Canceled = 3,
}

/// <summary>A payment in the Sandbox ledger. Succeeded intents are the money the Sandbox says it moved.</summary>
public sealed class SandboxPaymentIntent
{
    public required string Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public required string RequestFingerprint { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public required string CustomerId { get; set; }
    public required string PaymentMethodId { get; set; }
    public bool OffSession { get; set; }
    public SandboxIntentStatus Status { get; set; }
    public string? DeclineCode { get; set; }
    public string? ReturnUrl { get; set; }
    public long AmountRefunded { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SucceededAt { get; set; }
}

public sealed class SandboxRefund
{
    public required string Id { get; set; }
    public required string IdempotencyKey { get; set; }
    public required string PaymentIntentId { get; set; }
    public long Amount { get; set; }

    /// <summary>Succeeded at once, except on <see cref="SandboxTestCards.RefundFail"/>: pending, then failed (<see cref="SandboxGateway.RefundFailsAfter"/>).</summary>
    public GatewayRefundStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
