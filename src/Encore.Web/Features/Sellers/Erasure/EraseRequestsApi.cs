using Encore.Web.Features.Buyers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Features.Sellers.Erasure;

/// <param name="Status"><c>open</c> until the seller confirms it, then <c>confirmed</c>.</param>
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
            .WithSummary("Records that you handled the request (when, and by which key); the buyer's page shows the date. Encore's own copy of the " +
                         "buyer's orders is not erased by this. 409 when it is already confirmed; nothing changes.")
            .ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
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
        var (outcome, request) = await requests.ConfirmAsync(http.User.SellerId(), eraseRequestId, "api key " + OrdersApi.ApiKeyPrefix(http), CancellationToken.None);
        return outcome switch
        {
            EraseOutcome.Done => TypedResults.Ok(EraseRequestDto.From(request!)),
            EraseOutcome.Already => Problem(StatusCodes.Status409Conflict, "already_confirmed", "Already confirmed",
                $"This request was confirmed on {request!.ConfirmedAt:yyyy-MM-dd HH:mm} UTC by {request.ConfirmedBy}. Nothing changed."),
            _ => Problem(StatusCodes.Status404NotFound, "not_found", "Erase request not found", "You have no erase request with this id."),
        };
    }

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
