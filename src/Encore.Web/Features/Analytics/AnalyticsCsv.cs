using System.Globalization;
using System.Text;

namespace Encore.Web.Features.Analytics;

/// <summary>
/// The report as CSV, one figure per row (<c>section,item,metric,value</c>) so that every section fits one
/// shape. Money in minor units, rates as decimals, an empty value where a rate has no denominator.
/// Fields are quoted when needed, and text a spreadsheet would run as a formula is neutralised.
/// </summary>
public static class AnalyticsCsv
{
    public static string Write(FunnelAnalyticsReport report)
    {
        var csv = new StringBuilder();
        void Row(string section, string item, string metric, string value) =>
            csv.Append(Field(section)).Append(',').Append(Field(item)).Append(',').Append(Field(metric)).Append(',').Append(Field(value)).Append("\r\n");

        Row("section", "item", "metric", "value");
        Row("summary", "", "funnel", report.FunnelName);
        Row("summary", "", "version", report.VersionNumber is { } number ? "v" + number.ToString(CultureInfo.InvariantCulture) : "all");
        Row("summary", "", "from", Date(report.From));
        Row("summary", "", "to_exclusive", Date(report.To));
        Row("summary", "", "currency", report.Currency);
        Row("summary", "", "checkouts", Number(report.Checkouts));
        Row("summary", "", "buyers", Number(report.Buyers));
        Row("summary", "", "gross_revenue_minor", Number(report.GrossRevenue));
        Row("summary", "", "refunds", Number(report.Refunds));
        Row("summary", "", "refunded_minor", Number(report.RefundedAmount));
        Row("summary", "", "net_revenue_minor", Number(report.NetRevenue));
        Row("summary", "", "average_order_value_minor", Decimal(report.AverageOrderValue));
        Row("summary", "", "main_revenue_minor", Number(report.MainRevenue));
        Row("summary", "", "aov_lift", Decimal(report.AovLift));
        Row("summary", "", "revenue_per_buyer_minor", Decimal(report.RevenuePerBuyer));
        foreach (var bump in report.Bumps)
        {
            Row("bump", bump.Name, "checkouts", Number(bump.Checkouts));
            Row("bump", bump.Name, "taken", Number(bump.Taken));
            Row("bump", bump.Name, "take_rate", Decimal(bump.TakeRate));
            Row("bump", bump.Name, "revenue_minor", Number(bump.Revenue));
        }
        foreach (var step in report.Steps)
        {
            Row("step", step.Key, "name", step.Name);
            Row("step", step.Key, "kind", step.Kind);
            Row("step", step.Key, "offered", Number(step.Offered));
            Row("step", step.Key, "views", Number(step.Views));
            Row("step", step.Key, "accepts", Number(step.Accepts));
            Row("step", step.Key, "declines", Number(step.Declines));
            Row("step", step.Key, "failed", Number(step.Failed));
            Row("step", step.Key, "expired", Number(step.Expired));
            Row("step", step.Key, "unseen", Number(step.Unseen));
            Row("step", step.Key, "take_rate", Decimal(step.TakeRate));
            Row("step", step.Key, "revenue_minor", Number(step.Revenue));
        }
        foreach (var day in report.RevenueByDay)
            Row("day", Date(day.Day), "gross_revenue_minor", Number(day.Revenue));
        return csv.ToString();
    }

    /// <summary>A file name that says what it holds, e.g. <c>calm-your-anxiety-analytics-2026-10-27-2026-11-26.csv</c>.</summary>
    public static string FileName(FunnelAnalyticsReport report, string slug)
    {
        var safe = new string(slug.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());
        if (safe.Length == 0) safe = "funnel";
        var version = report.VersionNumber is { } number ? $"-v{number}" : "";
        return $"{safe}{version}-analytics-{Date(report.From)}-{Date(report.To)}.csv";
    }

    /// <summary>RFC 4180 quoting; text (not a plain number) starting with <c>= + - @</c>, a tab or a carriage return is prefixed with <c>'</c> so no spreadsheet runs it.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' &&
            !decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Decimal(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
