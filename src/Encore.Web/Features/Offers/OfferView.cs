using Encore.Domain.PostPurchase;
using Encore.Web.Features.Funnels;

namespace Encore.Web.Features.Offers;

/// <summary>Where a post-purchase session stands, as the buyer's page and the API describe it.</summary>
public enum OfferSessionState
{
    /// <summary>The checkout charge has not settled (the bank may be asking the buyer to authenticate).</summary>
    AwaitingPayment,

    /// <summary>A step is offered and waits for the buyer's decision.</summary>
    Offer,

    /// <summary>The buyer said yes; the bank asks them to authenticate the charge.</summary>
    AwaitingAuthentication,

    /// <summary>The buyer said yes; the charge's outcome is being confirmed.</summary>
    Processing,

    Completed,
    Expired,

    /// <summary>The checkout payment failed; nothing is offered.</summary>
    Void,
}

public sealed record OfferView(
    OfferSessionRow Row,
    OfferSessionState State,
    PublishedFunnel Funnel,
    StepItem? Step,
    OfferDisclosure? Disclosure,
    string? ActionUrl);

public enum AcceptOutcome
{
    Accepted,
    PaymentFailed,
    RequiresAction,
    Processing,
    Rejected,
}

/// <summary>Why an accept or decline was refused, and the HTTP status the API answers with.</summary>
public sealed record OfferRejection(int Status, string Code, string Title, string Detail)
{
    public static readonly OfferRejection NotFound = new(404, "not_found", "Offer not found", "There is no offer session for this token.");
    public static readonly OfferRejection Expired = new(410, "expired", "The offer window has closed", "This offer is no longer available. Nothing more was charged.");
    public static readonly OfferRejection Completed = new(410, "completed", "The offers are over", "Every offer in this order has been decided.");
    public static readonly OfferRejection Decided = new(410, "decided", "This offer was already decided", "An offer is decided once; it is not offered again.");
    public static readonly OfferRejection NotCurrent = new(409, "not_current_step", "Not the current offer", "This step is not the offer being shown now.");
    public static readonly OfferRejection InProgress = new(409, "in_progress", "Already being processed", "This offer is being charged by an earlier request.");
    public static readonly OfferRejection DisclosureMismatch = new(409, "disclosure_mismatch", "Terms do not match",
        "The disclosure hash is not the one for this offer: the buyer did not agree to these terms. Show the current terms again.");
    public static readonly OfferRejection NotReady = new(409, "payment_pending", "The order is not paid yet", "The checkout payment has not been confirmed yet.");
}

public sealed record ConsentContext(string Channel, string? IpAddress, string? UserAgent);

public sealed record AcceptResult(
    AcceptOutcome Outcome,
    OfferRejection? Rejection = null,
    Data.Entities.Charge? Charge = null,
    string? ActionUrl = null,
    string? Message = null,
    bool NextKnown = false,
    Guid? NextStepId = null);

/// <summary>A decline: refused, or done; when <paramref name="NextKnown"/>, <paramref name="NextStepId"/> is where the session went (null: the path is over).</summary>
public sealed record DeclineResult(OfferRejection? Rejection, bool NextKnown = false, Guid? NextStepId = null);

/// <summary>What the offer copy partial shows: the step, the exact disclosure and the saved card.</summary>
public sealed record OfferCopy(StepItem Step, OfferDisclosure Disclosure, string CardBrand, string CardLast4)
{
    public const string DefaultOfferOpening = "Your order is confirmed. One more thing, shown only now:";
    public const string DefaultDownsellOpening = "Not the full program? Here is a smaller step.";

    /// <summary>The defaults as the editor names them.</summary>
    public const string DefaultOpenings = $"“{DefaultOfferOpening}” for an offer, “{DefaultDownsellOpening}” for a downsell";

    /// <summary>The line above the headline: the seller's own, or the default for the step's kind.</summary>
    public string Opening => OpeningOf(Step);

    public static string OpeningOf(StepItem step) =>
        step.Opening ?? (step.Kind == Data.Entities.OfferStepKind.Downsell ? DefaultDownsellOpening : DefaultOfferOpening);
}
