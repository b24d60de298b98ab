using Encore.Web.Features.Analytics;
using Encore.Web.Features.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>
/// The seller API's subscriptions: list, one subscription with its renewal charges, the changes a seller makes
/// (cancel, pause, resume, retry now; each through <see cref="SubscriptionManagement"/>) and the subscription
/// analytics. Every query is scoped to the key's seller: another seller's ids are 404.
/// </summary>
public static class SubscriptionsApi
{
    public static IServiceCollection AddSellerSubscriptions(this IServiceCollection services) =>
        services.AddScoped<SellerSubscriptions>().AddScoped<SubscriptionAnalytics>();

    public static IEndpointRouteBuilder MapSellerSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller subscriptions").RequireAuthorization(SellerAuth.ApiPolicy);
        seller.MapGet("/subscriptions", List).WithName("ListSellerSubscriptions")
            .WithSummary("The seller's subscriptions, newest first: search q (part of the buyer's e-mail or the product's name, any case; or a subscription id), " +
                         "status (trialing, active, past_due, paused, canceled, ended), productId, page, pageSize (≤ 200).")
            .ProducesProblem(401);
        seller.MapGet("/subscriptions/analytics", GetAnalytics).WithName("GetSubscriptionAnalytics")
            .WithSummary("MRR, subscribers and trials now; new subscriptions, churn, trial conversion and revenue recovered by dunning from `from` (included) " +
                         "to `to` (excluded), UTC dates as YYYY-MM-DD (default: the last 30 days, today included). In all, per product and per funnel; " +
                         "one row per currency, amounts in its minor units, never converted.")
            .ProducesProblem(401);
        seller.MapGet("/subscriptions/{subscriptionId:guid}", Get).WithName("GetSellerSubscription")
            .WithSummary("One subscription: price terms, status, next charge, dunning, card, the order that started it, its renewal charges and orders, and refunds.")
            .ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/subscriptions/{subscriptionId:guid}/cancel", Cancel).WithName("CancelSellerSubscription")
            .WithSummary("Cancels: at the period's end (the default; access lasts until then), or now with {\"atPeriodEnd\": false}, " +
                         "optionally refunding the last payment with {\"refundLastPayment\": true}. 409 when it is already cancelled or over; nothing changes.")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024))
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        seller.MapPost("/subscriptions/{subscriptionId:guid}/pause", Pause).WithName("PauseSellerSubscription")
            .WithSummary("Pauses a trialing, active or past-due subscription: nothing is charged until it is resumed. 409 otherwise.")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        seller.MapPost("/subscriptions/{subscriptionId:guid}/resume", Resume).WithName("ResumeSellerSubscription")
            .WithSummary("Resumes a paused subscription: what is due is charged at the next billing run. 409 when it is not paused.")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        seller.MapPost("/subscriptions/{subscriptionId:guid}/retry", Retry).WithName("RetrySellerSubscriptionPayment")
            .WithSummary("Charges a past-due payment again now; the answer's status and message say whether it went through. 409 when nothing is past due.")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Results<Ok<SellerSubscriptionListDto>, ValidationProblem>> List(
        HttpContext http, SellerSubscriptions subscriptions, string? q, string? status, string? productId, string? page, string? pageSize)
    {
        var (search, errors) = SubscriptionSearch.Parse(q, status, productId, page, pageSize);
        if (search is null) return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        var result = await subscriptions.ListAsync(http.User.SellerId(), search, http.RequestAborted);
        return TypedResults.Ok(new SellerSubscriptionListDto(
            result.Items.Select(SellerSubscriptionSummaryDto.From).ToList(), result.Page, result.PageSize, result.Total));
    }

    private static async Task<Results<Ok<SellerSubscriptionDto>, ProblemHttpResult>> Get(Guid subscriptionId, HttpContext http, SellerSubscriptions subscriptions)
    {
        var detail = await subscriptions.FindAsync(http.User.SellerId(), subscriptionId, http.RequestAborted);
        return detail is null ? NotFound() : TypedResults.Ok(SellerSubscriptionDto.From(detail));
    }

    private static async Task<Results<Ok<SellerSubscriptionDto>, ValidationProblem, ProblemHttpResult>> Cancel(
        Guid subscriptionId, CancelSubscriptionRequest? request, HttpContext http, SubscriptionManagement management, SellerSubscriptions subscriptions)
    {
        var atPeriodEnd = request?.AtPeriodEnd ?? true;
        var refund = request?.RefundLastPayment ?? false;
        if (refund && atPeriodEnd)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["refundLastPayment"] = ["Refunding the last payment ends the subscription now: send \"atPeriodEnd\": false with it."],
            });
        var sellerId = http.User.SellerId();
        // A change is never abandoned halfway because the client went away: it runs to its answer.
        var result = await management.CancelAsync(subscriptionId, sellerId, ManageActor.Seller, atPeriodEnd, refund, CancellationToken.None, Audit.AuditActor.Of(http));
        return await AnswerAsync(result, sellerId, subscriptionId, subscriptions);
    }

    private static async Task<Results<Ok<SellerSubscriptionDto>, ValidationProblem, ProblemHttpResult>> Pause(
        Guid subscriptionId, HttpContext http, SubscriptionManagement management, SellerSubscriptions subscriptions)
    {
        var sellerId = http.User.SellerId();
        return await AnswerAsync(await management.PauseAsync(subscriptionId, sellerId, CancellationToken.None), sellerId, subscriptionId, subscriptions);
    }

    private static async Task<Results<Ok<SellerSubscriptionDto>, ValidationProblem, ProblemHttpResult>> Resume(
        Guid subscriptionId, HttpContext http, SubscriptionManagement management, SellerSubscriptions subscriptions)
    {
        var sellerId = http.User.SellerId();
        return await AnswerAsync(await management.ResumeAsync(subscriptionId, sellerId, CancellationToken.None), sellerId, subscriptionId, subscriptions);
    }

    private static async Task<Results<Ok<SellerSubscriptionDto>, ValidationProblem, ProblemHttpResult>> Retry(
        Guid subscriptionId, HttpContext http, SubscriptionManagement management, SellerSubscriptions subscriptions)
    {
        var sellerId = http.User.SellerId();
        return await AnswerAsync(await management.RetryNowAsync(subscriptionId, sellerId, CancellationToken.None), sellerId, subscriptionId, subscriptions);
    }

    private static async Task<Results<Ok<SubscriptionAnalyticsReport>, ValidationProblem>> GetAnalytics(
        string? from, string? to, HttpContext http, SubscriptionAnalytics analytics, TimeProvider clock)
    {
        var (range, field, error) = AnalyticsRange.Parse(from, to, clock);
        if (range is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field!] = [error!] });
        return TypedResults.Ok(await analytics.GetAsync(http.User.SellerId(), range, http.RequestAborted));
    }

    /// <summary>Done: 200 with the subscription as it is now and the change's message; not found: 404; anything else: 409 with the reason, nothing changed.</summary>
    private static async Task<Results<Ok<SellerSubscriptionDto>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        ManageResult result, Guid sellerId, Guid subscriptionId, SellerSubscriptions subscriptions)
    {
        switch (result.Outcome)
        {
            case ManageOutcome.Done:
                var detail = await subscriptions.FindAsync(sellerId, subscriptionId, CancellationToken.None);
                return detail is null ? NotFound() : TypedResults.Ok(SellerSubscriptionDto.From(detail, result.Message));
            case ManageOutcome.NotFound:
                return NotFound();
            default:
                return Problem(StatusCodes.Status409Conflict, "not_applicable", "Nothing changed", result.Message);
        }
    }

    private static ProblemHttpResult NotFound() =>
        Problem(StatusCodes.Status404NotFound, "not_found", "Subscription not found", "You have no subscription with this id.");

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
