using Encore.Web.Features.Buyers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Features.Sellers.Erasure;

/// <param name="Status"><c>open</c> until the seller confirms it, then <c>erased</c> (confirming erases the buyer's data in your orders).</param>
public sealed record EraseRequestDto(
    Guid Id, string Email, string? Reason, string Status, DateTimeOffset RequestedAt, DateTimeOffset? ConfirmedAt, string? ConfirmedBy)
{
    public static EraseRequestDto From(EraseRequestView r) => new(r.Id, r.Email, r.Reason, r.Status, r.RequestedAt, r.ConfirmedAt, r.ConfirmedBy);
}

public sealed record EraseRequestListDto(IReadOnlyList<EraseRequestDto> Items, int Page, int PageSize, int Total, int Open);

/// <summary>
/// The seller API's erase requests: the list, and the confirmation that the seller handled one. Scoped to the key's
/// seller: another seller's ids are 404.
/// </summary>
public static class EraseRequestsApi
{
    public static IEndpointRouteBuilder MapSellerEraseRequestsApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller erase requests").RequireAuthorization(SellerAuth.ApiPolicy);
        seller.MapGet("/erase-requests", List).WithName("ListSellerEraseRequests")
            .WithSummary("Buyers' requests that you erase their data, open ones first, then newest first: status (open, confirmed), page, pageSize (≤ 200).")
            .ProducesProblem(401);
        seller.MapPost("/erase-requests/{eraseRequestId:guid}/confirm", Confirm).WithName("ConfirmSellerEraseRequest")
            .WithSummary("Erases the buyer's data in your orders (docs/data-rights.md: name, address, IP addresses and browsers go; amounts, dates " +
                         "and consent hashes stay) and records the request as confirmed. 409 when it is already confirmed or a subscription still runs; nothing changes.")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        seller.MapPost("/buyers/erase", Erase).WithName("EraseSellerBuyer")
            .WithSummary("Erases one buyer's data in your orders, by e-mail address, as confirming their request does. 404 when you have no order from " +
                         "the address; 409 while a subscription of theirs runs (cancel it first).")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        seller.MapGet("/buyers/export", Export).WithName("ExportSellerBuyer")
            .WithSummary("Everything your orders hold about one buyer's address (?email=), as one JSON document; recorded in your audit log.")
            .Produces(200, contentType: "application/json").ProducesProblem(401);
        return app;
    }

    private static async Task<Results<Ok<EraseRequestListDto>, ValidationProblem>> List(
        HttpContext http, EraseRequests requests, string? status, int? page, int? pageSize)
    {
        bool? open;
        switch (status?.Trim().ToLowerInvariant())
        {
            case null or "": open = null; break;
            case "open": open = true; break;
            case "confirmed": open = false; break;
            default: return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use open or confirmed."] });
        }
        var result = await requests.ListAsync(http.User.SellerId(), open, page ?? 1, pageSize ?? 50, http.RequestAborted);
        return TypedResults.Ok(new EraseRequestListDto(result.Items.Select(EraseRequestDto.From).ToList(), result.Page, result.PageSize, result.Total, result.Open));
    }

    private static async Task<Results<Ok<EraseRequestDto>, ProblemHttpResult>> Confirm(Guid eraseRequestId, HttpContext http, EraseRequests requests)
    {
        // Recorded whatever the client does meanwhile.
        var (outcome, request, asked) = await requests.ConfirmAsync(http.User.SellerId(), eraseRequestId, "api key " + OrdersApi.ApiKeyPrefix(http),
            Audit.AuditActor.Of(http), CancellationToken.None);
        return outcome switch
        {
            EraseOutcome.Done => TypedResults.Ok(EraseRequestDto.From(request!)),
            EraseOutcome.SubscriptionRunning => Problem(StatusCodes.Status409Conflict, "subscription_running", "A subscription still runs",
                $"{asked} has a subscription that still runs: cancel it first. Nothing was erased."),
            EraseOutcome.Already => Problem(StatusCodes.Status409Conflict, "already_confirmed", "Already confirmed",
                $"This request was confirmed on {request!.ConfirmedAt:yyyy-MM-dd HH:mm} UTC by {request.ConfirmedBy}. Nothing changed."),
            _ => Problem(StatusCodes.Status404NotFound, "not_found", "Erase request not found", "You have no erase request with this id."),
        };
    }

    public sealed record EraseBuyerRequest(string? Email);

    /// <param name="Pseudonym">The address the erased orders now carry.</param>
    public sealed record ErasureDto(int Orders, int Subscriptions, string Pseudonym);

    private static async Task<Results<Ok<ErasureDto>, ProblemHttpResult, ValidationProblem>> Erase(EraseBuyerRequest? body, HttpContext http, BuyerErasure erasure)
    {
        var email = (body?.Email ?? "").Trim().ToLowerInvariant();
        if (email.Length is 0 or > 320 || !email.Contains('@'))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Give the buyer's e-mail address."] });
        var result = await erasure.EraseAsync(http.User.SellerId(), email, "api key " + OrdersApi.ApiKeyPrefix(http), Audit.AuditActor.Of(http), CancellationToken.None);
        return result.Outcome switch
        {
            ErasureOutcome.Erased => TypedResults.Ok(new ErasureDto(result.Orders, result.Subscriptions, result.Pseudonym!)),
            ErasureOutcome.SubscriptionRunning => Problem(StatusCodes.Status409Conflict, "subscription_running", "A subscription still runs",
                $"{email} has {result.Subscriptions} subscription(s) that still run: cancel them first. Nothing was erased."),
            _ => Problem(StatusCodes.Status404NotFound, "not_found", "No such buyer", $"You have no orders from {email}."),
        };
    }

    private static async Task<IResult> Export(string? email, HttpContext http, BuyerData data) =>
        Results.File(await data.ExportForSellerAsync(Audit.AuditActor.Of(http), (email ?? "").Trim().ToLowerInvariant(), http.RequestAborted), "application/json");

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
