using System.Globalization;
using System.Text;
using Encore.Web.Features.Analytics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Analytics;

/// <summary>
/// A funnel's analytics for the signed-in seller: a GET form (dates, version), tiles, tables, two SVG charts,
/// and the same figures as CSV (<c>?handler=csv</c>). Another seller's funnel is a 404.
/// </summary>
public sealed class IndexModel(FunnelAnalytics analytics, TimeProvider clock) : PageModel
{
    public AnalyticsFunnel Funnel { get; private set; } = null!;
    public FunnelAnalyticsReport? Report { get; private set; }
    public string? Error { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public string Version { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid funnelId, string? from, string? to, string? version, CancellationToken cancellationToken)
    {
        var (outcome, report) = await LoadAsync(funnelId, from, to, version, cancellationToken);
        if (outcome is not null) return outcome;
        Report = report;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(Guid funnelId, string? from, string? to, string? version, CancellationToken cancellationToken)
    {
        var (outcome, report) = await LoadAsync(funnelId, from, to, version, cancellationToken);
        if (outcome is not null) return outcome;
        if (report is null) return new ContentResult { StatusCode = 400, ContentType = "text/plain; charset=utf-8", Content = Error };
        Response.Headers.CacheControl = "no-cache, no-store";
        return File(Encoding.UTF8.GetBytes(AnalyticsCsv.Write(report)), "text/csv; charset=utf-8", AnalyticsCsv.FileName(report, Funnel.Slug));
    }

    /// <summary>A result to return at once (404), or the report; with neither, <see cref="Error"/> says what is wrong with the form.</summary>
    private async Task<(IActionResult? Outcome, FunnelAnalyticsReport? Report)> LoadAsync(
        Guid funnelId, string? from, string? to, string? version, CancellationToken cancellationToken)
    {
        var funnel = await analytics.FindFunnelAsync(User.SellerId(), funnelId, cancellationToken);
        if (funnel is null) return (NotFound(), null);
        Funnel = funnel;
        From = from ?? "";
        To = to ?? "";
        Version = version ?? "";

        // The version by id (as the select sends it) or by number ("2" or "v2"); empty is every version.
        Guid? versionId = null;
        if (!string.IsNullOrWhiteSpace(version))
        {
            var text = version.Trim().TrimStart('v', 'V');
            var match = Guid.TryParse(version, out var id)
                ? funnel.Versions.FirstOrDefault(v => v.Id == id)
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? funnel.Versions.FirstOrDefault(v => v.Number == number)
                    : null;
            if (match is null) return (NotFound(), null);
            versionId = match.Id;
            Version = match.Id.ToString();
        }

        var (range, _, error) = AnalyticsRange.Parse(from, to, clock);
        if (range is null)
        {
            Error = error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return (null, null);
        }
        From = range.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = range.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = await analytics.GetAsync(funnel, versionId, range, cancellationToken);
        return report is null ? (NotFound(), null) : (null, report);
    }

    public string CsvUrl => $"/seller/funnels/{Funnel.Id}/analytics?handler=csv&from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}&version={Uri.EscapeDataString(Version)}";
}
