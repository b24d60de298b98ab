using System.Globalization;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>
/// One subscription as the seller sees it: terms, status, next charge, dunning, card, renewal charges and orders,
/// and the seller's buttons (cancel at the period's end, cancel now and refund, pause, resume, retry now). Each
/// button posts to a handler that asks <see cref="SubscriptionManagement"/> and shows its message.
/// </summary>
public sealed class SubscriptionModel(SellerSubscriptions subscriptions, SubscriptionManagement management, TimeProvider clock) : PageModel
{
    public SubscriptionDetail Detail { get; private set; } = null!;

    /// <summary>What the last button did (or why it did nothing), in the seller's words.</summary>
    public string? Message { get; private set; }

    /// <summary>True when the button changed nothing.</summary>
    public bool Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid subscriptionId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var detail = await subscriptions.FindAsync(User.SellerId(), subscriptionId, cancellationToken);
        if (detail is null) return NotFound();
        Detail = detail;
        return Page();
    }

    public Task<IActionResult> OnPostCancelAsync(Guid subscriptionId) =>
        ChangeAsync(subscriptionId, seller => management.CancelAsync(subscriptionId, seller, ManageActor.Seller, atPeriodEnd: true, refundLastPayment: false, CancellationToken.None));

    public Task<IActionResult> OnPostCancelNowAsync(Guid subscriptionId) =>
        ChangeAsync(subscriptionId, seller => management.CancelAsync(subscriptionId, seller, ManageActor.Seller, atPeriodEnd: false, refundLastPayment: true, CancellationToken.None,
            Audit.AuditActor.Of(HttpContext)));

    public Task<IActionResult> OnPostPauseAsync(Guid subscriptionId) =>
        ChangeAsync(subscriptionId, seller => management.PauseAsync(subscriptionId, seller, CancellationToken.None));

    public Task<IActionResult> OnPostResumeAsync(Guid subscriptionId) =>
        ChangeAsync(subscriptionId, seller => management.ResumeAsync(subscriptionId, seller, CancellationToken.None));

    public Task<IActionResult> OnPostRetryAsync(Guid subscriptionId) =>
        ChangeAsync(subscriptionId, seller => management.RetryNowAsync(subscriptionId, seller, CancellationToken.None));

    /// <summary>Runs the change for the signed-in seller (another seller's id is 404) and shows the subscription as it is now, with the message.</summary>
    private async Task<IActionResult> ChangeAsync(Guid subscriptionId, Func<Guid, Task<ManageResult>> change)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        var result = await change(sellerId);
        if (result.Outcome == ManageOutcome.NotFound) return NotFound();
        var detail = await subscriptions.FindAsync(sellerId, subscriptionId, CancellationToken.None);
        if (detail is null) return NotFound();
        Detail = detail;
        Message = result.Message;
        Refused = !result.Succeeded;
        if (Refused) Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    /// <summary>What "cancel at period end" will do, asked before it is done: a past-due or paused subscription has no paid period left, so it ends now.</summary>
    public string CancelAtPeriodEndConfirmation =>
        Detail.Subscription is { Status: SubscriptionStatus.Trialing or SubscriptionStatus.Active } s && s.CurrentPeriodEnd > clock.GetUtcNow()
            ? $"Cancel this subscription? Nothing more will be charged; the buyer keeps access until {Moment(s.CurrentPeriodEnd)}."
            : "Cancel this subscription? Nothing more will be charged, and it ends now: there is no paid period left.";

    public bool CanCancel => Detail.Subscription is { CancelAtPeriodEnd: false, Status: not (SubscriptionStatus.Canceled or SubscriptionStatus.Ended) };
    public bool CanPause => Detail.Subscription is { CancelAtPeriodEnd: false, Status: SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue };
    public bool CanResume => Detail.Subscription.Status == SubscriptionStatus.Paused;
    public bool CanRetry => Detail.Subscription.Status == SubscriptionStatus.PastDue;

    public static string ChargeBadge(ChargeStatus status) => status switch
    {
        ChargeStatus.Succeeded => "badge ok",
        ChargeStatus.Failed => "badge bad",
        _ => "badge warn",
    };

    public static string Moment(DateTimeOffset? moment) =>
        moment is { } m ? m.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string CancelReason(string? reason) => reason switch
    {
        "buyer" => "by the buyer",
        "seller" => "by you",
        "failed_payment" => "after the last failed retry",
        null => "",
        _ => reason,
    };
}
