using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Analytics;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>
/// A seller's subscription figures in one currency (amounts in its minor units; currencies are never mixed).
/// Now: <see cref="Mrr"/> (active and past-due subscriptions, each amount normalised to a month) and the number of
/// subscriptions in each live status. In the range: <see cref="New"/> subscriptions (started), churn (ended by a
/// cancellation: <see cref="ChurnedVoluntary"/> by the buyer or the seller, <see cref="ChurnedFailedPayment"/> after
/// dunning's last retry), trials that ended (their first payment fell due) and how many of those were paid
/// (<see cref="TrialConversionRate"/>, null without any), and renewals that dunning's retries recovered.
/// </summary>
public sealed record SubscriptionFigures(
    string Currency,
    long Mrr,
    int Active,
    int PastDue,
    int Trialing,
    int Paused,
    int New,
    int ChurnedVoluntary,
    int ChurnedFailedPayment,
    int TrialsEnded,
    int TrialsConverted,
    decimal? TrialConversionRate,
    int RecoveredPayments,
    long RecoveredRevenue);

/// <summary>One product's or one funnel's figures in one currency.</summary>
public sealed record SubscriptionBreakdown(Guid Id, string Name, SubscriptionFigures Figures);

/// <summary>
/// The seller's subscription analytics: <see cref="Totals"/> one row per currency, then per product and per funnel.
/// The range is whole UTC days, <see cref="From"/> included and <see cref="To"/> excluded; "now" figures are as of <see cref="AsOf"/>.
/// </summary>
public sealed record SubscriptionAnalyticsReport(
    DateOnly From,
    DateOnly To,
    DateTimeOffset AsOf,
    IReadOnlyList<SubscriptionFigures> Totals,
    IReadOnlyList<SubscriptionBreakdown> Products,
    IReadOnlyList<SubscriptionBreakdown> Funnels);

/// <summary>
/// Subscription analytics in seven queries whatever the number of subscriptions (five grouped ones and the seller's
/// product and funnel names), each scoped to the seller.
/// The database only compares moments (SQLite stores them as ticks through a converter); sums, normalisation and
/// rounding happen here.
/// </summary>
public sealed class SubscriptionAnalytics(EncoreDbContext db, TimeProvider clock)
{
    private static readonly SubscriptionStatus[] Live = [SubscriptionStatus.Trialing, SubscriptionStatus.Active, SubscriptionStatus.PastDue, SubscriptionStatus.Paused];

    /// <summary>
    /// An amount per payment as an amount per month, exactly (in decimal): a month is a twelfth of a year, a year 52
    /// weeks or 365 days. The sum of these is rounded to minor units once, half away from zero, by <see cref="ToMinor"/>.
    /// </summary>
    public static decimal MonthlyAmount(long amount, BillingInterval interval, int intervalCount) => interval switch
    {
        BillingInterval.Month => (decimal)amount / intervalCount,
        BillingInterval.Year => amount / (12m * intervalCount),
        BillingInterval.Week => amount * 52m / (12m * intervalCount),
        BillingInterval.Day => amount * 365m / (12m * intervalCount),
        _ => throw new ArgumentOutOfRangeException(nameof(interval)),
    };

    public static long ToMinor(decimal amount) => (long)Math.Round(amount, 0, MidpointRounding.AwayFromZero);

    public async Task<SubscriptionAnalyticsReport> GetAsync(Guid sellerId, AnalyticsRange range, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var start = range.Start;
        var end = range.End;
        var mine = db.Subscriptions.AsNoTracking().Where(s => s.SellerId == sellerId);
        var tallies = new Dictionary<Key, Tally>();
        Tally At(Guid productId, Guid funnelId, string currency) =>
            tallies.TryGetValue(new Key(productId, funnelId, currency), out var tally) ? tally : tallies[new Key(productId, funnelId, currency)] = new Tally();

        // Now: live subscriptions by status and terms (the few distinct terms a seller sells, not one row per subscription).
        var live = await mine.Where(s => Live.Contains(s.Status))
            .GroupBy(s => new { s.ProductId, s.FunnelId, s.Currency, s.Status, s.Interval, s.IntervalCount })
            .Select(g => new { g.Key.ProductId, g.Key.FunnelId, g.Key.Currency, g.Key.Status, g.Key.Interval, g.Key.IntervalCount, Count = g.Count(), Amount = g.Sum(s => s.Amount) })
            .ToListAsync(cancellationToken);
        foreach (var g in live)
        {
            var tally = At(g.ProductId, g.FunnelId, g.Currency);
            switch (g.Status)
            {
                case SubscriptionStatus.Active: tally.Active += g.Count; break;
                case SubscriptionStatus.PastDue: tally.PastDue += g.Count; break;
                case SubscriptionStatus.Trialing: tally.Trialing += g.Count; break;
                default: tally.Paused += g.Count; break;
            }
            if (g.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue)
                tally.Mrr += MonthlyAmount(g.Amount, g.Interval, g.IntervalCount);
        }

        var started = await mine.Where(s => s.StartedAt >= start && s.StartedAt < end)
            .GroupBy(s => new { s.ProductId, s.FunnelId, s.Currency })
            .Select(g => new { g.Key.ProductId, g.Key.FunnelId, g.Key.Currency, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var g in started) At(g.ProductId, g.FunnelId, g.Currency).New += g.Count;

        // Churn: cancellations that took effect in the range (a cancellation at the period's end counts when the period ends).
        var churned = await mine.Where(s => s.Status == SubscriptionStatus.Canceled && s.EndedAt >= start && s.EndedAt < end)
            .GroupBy(s => new { s.ProductId, s.FunnelId, s.Currency, s.CancelReason })
            .Select(g => new { g.Key.ProductId, g.Key.FunnelId, g.Key.Currency, g.Key.CancelReason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var g in churned)
        {
            var tally = At(g.ProductId, g.FunnelId, g.Currency);
            if (g.CancelReason == "failed_payment") tally.ChurnedFailedPayment += g.Count;
            else tally.ChurnedVoluntary += g.Count; // buyer or seller
        }

        // A trial ends when its first payment falls due; it converted when that payment succeeded.
        var trials = await mine.Where(s => s.TrialDays > 0 && s.FirstPaymentAt >= start && s.FirstPaymentAt < end && s.FirstPaymentAt <= now)
            .GroupBy(s => new { s.ProductId, s.FunnelId, s.Currency })
            .Select(g => new { g.Key.ProductId, g.Key.FunnelId, g.Key.Currency, Ended = g.Count(), Converted = g.Sum(s => s.PaymentsMade >= 1 ? 1 : 0) })
            .ToListAsync(cancellationToken);
        foreach (var g in trials)
        {
            var tally = At(g.ProductId, g.FunnelId, g.Currency);
            tally.TrialsEnded += g.Ended;
            tally.TrialsConverted += g.Converted;
        }

        // Recovered: renewal payments that went through on a retry (attempt 2 or later), by when the money moved.
        var recovered = await (
                from c in db.Charges
                join s in mine on c.SubscriptionId equals (Guid?)s.Id
                where c.Kind == ChargeKind.Renewal && c.Status == ChargeStatus.Succeeded && c.Attempt > 1 && c.SettledAt >= start && c.SettledAt < end
                group c by new { s.ProductId, s.FunnelId, c.Currency } into g
                select new { g.Key.ProductId, g.Key.FunnelId, g.Key.Currency, Count = g.Count(), Amount = g.Sum(c => c.Amount) })
            .ToListAsync(cancellationToken);
        foreach (var g in recovered)
        {
            var tally = At(g.ProductId, g.FunnelId, g.Currency);
            tally.RecoveredPayments += g.Count;
            tally.RecoveredRevenue += g.Amount;
        }

        var products = await db.Products.AsNoTracking().Where(p => p.SellerId == sellerId)
            .Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var funnels = await db.Funnels.AsNoTracking().Where(f => f.SellerId == sellerId)
            .Select(f => new { f.Id, f.Name }).ToDictionaryAsync(f => f.Id, f => f.Name, cancellationToken);

        var totals = tallies.GroupBy(t => t.Key.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Tally.Sum(g.Select(t => t.Value)).Figures(g.Key))
            .ToList();
        return new SubscriptionAnalyticsReport(range.From, range.To, now, totals,
            Breakdown(tallies, k => k.ProductId, products), Breakdown(tallies, k => k.FunnelId, funnels));
    }

    private static List<SubscriptionBreakdown> Breakdown(Dictionary<Key, Tally> tallies, Func<Key, Guid> by, Dictionary<Guid, string> names) =>
        tallies.GroupBy(t => (Id: by(t.Key), t.Key.Currency))
            .Select(g => new SubscriptionBreakdown(g.Key.Id, names.GetValueOrDefault(g.Key.Id) ?? g.Key.Id.ToString(), Tally.Sum(g.Select(t => t.Value)).Figures(g.Key.Currency)))
            .OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase).ThenBy(b => b.Id).ThenBy(b => b.Figures.Currency, StringComparer.Ordinal)
            .ToList();

    private readonly record struct Key(Guid ProductId, Guid FunnelId, string Currency);

    private sealed class Tally
    {
        /// <summary>Exact until <see cref="Figures"/> rounds it once.</summary>
        public decimal Mrr;
        public int Active, PastDue, Trialing, Paused, New, ChurnedVoluntary, ChurnedFailedPayment, TrialsEnded, TrialsConverted, RecoveredPayments;
        public long RecoveredRevenue;

        public static Tally Sum(IEnumerable<Tally> parts)
        {
            var sum = new Tally();
            foreach (var t in parts)
            {
                sum.Mrr += t.Mrr;
                sum.Active += t.Active;
                sum.PastDue += t.PastDue;
                sum.Trialing += t.Trialing;
                sum.Paused += t.Paused;
                sum.New += t.New;
                sum.ChurnedVoluntary += t.ChurnedVoluntary;
                sum.ChurnedFailedPayment += t.ChurnedFailedPayment;
                sum.TrialsEnded += t.TrialsEnded;
                sum.TrialsConverted += t.TrialsConverted;
                sum.RecoveredPayments += t.RecoveredPayments;
                sum.RecoveredRevenue += t.RecoveredRevenue;
            }
            return sum;
        }

        public SubscriptionFigures Figures(string currency) => new(
            currency, ToMinor(Mrr), Active, PastDue, Trialing, Paused, New, ChurnedVoluntary, ChurnedFailedPayment, TrialsEnded, TrialsConverted,
            TrialsEnded == 0 ? null : Math.Round((decimal)TrialsConverted / TrialsEnded, 4, MidpointRounding.AwayFromZero),
            RecoveredPayments, RecoveredRevenue);
    }
}
