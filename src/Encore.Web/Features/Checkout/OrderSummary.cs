using Encore.Domain;
using Encore.Domain.Subscriptions;
using Encore.Web.Features.Funnels;

namespace Encore.Web.Features.Checkout;

/// <summary>One line of the checkout's order summary: what is paid today, and for a recurring price what follows.</summary>
/// <param name="BumpId">The bump's id; null for the main product.</param>
/// <param name="Schedule">For a recurring price: "$0.00 today, then $29.00 monthly from 9 December 2026"; null for a one-time price.</param>
public sealed record SummaryLine(Guid? BumpId, string Name, Money Today, string? Schedule);

/// <summary>The checkout's order summary and the Pay button's words, from the published funnel and the ticked bumps.</summary>
public static class OrderSummary
{
    public static IReadOnlyList<SummaryLine> Lines(PublishedFunnel funnel, DateOnly today) =>
    [
        Line(null, funnel.Main.Name, funnel.Main.Price, today),
        .. funnel.Bumps.Select(b => Line(b.Id, b.Name, b.Price, today)),
    ];

    public static Money Total(PublishedFunnel funnel, IEnumerable<Guid> ticked)
    {
        var chosen = ticked.ToHashSet();
        return funnel.Main.Price.DueToday() + Money.Sum(funnel.Bumps.Where(b => chosen.Contains(b.Id)).Select(b => b.Price.DueToday()), funnel.Currency);
    }

    /// <summary>"Pay $64.00": the button states what is charged today.</summary>
    public static string PayButton(Money total) => $"{CheckoutService.PayLabel} {total.Format()}";

    private static SummaryLine Line(Guid? bumpId, string name, Price price, DateOnly today) =>
        new(bumpId, name, price.DueToday(), price.IsRecurring ? RecurringSchedule.TodayThen(price, today) : null);
}
