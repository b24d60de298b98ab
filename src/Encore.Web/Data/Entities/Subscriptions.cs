using Encore.Domain;

namespace Encore.Web.Data.Entities;

/// <summary>Where a subscription stands. Wire names: trialing, active, past_due, paused, canceled, ended.</summary>
public enum SubscriptionStatus
{
    /// <summary>In its free trial: nothing charged yet; the first payment is due at <see cref="Subscription.NextChargeAt"/>.</summary>
    Trialing = 0,

    Active = 1,

    /// <summary>A renewal failed; dunning retries it on the seller's schedule.</summary>
    PastDue = 2,

    /// <summary>Not charged until the seller resumes it (dunning's end when the seller chose pausing).</summary>
    Paused = 3,

    /// <summary>Cancelled by the buyer or the seller, or after the last failed retry: never charged again.</summary>
    Canceled = 4,

    /// <summary>A payment plan after its last payment: complete, never charged again.</summary>
    Ended = 5,
}

/// <summary>
/// What buying a recurring price starts: the price frozen as the buyer agreed to it, the saved card, and Encore's
/// own schedule. Payment <c>k</c> (0 is the first) falls at <c>Recurrence.PaymentDue(FirstPaymentAt, k)</c>; each
/// one is charged under the key <c>encore:renewal:{id}:{k}</c>, exactly once, by the billing run
/// (<see cref="Features.Subscriptions.BillingRun"/>). Every move is a conditional update on <see cref="NextPayment"/>.
/// </summary>
public sealed class Subscription
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>The order that started it (checkout or one-click offer).</summary>
    public Guid OrderId { get; set; }

    public Guid FunnelId { get; set; }
    public Guid FunnelVersionId { get; set; }
    public Guid ProductId { get; set; }
    public required string ProductName { get; set; }
    public required string Email { get; set; }
    public required string BuyerName { get; set; }

    /// <summary>The price as agreed: amount per payment, currency, interval, trial, number of payments.</summary>
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public BillingInterval Interval { get; set; }
    public int IntervalCount { get; set; } = 1;
    public int TrialDays { get; set; }
    public int? Payments { get; set; }

    public required string GatewayCustomerId { get; set; }

    /// <summary>The saved payment method (a gateway token) renewals are charged to; replaced when the buyer updates the card.</summary>
    public required string PaymentMethodId { get; set; }
    public string CardBrand { get; set; } = "";
    public string CardLast4 { get; set; } = "";

    public SubscriptionStatus Status { get; set; }

    /// <summary>When the buyer agreed.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When payment 0 falls (at purchase, or when the trial ends): the anchor of every later date.</summary>
    public DateTimeOffset FirstPaymentAt { get; set; }

    /// <summary>Payments that succeeded.</summary>
    public int PaymentsMade { get; set; }

    /// <summary>The index of the next payment to charge (equals <see cref="PaymentsMade"/>).</summary>
    public int NextPayment { get; set; }

    /// <summary>When the billing run next charges (the payment's date, or a dunning retry); null when nothing more is charged.</summary>
    public DateTimeOffset? NextChargeAt { get; set; }

    /// <summary>Paid up to here (the trial's end during the trial): what a cancellation keeps access until.</summary>
    public DateTimeOffset CurrentPeriodEnd { get; set; }

    /// <summary>Cancelled with effect at <see cref="CurrentPeriodEnd"/>: nothing more is charged; the billing run ends it then.</summary>
    public bool CancelAtPeriodEnd { get; set; }

    public DateTimeOffset? CanceledAt { get; set; }

    /// <summary>buyer, seller, failed_payment.</summary>
    public string? CancelReason { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Failed attempts at <see cref="NextPayment"/> (0 when none); dunning's position in its schedule.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>When the first attempt at the current payment failed: dunning's retries are counted from here.</summary>
    public DateTimeOffset? DunningStartedAt { get; set; }

    public string? LastDeclineCode { get; set; }

    /// <summary>The payment index whose reminder has gone out, so each reminder is sent once.</summary>
    public int? RemindedForPayment { get; set; }

    /// <summary>Lease of the billing run that is charging it now (several instances run billing at once).</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>
    /// The claim that set <see cref="LockedUntil"/> last, when a billing run claimed it with others (a chunk): the claim
    /// reads back exactly its own rows by it, even when another run's lease ends at the same instant.
    /// </summary>
    public Guid? LeaseId { get; set; }

    public Guid? ConsentRecordId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public Recurrence Recurrence => new(Interval, IntervalCount, TrialDays, Payments);
    public Price Price => new(new Money(Amount, Currency), Recurrence);
}

/// <summary>A seller's dunning settings: when failed renewals are retried, and what happens after the last retry.</summary>
public sealed class DunningSettings
{
    public Guid SellerId { get; set; }

    /// <summary>Days after the first failure, ascending, e.g. "1,3,5,7".</summary>
    public string RetryDays { get; set; } = DefaultRetryDays;

    /// <summary>True: pause after the last retry; false: cancel.</summary>
    public bool PauseAfterLastRetry { get; set; }

    /// <summary>Days before a trial converts that the buyer is reminded.</summary>
    public int TrialReminderDays { get; set; } = 3;

    /// <summary>Days before a yearly renewal that the buyer is reminded.</summary>
    public int YearlyReminderDays { get; set; } = 30;

    public DateTimeOffset UpdatedAt { get; set; }

    public const string DefaultRetryDays = "1,3,5,7";

    public IReadOnlyList<int> Retries() => ParseRetryDays(RetryDays) ?? [1, 3, 5, 7];

    /// <summary>Parses "1, 3, 5, 7": 1 to 10 distinct ascending days from 1 to 60; null when not that.</summary>
    public static IReadOnlyList<int>? ParseRetryDays(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var days = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day)) return null;
            if (day is < 1 or > 60 || (days.Count > 0 && day <= days[^1])) return null;
            days.Add(day);
        }
        return days.Count is >= 1 and <= 10 ? days : null;
    }
}

/// <summary>
/// A card the buyer saved for a subscription on its manage page. The checkout's and the offers' cards belong to their
/// post-purchase session, which forgets them at the gateway once nothing charges them (<c>CardRelease</c>); a card saved
/// here has no session, so it is recorded here and forgotten the same way once no live subscription charges it: when
/// another card replaces it, or when the subscription is over.
/// </summary>
public sealed class SubscriptionCard
{
    public Guid SubscriptionId { get; set; }

    /// <summary>The gateway's saved method (a token; Encore never sees the card number).</summary>
    public required string PaymentMethodId { get; set; }

    public DateTimeOffset SavedAt { get; set; }

    /// <summary>When it was detached at the gateway; null while it may still be charged.</summary>
    public DateTimeOffset? ForgottenAt { get; set; }
}
