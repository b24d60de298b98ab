using System.Globalization;
using Encore.Domain;

namespace Encore.Web.Features.Analytics;

/// <summary>One horizontal bar: a take rate (null: nothing to rate yet) with the words its tooltip shows.</summary>
public sealed record Bar(string Label, decimal? Rate, string Detail, double Y, double Width);

public sealed record AxisTick(double Position, string Label);

public sealed record LinePoint(double X, double Y, string Tooltip);

/// <summary>
/// Geometry for the server-rendered SVG charts (no script, no inline style: the page's CSP forbids both).
/// Coordinates are in the SVG's own view box; CSS scales the SVG to the page.
/// </summary>
public static class AnalyticsCharts
{
    public const double Width = 720;
    public const double BarLabelWidth = 300;
    public const double BarAreaWidth = 360;
    public const double BarRowHeight = 30;
    public const double BarTop = 10;

    public const double LineLeft = 80;
    public const double LineRight = 16;
    public const double LineTop = 16;
    public const double LinePlotHeight = 200;

    public static IReadOnlyList<Bar> TakeRateBars(FunnelAnalyticsReport report)
    {
        var items = report.Steps.Select(s => (Label: $"{Kind(s.Kind)}: {s.Name}", s.TakeRate, Detail: $"{s.Accepts} accepted of {s.Views} views"))
            .Concat(report.Bumps.Select(b => (Label: $"Bump: {b.Name}", b.TakeRate, Detail: $"{b.Taken} taken of {b.Checkouts} checkouts")));
        return items.Select((item, i) => new Bar(
                item.Label.Length > 42 ? item.Label[..41] + "…" : item.Label,
                item.TakeRate,
                $"{item.Label}: {Percent(item.TakeRate)} ({item.Detail})",
                BarTop + i * BarRowHeight,
                item.TakeRate is { } rate ? Math.Round((double)Math.Clamp(rate, 0, 1) * BarAreaWidth, 1) : 0))
            .ToList();
    }

    public static double BarChartHeight(int bars) => BarTop + bars * BarRowHeight + 50;

    public static IReadOnlyList<AxisTick> RateTicks() =>
        [.. new[] { 0m, 0.25m, 0.5m, 0.75m, 1m }.Select(r => new AxisTick(BarLabelWidth + (double)r * BarAreaWidth, Percent(r, 0)))];

    public static double LineChartHeight => LineTop + LinePlotHeight + 44;

    public static double LinePlotWidth => Width - LineLeft - LineRight;

    /// <summary>A round top for the revenue axis: 1, 2 or 5 times a power of ten, at least the highest day.</summary>
    public static long RevenueAxisMax(FunnelAnalyticsReport report)
    {
        var max = report.RevenueByDay.Count == 0 ? 0 : report.RevenueByDay.Max(d => d.Revenue);
        if (max <= 0) return 100;
        long step = 1;
        while (true)
        {
            foreach (var factor in new long[] { 1, 2, 5 })
                if (step * factor >= max) return step * factor;
            step *= 10;
        }
    }

    public static IReadOnlyList<LinePoint> RevenuePoints(FunnelAnalyticsReport report)
    {
        var axisMax = RevenueAxisMax(report);
        var count = report.RevenueByDay.Count;
        return report.RevenueByDay.Select((day, i) => new LinePoint(
                Math.Round(LineLeft + (count <= 1 ? LinePlotWidth / 2 : i * LinePlotWidth / (count - 1)), 1),
                Math.Round(LineTop + LinePlotHeight - (double)day.Revenue / axisMax * LinePlotHeight, 1),
                $"{Date(day.Day)}: {Money(day.Revenue, report.Currency)}"))
            .ToList();
    }

    public static string Polyline(IReadOnlyList<LinePoint> points) =>
        string.Join(" ", points.Select(p => $"{p.X.ToString(CultureInfo.InvariantCulture)},{p.Y.ToString(CultureInfo.InvariantCulture)}"));

    public static IReadOnlyList<AxisTick> RevenueTicks(FunnelAnalyticsReport report)
    {
        var axisMax = RevenueAxisMax(report);
        return [.. new[] { 0m, 0.5m, 1m }.Select(f => new AxisTick(
            LineTop + LinePlotHeight - (double)f * LinePlotHeight, Money((long)(axisMax * f), report.Currency)))];
    }

    /// <summary>The first, middle and last days under the line.</summary>
    public static IReadOnlyList<AxisTick> DayTicks(FunnelAnalyticsReport report)
    {
        var points = RevenuePoints(report);
        if (points.Count == 0) return [];
        var indexes = new[] { 0, (points.Count - 1) / 2, points.Count - 1 }.Distinct();
        return [.. indexes.Select(i => new AxisTick(points[i].X, Date(report.RevenueByDay[i].Day)))];
    }

    public static string Money(long minor, string currency) => new Money(minor, currency).Format();

    public static string Money(decimal? minor, string currency) =>
        minor is { } value ? Money((long)Math.Round(value, MidpointRounding.AwayFromZero), currency) : "—";

    public static string Percent(decimal? rate, int decimals = 1) =>
        rate is { } value ? (value * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%" : "—";

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Kind(string kind) => kind == "downsell" ? "Downsell" : "Offer";
}
