using System.Globalization;
using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Analytics;

/// <summary>A range of whole UTC days, <see cref="From"/> included and <see cref="To"/> excluded.</summary>
public sealed record AnalyticsRange(DateOnly From, DateOnly To)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public DateTimeOffset End => new(To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The last <see cref="DefaultDays"/> days, today (UTC) included.</summary>
    public static AnalyticsRange Default(TimeProvider clock)
    {
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        return new AnalyticsRange(to.AddDays(-DefaultDays), to);
    }

    /// <summary>
    /// Reads <c>yyyy-MM-dd</c> dates; a missing <paramref name="to"/> is tomorrow (so today counts), a missing
    /// <paramref name="from"/> is <see cref="DefaultDays"/> days before <paramref name="to"/>. Returns the field
    /// at fault and a readable message when the range is not valid.
    /// </summary>
    public static (AnalyticsRange? Range, string? Field, string? Error) Parse(string? from, string? to, TimeProvider clock)
    {
        var fallback = Default(clock);
        DateOnly toDate = fallback.To, fromDate;
        if (!string.IsNullOrWhiteSpace(to) && !TryParseDate(to, out toDate))
            return (null, "to", "Enter the end date as YYYY-MM-DD, e.g. 2026-11-30.");
        if (string.IsNullOrWhiteSpace(from)) fromDate = toDate.AddDays(-DefaultDays);
        else if (!TryParseDate(from, out fromDate))
            return (null, "from", "Enter the start date as YYYY-MM-DD, e.g. 2026-11-01.");
        if (fromDate >= toDate)
            return (null, "from", "The start date must be before the end date (the end date itself is not included).");
        if (toDate.DayNumber - fromDate.DayNumber > MaxDays)
            return (null, "to", $"Choose a range of at most {MaxDays} days.");
        return (new AnalyticsRange(fromDate, toDate), null, null);
    }

    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

public sealed record AnalyticsVersion(Guid Id, int Number, string Status, long MainPrice);

public sealed record AnalyticsFunnel(Guid Id, string Name, string Slug, string Currency, IReadOnlyList<AnalyticsVersion> Versions);

/// <summary>One order bump, by its name across versions; its rate is over the checkouts of the versions that offered it.</summary>
public sealed record BumpAnalytics(string Name, int Checkouts, int Taken, decimal? TakeRate, long Revenue);

/// <summary>
/// One post-purchase step, by its key across versions (named as in the newest version). <c>Offered</c> counts
/// visits; <c>Unseen</c> the visits never viewed; take rate is accepts over views.
/// </summary>
public sealed record StepAnalytics(
    string Key, string Name, string Kind, int Offered, int Views, int Accepts, int Declines, int Failed, int Expired, int Unseen,
    decimal? TakeRate, long Revenue);

public sealed record DayRevenue(DateOnly Day, long Revenue);

/// <summary>
/// A funnel's figures over a range. The cohort is the funnel's orders <b>paid</b> in the range (by
/// <c>PaidAt</c>); every figure, refunds and offer steps included, is about those orders. Money is in minor
/// units of <see cref="Currency"/>; rates and averages are null when their denominator is zero.
/// </summary>
public sealed record FunnelAnalyticsReport(
    Guid FunnelId,
    string FunnelName,
    string Currency,
    Guid? VersionId,
    int? VersionNumber,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<AnalyticsVersion> Versions,
    int Checkouts,
    int Buyers,
    long GrossRevenue,
    int Refunds,
    long RefundedAmount,
    long NetRevenue,
    decimal? AverageOrderValue,
    long MainRevenue,
    decimal? AovLift,
    decimal? RevenuePerBuyer,
    IReadOnlyList<BumpAnalytics> Bumps,
    IReadOnlyList<StepAnalytics> Steps,
    IReadOnlyList<DayRevenue> RevenueByDay);

/// <summary>
/// Analytics of one funnel, computed in the database with grouped queries: a fixed number of round trips
/// (nine) whatever the number of orders, never one row per order in memory.
/// </summary>
public sealed class FunnelAnalytics(EncoreDbContext db)
{
    /// <summary>The seller's funnel with its versions (oldest first), or null when the seller has no such funnel.</summary>
    public async Task<AnalyticsFunnel?> FindFunnelAsync(Guid sellerId, Guid funnelId, CancellationToken cancellationToken)
    {
        var funnel = await db.Funnels.AsNoTracking()
            .Where(f => f.Id == funnelId && f.SellerId == sellerId)
            .Select(f => new { f.Name, f.Slug, f.Currency })
            .FirstOrDefaultAsync(cancellationToken);
        if (funnel is null) return null;
        var versions = (await db.FunnelVersions.AsNoTracking()
                .Where(v => v.FunnelId == funnelId)
                .Select(v => new { v.Id, v.Number, v.Status, MainPrice = v.MainPrice.Amount })
                .ToListAsync(cancellationToken))
            .OrderBy(v => v.Number)
            .Select(v => new AnalyticsVersion(v.Id, v.Number, v.Status.ToString().ToLowerInvariant(), v.MainPrice))
            .ToList();
        return new AnalyticsFunnel(funnelId, funnel.Name, funnel.Slug, funnel.Currency, versions);
    }

    /// <summary>Null when the seller has no such funnel, or the funnel has no such version.</summary>
    public async Task<FunnelAnalyticsReport?> GetAsync(
        Guid sellerId, Guid funnelId, Guid? versionId, AnalyticsRange range, CancellationToken cancellationToken) =>
        await FindFunnelAsync(sellerId, funnelId, cancellationToken) is { } funnel
            ? await GetAsync(funnel, versionId, range, cancellationToken)
            : null;

    /// <summary>Null when the funnel has no such version.</summary>
    public async Task<FunnelAnalyticsReport?> GetAsync(
        AnalyticsFunnel funnel, Guid? versionId, AnalyticsRange range, CancellationToken cancellationToken)
    {
        var funnelId = funnel.Id;
        var versions = funnel.Versions;
        var version = versionId is { } wanted ? versions.FirstOrDefault(v => v.Id == wanted) : null;
        if (versionId is not null && version is null) return null;
        var numbers = versions.ToDictionary(v => v.Id, v => v.Number);

        var funnelVersions = db.FunnelVersions.Where(v => v.FunnelId == funnelId && (versionId == null || v.Id == versionId));
        var bumps = await db.OrderBumps.AsNoTracking()
            .Where(b => funnelVersions.Any(v => v.Id == b.FunnelVersionId))
            .Select(b => new { b.Id, b.FunnelVersionId, b.Name, b.Position })
            .ToListAsync(cancellationToken);
        var steps = await db.OfferSteps.AsNoTracking()
            .Where(s => funnelVersions.Any(v => v.Id == s.FunnelVersionId))
            .Select(s => new { s.Id, s.FunnelVersionId, s.Key, s.ProductName, s.Kind, s.Position })
            .ToListAsync(cancellationToken);

        // The cohort: this funnel's orders paid in the range (PaidAt is only set when the checkout charge succeeded).
        var start = range.Start;
        var end = range.End;
        var paid = db.Orders.Where(o => o.FunnelId == funnelId && o.Status == OrderStatus.Paid && o.PaidAt >= start && o.PaidAt < end);
        if (versionId is not null) paid = paid.Where(o => o.FunnelVersionId == versionId);

        var checkoutsByVersion = await paid
            .GroupBy(o => o.FunnelVersionId)
            .Select(g => new { VersionId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.VersionId, g => g.Count, cancellationToken);
        var checkouts = checkoutsByVersion.Values.Sum();

        var buyers = await paid.Select(o => o.Email.ToLower()).Distinct().CountAsync(cancellationToken);

        // Lines per day of payment, kind, bump and step: gross, main, bump and step revenue and the line chart in one pass.
        var linesByDay = await LinesByDayAsync(funnelId, versionId, range, cancellationToken);
        var lines = linesByDay
            .GroupBy(l => (l.Kind, l.BumpId, l.StepId))
            .Select(g => (g.Key.Kind, g.Key.BumpId, g.Key.StepId, Count: g.Sum(l => l.Count), Amount: g.Sum(l => l.Amount)))
            .ToList();
        var byDay = linesByDay.GroupBy(l => l.Day).ToDictionary(g => g.Key, g => g.Sum(l => l.Amount));

        // One group (or none, without refunds): read as a list, as First without an order would draw EF Core's warning.
        var refunds = (await (
                from r in db.Refunds
                join o in paid on r.OrderId equals o.Id
                where r.Status == RefundStatus.Succeeded
                group r by 1 into g
                select new { Count = g.Count(), Amount = g.Sum(r => r.Amount) })
            .ToListAsync(cancellationToken)).SingleOrDefault();

        var visits = await (
                from v in db.StepVisits
                join s in db.PostPurchaseSessions on v.SessionId equals s.Id
                join o in paid on s.OrderId equals o.Id
                group v by new { v.StepId, v.State, Viewed = v.ViewedAt != null } into g
                select new { g.Key.StepId, g.Key.State, g.Key.Viewed, Count = g.Count() })
            .ToListAsync(cancellationToken);

        // Money.
        var gross = lines.Sum(l => l.Amount);
        var main = lines.Where(l => l.Kind == OrderLineKind.Main).Sum(l => l.Amount);
        var refundCount = refunds?.Count ?? 0;
        var refunded = refunds?.Amount ?? 0;
        var net = gross - refunded;
        var aov = Ratio(gross, checkouts, 2);
        var lift = main == 0 ? null : Ratio(gross - main, main, 4); // AOV / (main / checkouts) - 1 = gross / main - 1

        // Bumps, by name across versions.
        var bumpRows = bumps
            .GroupBy(b => b.Name)
            .OrderBy(g => g.Min(b => b.Position)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var ids = g.Select(b => b.Id).ToHashSet();
                var offeredIn = g.Select(b => b.FunnelVersionId).Distinct();
                var denominator = offeredIn.Sum(v => checkoutsByVersion.GetValueOrDefault(v));
                var taken = lines.Where(l => l.Kind == OrderLineKind.Bump && l.BumpId is { } id && ids.Contains(id)).ToList();
                var count = taken.Sum(l => l.Count);
                return new BumpAnalytics(g.Key, denominator, count, Ratio(count, denominator, 4), taken.Sum(l => l.Amount));
            })
            .ToList();

        // Steps, by key across versions, named as in the newest version that has them.
        var stepRows = steps
            .GroupBy(s => s.Key)
            .Select(g => (Newest: g.MaxBy(s => numbers.GetValueOrDefault(s.FunnelVersionId))!, Ids: g.Select(s => s.Id).ToHashSet()))
            .OrderByDescending(x => numbers.GetValueOrDefault(x.Newest.FunnelVersionId))
            .ThenBy(x => x.Newest.Position).ThenBy(x => x.Newest.Key, StringComparer.Ordinal)
            .Select(x =>
            {
                var mine = visits.Where(v => x.Ids.Contains(v.StepId)).ToList();
                int Count(Func<StepState, bool> state) => mine.Where(v => state(v.State)).Sum(v => v.Count);
                var views = mine.Where(v => v.Viewed).Sum(v => v.Count);
                var accepts = Count(s => s == StepState.Accepted);
                return new StepAnalytics(
                    x.Newest.Key,
                    x.Newest.ProductName,
                    x.Newest.Kind.ToString().ToLowerInvariant(),
                    Offered: mine.Sum(v => v.Count),
                    Views: views,
                    Accepts: accepts,
                    Declines: Count(s => s == StepState.Declined),
                    Failed: Count(s => s == StepState.Failed),
                    Expired: Count(s => s == StepState.Expired),
                    Unseen: mine.Where(v => !v.Viewed).Sum(v => v.Count),
                    TakeRate: Ratio(accepts, views, 4),
                    Revenue: lines.Where(l => l.StepId is { } id && x.Ids.Contains(id)).Sum(l => l.Amount));
            })
            .ToList();

        var days = Enumerable.Range(0, range.Days)
            .Select(i => range.From.AddDays(i))
            .Select(day => new DayRevenue(day, byDay.GetValueOrDefault(day)))
            .ToList();

        return new FunnelAnalyticsReport(
            funnelId, funnel.Name, funnel.Currency, version?.Id, version?.Number, range.From, range.To, versions,
            checkouts, buyers, gross, refundCount, refunded, net, aov, main, lift, Ratio(net, buyers, 2),
            bumpRows, stepRows, days);
    }

    private sealed record LineGroup(DateOnly Day, OrderLineKind Kind, Guid? BumpId, Guid? StepId, int Count, long Amount);

    /// <summary>
    /// The cohort's order lines grouped by UTC day of payment, kind, bump and step (at most a few rows per day).
    /// Raw SQL because the day of a moment is computed differently by each provider: SQLite stores UTC ticks
    /// (a day is 864,000,000,000 of them), PostgreSQL a <c>timestamptz</c> (a day is 86,400 seconds of epoch).
    /// </summary>
    private async Task<List<LineGroup>> LinesByDayAsync(Guid funnelId, Guid? versionId, AnalyticsRange range, CancellationToken cancellationToken)
    {
        var versionFilter = versionId is null ? "" : """ AND o."FunnelVersionId" = {3}""";
        string sql;
        object[] parameters;
        int epochDay;
        if (db.IsSqlite)
        {
            sql = $$"""
                SELECT o."PaidAt" / {{TimeSpan.TicksPerDay}} AS "Day", l."Kind" AS "Kind", l."BumpId" AS "BumpId", l."StepId" AS "StepId",
                       COUNT(*) AS "Count", SUM(l."Amount") AS "Amount"
                FROM "orders" AS o JOIN "order_lines" AS l ON l."OrderId" = o."Id"
                WHERE o."FunnelId" = {0} AND o."Status" = 'Paid' AND o."PaidAt" >= {1} AND o."PaidAt" < {2}{{versionFilter}}
                GROUP BY 1, 2, 3, 4
                """;
            // EF stores a Guid in SQLite as upper-case text and a moment as UTC ticks: the parameters must match.
            parameters = [SqliteGuid(funnelId), range.Start.UtcTicks, range.End.UtcTicks, SqliteGuid(versionId ?? Guid.Empty)];
            epochDay = 0; // ticks count from 0001-01-01, as DateOnly's day numbers do
        }
        else
        {
            sql = $$"""
                SELECT floor(extract(epoch FROM o."PaidAt") / 86400)::bigint AS "Day", l."Kind" AS "Kind", l."BumpId" AS "BumpId", l."StepId" AS "StepId",
                       count(*)::int AS "Count", sum(l."Amount")::bigint AS "Amount"
                FROM "orders" AS o JOIN "order_lines" AS l ON l."OrderId" = o."Id"
                WHERE o."FunnelId" = {0} AND o."Status" = 'Paid' AND o."PaidAt" >= {1} AND o."PaidAt" < {2}{{versionFilter}}
                GROUP BY 1, 2, 3, 4
                """;
            parameters = [funnelId, range.Start, range.End, versionId ?? Guid.Empty];
            epochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        }
        var rows = await db.Database.SqlQueryRaw<LineRow>(sql, parameters[..(versionId is null ? 3 : 4)]).ToListAsync(cancellationToken);
        return rows.Select(r => new LineGroup(
                DateOnly.FromDayNumber(epochDay + (int)r.Day), Enum.Parse<OrderLineKind>(r.Kind), r.BumpId, r.StepId, r.Count, r.Amount))
            .ToList();
    }

    private static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static decimal? Ratio(long numerator, long denominator, int decimals) =>
        denominator == 0 ? null : Math.Round((decimal)numerator / denominator, decimals, MidpointRounding.AwayFromZero);

    private sealed class LineRow
    {
        public long Day { get; set; }
        public string Kind { get; set; } = "";
        public Guid? BumpId { get; set; }
        public Guid? StepId { get; set; }
        public int Count { get; set; }
        public long Amount { get; set; }
    }
}
