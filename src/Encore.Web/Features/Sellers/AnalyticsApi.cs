using Encore.Web.Features.Analytics;
using Encore.Web.Features.Shared;

namespace Encore.Web.Features.Sellers;

/// <summary>A funnel's analytics over the seller API, the same figures as the analytics page and its CSV.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapSellerAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy);
        seller.MapGet("/funnels/{funnelId}/analytics", GetAnalytics).WithName("GetFunnelAnalytics")
            .WithSummary("A funnel's analytics for the orders paid from `from` (included) to `to` (excluded), UTC dates as YYYY-MM-DD "
                + "(default: the last 30 days, today included; at most 366 days), for one version (`versionId`) or all. "
                + "Money is in minor units of `currency`; rates and averages are null when their denominator is zero.")
            .Produces<FunnelAnalyticsReport>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> GetAnalytics(
        string funnelId, string? from, string? to, string? versionId, HttpContext http, FunnelAnalytics analytics, TimeProvider clock)
    {
        if (!Guid.TryParse(funnelId, out var funnel)) return NotFound();
        Guid? version = null;
        if (!string.IsNullOrWhiteSpace(versionId))
        {
            if (!Guid.TryParse(versionId, out var parsed)) return ApiProblems.Invalid("versionId", "versionId must be the id of one of the funnel's versions.");
            version = parsed;
        }
        var (range, field, error) = AnalyticsRange.Parse(from, to, clock);
        if (range is null) return ApiProblems.Invalid(field!, error!);
        var report = await analytics.GetAsync(http.User.SellerId(), funnel, version, range, http.RequestAborted);
        return report is null ? NotFound() : TypedResults.Ok(report);
    }

    private static IResult NotFound() =>
        ApiProblems.Problem(404, "not_found", "Funnel not found", "You have no funnel (or funnel version) with this id.");
}
