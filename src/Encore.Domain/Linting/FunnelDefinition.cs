namespace Encore.Domain.Linting;

/// <summary>
/// A funnel as a seller defines it, before it is published: what the linter reads, and what the seller API
/// takes as JSON. A plain record tree of simple types. Lists may be null and strings empty: whatever a
/// seller sends is linted into findings, never an exception.
/// </summary>
/// <param name="Currency">The funnel's ISO 4217 code; every price should be in it (empty: the main product's).</param>
/// <param name="Main">The product the checkout page sells.</param>
/// <param name="Bumps">Order bumps: checkboxes on the checkout page, charged with the main payment.</param>
/// <param name="Steps">The post-purchase offers, in the order the seller lists them.</param>
/// <param name="EntryStepId">The step shown right after the payment; null (or blank) when there are no offers.</param>
public sealed record FunnelDefinition(
    string Currency,
    OfferItem Main,
    IReadOnlyList<OfferItem>? Bumps,
    IReadOnlyList<StepDefinition>? Steps,
    string? EntryStepId);
