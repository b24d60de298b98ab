using Encore.Domain.PostPurchase;

namespace Encore.Web.Data.Entities;

public enum SessionStatus
{
    /// <summary>Created with the order; waits for the checkout charge (which may need the bank's authentication).</summary>
    AwaitingPayment = 0,

    Active = 1,

    /// <summary>The path is over: every step on it was decided.</summary>
    Completed = 2,

    /// <summary>The window closed before the path was over.</summary>
    Expired = 3,

    /// <summary>The checkout charge failed: there is nothing to offer.</summary>
    Void = 4,
}

/// <summary>
/// The buyer's moment after paying: which step is current, which saved card the offers charge,
/// and until when. Found by the SHA-256 of its token; the token is never stored.
/// </summary>
public sealed class PostPurchaseSession
{
    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid FunnelVersionId { get; set; }
    public required string TokenHash { get; set; }

    /// <summary>SHA-256 of the secret in the buyer's cookie: the pages answer only the browser that bought.</summary>
    public required string BrowserBindingHash { get; set; }

    public SessionStatus Status { get; set; }
    public Guid? CurrentStepId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public required string GatewayCustomerId { get; set; }

    /// <summary>The saved payment method's gateway token, brand and last four; set when the checkout charge succeeds.</summary>
    public string? PaymentMethodId { get; set; }

    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>
    /// When the saved card was detached at the gateway, after the window closed (or the path ended): from then on nothing
    /// can charge it. Null while the window is open, and while a subscription bought on this order still charges it.
    /// </summary>
    public DateTimeOffset? CardForgottenAt { get; set; }
}

/// <summary>One step as one buyer met it: offered, perhaps viewed, then decided exactly once.</summary>
public sealed class StepVisit
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public Guid StepId { get; set; }
    public StepState State { get; set; }
    public DateTimeOffset OfferedAt { get; set; }
    public DateTimeOffset? ViewedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? ChargeId { get; set; }
}

/// <summary>
/// What the buyer saw and agreed to before a saved card was charged. Append-only: inserted with the
/// claim of the step, before the gateway is called, so no one-click charge exists without one.
/// </summary>
public sealed class ConsentRecord
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid OrderId { get; set; }
    public Guid? SessionId { get; set; }
    /// <summary>The step for a one-click offer; null for a recurring item agreed to on the checkout page.</summary>
    public Guid? StepId { get; set; }

    /// <summary>The order line agreed to at checkout (main product or bump); null for an offer.</summary>
    public Guid? OrderLineId { get; set; }
    public required string DisclosureText { get; set; }
    public required string DisclosureSha256 { get; set; }
    public required string AcceptLabel { get; set; }
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public string? Recurrence { get; set; }
    public required string CardBrand { get; set; }
    public required string CardLast4 { get; set; }
    public required string Channel { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset AgreedAt { get; set; }
}
