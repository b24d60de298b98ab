using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Features.Funnels;

public sealed record FunnelItemDto(Guid ProductId, string Name, string Description, MoneyDto Price, RecurringDto? Recurring);

public sealed record BumpDto(Guid Id, Guid ProductId, string Name, string Description, MoneyDto Price, RecurringDto? Recurring);

public sealed record FunnelResponse(string Slug, string Name, string Currency, int Version, FunnelItemDto Main, IReadOnlyList<BumpDto> Bumps);

public static class FunnelsApi
{
    public static IEndpointRouteBuilder MapFunnelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/funnels/{slug}", GetFunnel)
            .WithTags("Checkout")
            .WithName("GetFunnel")
            .WithSummary("A published funnel: its main product and order bumps, with prices from the published version.");
        return app;
    }

    private static async Task<Results<Ok<FunnelResponse>, ProblemHttpResult>> GetFunnel(
        string slug, PublishedFunnels funnels, CancellationToken cancellationToken)
    {
        var funnel = await funnels.FindBySlugAsync(slug, cancellationToken);
        if (funnel is null)
            return TypedResults.Problem(statusCode: 404, title: "Funnel not found", detail: $"No published funnel has the slug '{slug}'.");
        return TypedResults.Ok(new FunnelResponse(
            funnel.Slug,
            funnel.Name,
            funnel.Currency,
            funnel.VersionNumber,
            new FunnelItemDto(funnel.Main.ProductId, funnel.Main.Name, funnel.Main.Description, MoneyDto.From(funnel.Main.Price.Amount), RecurringDto.From(funnel.Main.Price.Recurrence)),
            funnel.Bumps.Select(b => new BumpDto(b.Id, b.ProductId, b.Name, b.Description, MoneyDto.From(b.Price.Amount), RecurringDto.From(b.Price.Recurrence))).ToList()));
    }
}
