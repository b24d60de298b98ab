namespace Encore.Domain.Linting;

/// <summary>
/// A funnel as a seller defines it, before it is published: what the linter reads. Plain records with
/// nullable lists, so whatever a seller sends can be linted without throwing.
/// </summary>
public sealed record FunnelDefinition(
    string Currency,
    OfferItem Main,
    IReadOnlyList<OfferItem>? Bumps,
    IReadOnlyList<StepDefinition>? Steps,
    string? EntryStepId);

/// <summary>A product at a price: the main product or an order bump.</summary>
public sealed record OfferItem(string Name, IReadOnlyList<string>? Topics, Price Price);

/// <summary>
/// One post-purchase step: the product offered, its price, the copy the buyer reads, the seller's own terms
/// (required for recurring prices), and where a yes and a no lead (null: thank-you).
/// </summary>
public sealed record StepDefinition(
    string Id,
    string ProductName,
    IReadOnlyList<string>? Topics,
    Price Price,
    string? Headline,
    string? Body,
    string? Terms,
    string? OnAccept,
    string? OnDecline);
