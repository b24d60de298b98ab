using System.Globalization;
using System.Text;
using Encore.Web.Features.Analytics;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>
/// The subscription report as CSV, one figure per row (<c>section,id,name,currency,metric,value</c>): the totals per
/// currency, then each product and each funnel. Money in minor units, rates as decimals, an empty value where a rate
/// has no denominator; quoting and formula neutralising as in <see cref="AnalyticsCsv.Field"/>.
/// </summary>
public static class SubscriptionAnalyticsCsv
{
    public static string Write(SubscriptionAnalyticsReport report)
    {
        var csv = new StringBuilder();
        void Row(string section, string id, string name, string currency, string metric, string value)
        {
            foreach (var field in new[] { section, id, name, currency, metric })
                csv.Append(AnalyticsCsv.Field(field)).Append(',');
            csv.Append(AnalyticsCsv.Field(value)).Append("\r\n");
        }
        void Figures(string section, string id, string name, SubscriptionFigures f)
        {
            Row(section, id, name, f.Currency, "mrr_minor", Number(f.Mrr));
            Row(section, id, name, f.Currency, "active", Number(f.Active));
            Row(section, id, name, f.Currency, "past_due", Number(f.PastDue));
            Row(section, id, name, f.Currency, "trialing", Number(f.Trialing));
            Row(section, id, name, f.Currency, "paused", Number(f.Paused));
            Row(section, id, name, f.Currency, "new", Number(f.New));
            Row(section, id, name, f.Currency, "churned_voluntary", Number(f.ChurnedVoluntary));
            Row(section, id, name, f.Currency, "churned_failed_payment", Number(f.ChurnedFailedPayment));
            Row(section, id, name, f.Currency, "trials_ended", Number(f.TrialsEnded));
            Row(section, id, name, f.Currency, "trials_converted", Number(f.TrialsConverted));
            Row(section, id, name, f.Currency, "trial_conversion_rate", f.TrialConversionRate?.ToString(CultureInfo.InvariantCulture) ?? "");
            Row(section, id, name, f.Currency, "recovered_payments", Number(f.RecoveredPayments));
            Row(section, id, name, f.Currency, "recovered_revenue_minor", Number(f.RecoveredRevenue));
        }

        Row("section", "id", "name", "currency", "metric", "value");
        Row("range", "", "", "", "from", Date(report.From));
        Row("range", "", "", "", "to_exclusive", Date(report.To));
        Row("range", "", "", "", "as_of", report.AsOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        foreach (var total in report.Totals) Figures("total", "", "", total);
        foreach (var product in report.Products) Figures("product", product.Id.ToString(), product.Name, product.Figures);
        foreach (var funnel in report.Funnels) Figures("funnel", funnel.Id.ToString(), funnel.Name, funnel.Figures);
        return csv.ToString();
    }

    /// <summary>e.g. <c>subscriptions-2026-10-27-2026-11-26.csv</c>.</summary>
    public static string FileName(SubscriptionAnalyticsReport report) => $"subscriptions-{Date(report.From)}-{Date(report.To)}.csv";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
