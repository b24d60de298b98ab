using Encore.Web.Data.Entities;

namespace Encore.Web.Features.Subscriptions;

/// <summary>A subscription as webhooks and the seller API describe it: amounts in minor units with the currency.</summary>
public static class SubscriptionEvents
{
    public static object Data(Subscription s) => new
    {
        subscriptionId = s.Id,
        orderId = s.OrderId,
        funnelId = s.FunnelId,
        productId = s.ProductId,
        product = s.ProductName,
        email = s.Email,
        status = StatusName(s.Status),
        amount = s.Amount,
        currency = s.Currency,
        interval = s.Interval.ToString().ToLowerInvariant(),
        intervalCount = s.IntervalCount,
        trialDays = s.TrialDays,
        payments = s.Payments,
        paymentsMade = s.PaymentsMade,
        nextChargeAt = s.NextChargeAt,
        currentPeriodEnd = s.CurrentPeriodEnd,
        cancelAtPeriodEnd = s.CancelAtPeriodEnd,
        canceledAt = s.CanceledAt,
        cancelReason = s.CancelReason,
    };

    /// <summary>The one wire name of each status: trialing, active, past_due, paused, canceled, ended.</summary>
    public static string StatusName(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Trialing => "trialing",
        SubscriptionStatus.Active => "active",
        SubscriptionStatus.PastDue => "past_due",
        SubscriptionStatus.Paused => "paused",
        SubscriptionStatus.Canceled => "canceled",
        SubscriptionStatus.Ended => "ended",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseStatus(string? text, out SubscriptionStatus? status)
    {
        status = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var value in Enum.GetValues<SubscriptionStatus>())
            if (string.Equals(StatusName(value), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = value;
                return true;
            }
        return false;
    }
}
