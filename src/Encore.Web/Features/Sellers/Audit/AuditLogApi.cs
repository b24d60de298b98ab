using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Features.Sellers.Audit;

/// <summary>The seller API's audit log: read with an API key (keys act as an owner), scoped to the key's seller.</summary>
public static class AuditLogApi
{
    public static IServiceCollection AddSellerAudit(this IServiceCollection services) => services.AddScoped<AuditQuery>();

    public static IEndpointRouteBuilder MapSellerAuditLogApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/seller").WithTags("Seller audit log").RequireAuthorization(SellerAuth.ApiPolicy)
            .MapGet("/audit-log", List).WithName("ListSellerAuditLog")
            .WithSummary("Your audit log, newest first: action (one of the recorded actions, e.g. refund_issued), page, pageSize (≤ 200).")
            .WithDescription("Each entry: when, the action, who (a person's account and address at the time, or an API key's id, name and first characters), " +
                             "the subject's id, a short details object and the client address.")
            .ProducesProblem(401);
        return app;
    }

    private static async Task<Results<Ok<AuditLogPageDto>, ValidationProblem>> List(HttpContext http, AuditQuery audit, string? action, string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (!AuditQuery.TryParseAction(action, out var filter)) errors["action"] = ["Use one of: " + string.Join(", ", AuditActions.All) + "."];
        var pageNumber = 1;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, out pageNumber) || pageNumber is < 1 or > 1_000_000))
            errors["page"] = ["Use a page number from 1."];
        var size = AuditQuery.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(pageSize) && (!int.TryParse(pageSize, out size) || size < 1 || size > AuditQuery.MaxPageSize))
            errors["pageSize"] = [$"Use a page size from 1 to {AuditQuery.MaxPageSize}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await audit.PageAsync(http.User.SellerId(), filter, pageNumber, size, http.RequestAborted));
    }
}
