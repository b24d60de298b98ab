using Encore.Domain;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Offers;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Features.Funnels;

/// <param name="Terms">The seller's own terms for a recurring price; null for a one-time price or none given.</param>
/// <param name="Disclosure">For a recurring price: what a checkout must show next to its Pay button today (the schedule, how to
/// cancel, the seller's terms); the consent record of an order paid today keeps these words.</param>
public sealed record FunnelItemDto(
    Guid ProductId, string Name, string Description, MoneyDto Price, RecurringDto? Recurring, string? Terms, DisclosureDto? Disclosure);

/// <param name="Terms">The seller's own terms for a recurring price; null for a one-time price or none given.</param>
/// <param name="Disclosure">For a recurring price: what a checkout must show next to its Pay button today when the bump is chosen.</param>
public sealed record BumpDto(
    Guid Id, Guid ProductId, string Name, string Description, MoneyDto Price, RecurringDto? Recurring, string? Terms, DisclosureDto? Disclosure);

public sealed record FunnelResponse(string Slug, string Name, string Currency, int Version, FunnelItemDto Main, IReadOnlyList<BumpDto> Bumps);

public static class FunnelsApi
{
    public static IEndpointRouteBuilder MapFunnelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/funnels/{slug}", GetFunnel)
            .WithTags("Checkout")
            .WithName("GetFunnel")
            .WithSummary("A published funnel: its main product and order bumps, with prices from the published version.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<FunnelResponse>, ProblemHttpResult>> GetFunnel(
        string slug, PublishedFunnels funnels, TimeProvider clock, CancellationToken cancellationToken)
    {
        var funnel = await funnels.FindBySlugAsync(slug, cancellationToken);
        if (funnel is null)
            return TypedResults.Problem(statusCode: 404, title: "Funnel not found", detail: $"No published funnel has the slug '{slug}'.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        DisclosureDto? Disclosure(string name, Price price, string? terms) =>
            price.IsRecurring && CheckoutService.RecurringTermsAtCheckout(funnel, name, price, terms, today) is var d ? new DisclosureDto(d.Text, d.Sha256) : null;
        var main = funnel.Main;
        return TypedResults.Ok(new FunnelResponse(
            funnel.Slug,
            funnel.Name,
            funnel.Currency,
            funnel.VersionNumber,
            new FunnelItemDto(main.ProductId, main.Name, main.Description, MoneyDto.From(main.Price.Amount), RecurringDto.From(main.Price.Recurrence),
                main.Terms, Disclosure(main.Name, main.Price, main.Terms)),
            funnel.Bumps.Select(b => new BumpDto(b.Id, b.ProductId, b.Name, b.Description, MoneyDto.From(b.Price.Amount), RecurringDto.From(b.Price.Recurrence),
                b.Terms, Disclosure(b.Name, b.Price, b.Terms))).ToList()));
    }
}
