namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>A product's price in a funnel: which of the seller's prices, and the line the checkout page shows under it.</summary>
/// <param name="PriceId">One of the seller's prices (<c>/api/v1/seller/products/{productId}/prices</c>); its product is what is sold.</param>
/// <param name="Description">What the buyer reads next to it; empty: the product's description.</param>
/// <param name="Terms">For a recurring price: amount, interval, first charge and how to cancel, in the seller's words, shown next to the Pay button.</param>
public sealed record DefinitionItemDto(Guid? PriceId, string? Description = null, string? Terms = null);

/// <summary>A post-purchase step: one offer, shown once, and where a yes and a no lead.</summary>
/// <param name="Id">The seller's name for the step, e.g. <c>audio-offer</c>: letters, digits, <c>-</c> and <c>_</c>, unique in the funnel, kept across versions.</param>
/// <param name="PriceId">The price the one click adds to the order.</param>
/// <param name="Headline">The offer page's headline; empty: "Add {product} to your order".</param>
/// <param name="Body">The offer page's copy, plain text.</param>
/// <param name="Terms">For a recurring price: amount, interval, first charge and how to cancel, in the seller's words.</param>
/// <param name="OnAccept">The step after a yes; null: thank-you.</param>
/// <param name="OnDecline">The step after a no (a downsell); null: thank-you.</param>
/// <param name="Opening">
/// The line above the headline; empty: "Your order is confirmed. One more thing, shown only now:" for an offer, "Not the full
/// program? Here is a smaller step." for a downsell (a step reached by a no).
/// </param>
public sealed record DefinitionStepDto(
    string? Id,
    Guid? PriceId,
    string? Headline = null,
    string? Body = null,
    string? Terms = null,
    string? OnAccept = null,
    string? OnDecline = null,
    string? Opening = null);

/// <summary>
/// A funnel definition as the seller API takes it to create a funnel, to save its draft, and to lint it: the
/// main product, order bumps and the post-purchase steps with their accept and decline edges, each priced
/// by one of the seller's prices. The lint endpoint takes the same JSON and ignores name and slug.
/// </summary>
/// <param name="Name">The funnel's name in the seller's pages.</param>
/// <param name="Slug">The buyer's address <c>/f/{slug}</c>: lower-case letters, digits and dashes; fixed once published.</param>
/// <param name="WindowMinutes">How long after paying the offers stay open (5 to 1440; default 30).</param>
/// <param name="Main">The product the checkout sells.</param>
/// <param name="Bumps">Checkboxes on the checkout page, charged with the main payment.</param>
/// <param name="Steps">The one-time offers and downsells, in the order the seller lists them.</param>
/// <param name="EntryStepId">The step shown right after paying; null when there are no steps.</param>
/// <param name="ThankYouUrl">
/// The seller's own thank-you page (https), where a paid buyer goes when the path ends, with
/// <c>encore_order</c>, <c>encore_ts</c> and <c>encore_signature</c> appended (docs/delivery.md); null: Encore's page.
/// </param>
public sealed record FunnelDefinitionDto(
    string? Name,
    string? Slug,
    int? WindowMinutes,
    DefinitionItemDto? Main,
    IReadOnlyList<DefinitionItemDto>? Bumps,
    IReadOnlyList<DefinitionStepDto>? Steps,
    string? EntryStepId,
    string? ThankYouUrl = null)
{
    public const int MaxThankYouUrl = 2000;
    public const int DefaultWindowMinutes = 30;
    public const int MinWindowMinutes = 5;
    public const int MaxWindowMinutes = 1440;
    public const int MaxBumps = 5;
}
