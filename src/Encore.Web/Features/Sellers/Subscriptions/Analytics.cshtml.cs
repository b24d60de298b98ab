using System.Globalization;
using System.Text;
using Encore.Web.Features.Analytics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>The seller's subscription analytics: a GET form (dates), tiles per currency, tables per product and per funnel, and CSV (<c>?handler=csv</c>).</summary>
public sealed class AnalyticsModel(SubscriptionAnalytics analytics, TimeProvider clock) : PageModel
{
    public SubscriptionAnalyticsReport? Report { get; private set; }
    public string? Error { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";

    public async Task OnGetAsync(string? from, string? to, CancellationToken cancellationToken) =>
        Report = await LoadAsync(from, to, cancellationToken);

    public async Task<IActionResult> OnGetCsvAsync(string? from, string? to, CancellationToken cancellationToken)
    {
        var report = await LoadAsync(from, to, cancellationToken);
        if (report is null) return new ContentResult { StatusCode = 400, ContentType = "text/plain; charset=utf-8", Content = Error };
        Response.Headers.CacheControl = "no-cache, no-store";
        return File(Encoding.UTF8.GetBytes(SubscriptionAnalyticsCsv.Write(report)), "text/csv; charset=utf-8", SubscriptionAnalyticsCsv.FileName(report));
    }

    /// <summary>The report, or null with <see cref="Error"/> saying what is wrong with the dates (and a 400).</summary>
    private async Task<SubscriptionAnalyticsReport?> LoadAsync(string? from, string? to, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        From = from ?? "";
        To = to ?? "";
        var (range, _, error) = AnalyticsRange.Parse(from, to, clock);
        if (range is null)
        {
            Error = error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        From = range.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = range.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return await analytics.GetAsync(User.SellerId(), range, cancellationToken);
    }

    public string CsvUrl => $"/seller/subscriptions/analytics?handler=csv&from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}";
}
