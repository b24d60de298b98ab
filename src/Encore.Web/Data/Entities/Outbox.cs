namespace Encore.Web.Data.Entities;

public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt (at <c>NextAttemptAt</c>).</summary>
    Pending = 0,

    Delivered = 1,

    /// <summary>Gave up after the last back-off step; a seller can still redeliver it by hand.</summary>
    Abandoned = 2,
}

/// <summary>An outbox row a background worker sends: due at <see cref="NextAttemptAt"/>, held by a lease while it is sent.</summary>
public interface IOutboxRow
{
    Guid Id { get; }
    DeliveryStatus Status { get; }
    DateTimeOffset NextAttemptAt { get; }

    /// <summary>A worker's lease: no other worker (in this or another instance) takes the row before then.</summary>
    DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>
/// Something that happened to an order, as a seller's webhook endpoints receive it. Written in the same
/// transaction as the change it reports, with one <see cref="WebhookDelivery"/> per subscribed endpoint,
/// so an event is never lost and never invented. Its id is what receivers dedupe on.
/// </summary>
public sealed class WebhookEvent
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary><c>order.paid</c>, <c>offer.accepted</c>, <c>offer.declined</c> or <c>order.refunded</c>.</summary>
    public required string Type { get; set; }

    public Guid? OrderId { get; set; }

    /// <summary>The exact JSON body every endpoint receives (and that the signature covers).</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A seller's URL that receives signed events.</summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public required string Url { get; set; }

    /// <summary>The signing secret, sealed with ASP.NET Core data protection (keys in the database).</summary>
    public required string SecretProtected { get; set; }

    /// <summary>The event types sent; empty: all of them.</summary>
    public List<string> Events { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>One event for one endpoint: retried with exponential back-off until delivered or abandoned.</summary>
public sealed class WebhookDelivery : IOutboxRow
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid EventId { get; set; }
    public Guid EndpointId { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A worker's lease: no other worker (in this or another instance) takes the row before then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>The log of one HTTP attempt, shown on the seller's delivery page.</summary>
public sealed class WebhookAttempt
{
    public Guid Id { get; set; }
    public Guid DeliveryId { get; set; }
    public Guid SellerId { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}

public enum EmailKind
{
    /// <summary>Sent when the checkout is paid.</summary>
    CheckoutReceipt = 0,

    /// <summary>Sent once the post-purchase path has ended: every charge of the order in one mail.</summary>
    FinalReceipt = 1,

    /// <summary>A subscription's payment succeeded (on its renewal order).</summary>
    RenewalReceipt = 2,

    /// <summary>Days before a free trial converts: amount, date, card, how to cancel.</summary>
    TrialReminder = 3,

    /// <summary>Days before a yearly renewal: amount, date, card, how to cancel.</summary>
    RenewalReminder = 4,

    /// <summary>A renewal failed: what happens next and a link to update the card.</summary>
    PaymentFailed = 5,

    /// <summary>The bank asks the buyer to authenticate a renewal: a link to do it.</summary>
    AuthenticationNeeded = 6,

    /// <summary>The subscription is cancelled: what happens now.</summary>
    SubscriptionCanceled = 7,

    /// <summary>A fresh link to the manage page, asked for by entering the e-mail address.</summary>
    ManageLink = 8,

    /// <summary>
    /// A one-time link to the buyer's page (<c>Reference</c>: the link's id), on the address's most recent order: the
    /// outbox needs an order, and a buyer who is sent one has one.
    /// </summary>
    BuyerSignIn = 9,

    /// <summary>
    /// A new seller account's link to confirm its address (<c>OrderId</c> null, <c>Reference</c>: the account's id). The
    /// link is made when the mail is sent, and the row keeps the mail without it.
    /// </summary>
    SellerConfirmEmail = 10,

    /// <summary>Someone tried to sign up with an address that already has a confirmed account (<c>OrderId</c> null, <c>Reference</c>: the account's id).</summary>
    SellerSignUpAttempt = 11,

    /// <summary>
    /// To the seller: a licence-key list is running low or has run out (<c>Reference</c>: <c>keys:{deliverable}:{left}</c>),
    /// on the order whose key took it there.
    /// </summary>
    LicenceKeysLow = 12,

    // 20-29: seller account security (OrderId null, Reference: the account's id).

    /// <summary>A link to choose a new password (1 hour, once), asked for on the sign-in page; made when sent, not kept.</summary>
    SellerPasswordReset = 20,

    /// <summary>The account's password was changed (a reset, or on the account page).</summary>
    SellerPasswordChanged = 21,

    /// <summary>A link to make the new address the account's sign-in address; <c>To</c> is set when queued (the new address).</summary>
    SellerEmailChangeConfirm = 22,

    /// <summary>To the account's address at the time (<c>To</c>, set when queued): a change of address was asked for.</summary>
    SellerEmailChangeNotice = 23,

    /// <summary>
    /// An owner's invitation to join the seller's team (<c>OrderId</c> null, <c>Reference</c>: the invitation's id). The
    /// link's token is made when the mail is sent (its hash stored on the invitation), and the row keeps the mail without it.
    /// </summary>
    TeamInvite = 30,
}

/// <summary>A mail to send, written with the change that calls for it; a mail server outage delays it, never loses it.</summary>
public sealed class EmailMessage : IOutboxRow
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>The order a buyer's mail is about; null for a seller's account mails, which have none.</summary>
    public Guid? OrderId { get; set; }
    public EmailKind Kind { get; set; }

    /// <summary>For a subscription's mails: the subscription, and what makes this mail one of a kind (a payment, an attempt).</summary>
    public Guid? SubscriptionId { get; set; }
    public string Reference { get; set; } = "";
    // Null until the mail is sent (but for a seller's change-of-address mails, whose address is fixed when queued): composed then from the order as it stands (the buyer's transaction only queues
    // the mail), and kept as the record of what was sent.
    public string? To { get; set; }
    public string? Subject { get; set; }
    public string? TextBody { get; set; }
    public string? HtmlBody { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>A Stripe event already handled: <c>/webhooks/stripe</c> handles each event id once.</summary>
public sealed class StripeEventRecord
{
    public required string Id { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
