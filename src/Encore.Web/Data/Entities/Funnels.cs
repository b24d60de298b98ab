namespace Encore.Web.Data.Entities;

/// <summary>A funnel: the seller's offer architecture, reached by buyers at <c>/f/{slug}</c>.</summary>
public sealed class Funnel
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }

    /// <summary>Every price in every version is in this currency, so a funnel's figures add up without conversion.</summary>
    public required string Currency { get; set; }

    /// <summary>The version buyers are sold now; null until the first publish.</summary>
    public Guid? PublishedVersionId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum FunnelVersionStatus
{
    Draft = 0,
    Published = 1,
    Retired = 2,
}

/// <summary>
/// One version of a funnel. Publishing freezes it: names and prices are copied in, so an order sold
/// under it reads the same years later, whatever the seller edits afterwards.
/// </summary>
public sealed class FunnelVersion
{
    public Guid Id { get; set; }
    public Guid FunnelId { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>The seller's name and support address as the buyer is told them; frozen so a disclosure never shifts.</summary>
    public required string SellerName { get; set; }

    public required string SupportEmail { get; set; }
    public int Number { get; set; }
    public FunnelVersionStatus Status { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public required string Currency { get; set; }
    public Guid MainProductId { get; set; }

    /// <summary>The seller's price the main terms were copied from (null for versions made before prices existed).</summary>
    public Guid? MainPriceId { get; set; }

    public required string MainName { get; set; }
    public string MainDescription { get; set; } = "";

    /// <summary>The seller's own terms for a recurring main product, shown next to the Pay button.</summary>
    public string? MainTerms { get; set; }

    public required PriceTerms MainPrice { get; set; }

    /// <summary>How long the post-purchase offers stay open after the main payment.</summary>
    public int WindowMinutes { get; set; } = 30;

    /// <summary>
    /// The seller's own thank-you page, where a paid buyer goes when the path ends (with the order id and a signature);
    /// null: Encore's thank-you page.
    /// </summary>
    public string? ThankYouUrl { get; set; }

    public Guid? EntryStepId { get; set; }

    /// <summary>When the draft was last changed (or the version published).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public List<OrderBump> Bumps { get; set; } = [];
    public List<OfferStep> Steps { get; set; } = [];
}

/// <summary>A checkbox on the checkout page, charged with the main payment.</summary>
public sealed class OrderBump
{
    public Guid Id { get; set; }
    public Guid FunnelVersionId { get; set; }
    public int Position { get; set; }
    public Guid ProductId { get; set; }
    public Guid? PriceId { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";

    /// <summary>The seller's own terms for a recurring bump, shown next to the Pay button when it is ticked.</summary>
    public string? Terms { get; set; }

    public required PriceTerms Price { get; set; }
}

public enum OfferStepKind
{
    Offer = 0,
    Downsell = 1,
}

/// <summary>A post-purchase step: one offer, with where a yes and a no lead (null: thank-you).</summary>
public sealed class OfferStep
{
    public Guid Id { get; set; }
    public Guid FunnelVersionId { get; set; }
    public int Position { get; set; }

    /// <summary>
    /// The seller's name for the step ("audio-offer"), unique in the funnel and kept from version to version:
    /// the edges of the definition name it, and analytics compares a step across versions by it.
    /// </summary>
    public required string Key { get; set; }

    public OfferStepKind Kind { get; set; }
    public Guid ProductId { get; set; }
    public Guid? PriceId { get; set; }
    public required string ProductName { get; set; }

    public required string Headline { get; set; }
    public string Body { get; set; } = "";

    /// <summary>The line above the headline ("Not the full program? Here is a smaller step."); null: the default for the step's kind.</summary>
    public string? Opening { get; set; }

    /// <summary>The seller's own terms for a recurring price, shown under the disclosure.</summary>
    public string? Terms { get; set; }
    public required PriceTerms Price { get; set; }
    public Guid? OnAcceptStepId { get; set; }
    public Guid? OnDeclineStepId { get; set; }
}
