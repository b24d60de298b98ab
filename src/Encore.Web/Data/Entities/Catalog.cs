namespace Encore.Web.Data.Entities;

/// <summary>A seller: a coach or creator who owns products, funnels and orders.</summary>
public sealed class Seller
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string SupportEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The seller's own HMAC key for what Encore signs on their behalf (course links, the thank-you redirect), 64 hex
    /// digits, made on first use and shown only to the seller; null until then. See docs/delivery.md.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>Days consent records keep the buyer's IP address and browser (null: 540, the longest dispute window).</summary>
    public int? ConsentRetentionDays { get; set; }
}

/// <summary>Something a seller sells. Topics say what it is about, to judge whether two offers are related.</summary>
public sealed class Product
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public List<string> Topics { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A price of a product, as a seller offers it: one-time or recurring. Immutable once created, like a
/// Stripe price: to change what something costs, add a price and archive the old one. Funnel versions
/// copy the terms when published, so an archived price never changes what was sold.
/// </summary>
public sealed class ProductPrice
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid ProductId { get; set; }
    public required PriceTerms Terms { get; set; }

    /// <summary>Archived prices stay readable but cannot be put into a funnel draft any more.</summary>
    public bool Archived { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A price as stored: minor units, currency, and recurrence when recurring. Frozen into published versions.</summary>
public sealed class PriceTerms
{
    public long Amount { get; set; }
    public required string Currency { get; set; }
    public Encore.Domain.BillingInterval? Interval { get; set; }
    public int IntervalCount { get; set; } = 1;
    public int TrialDays { get; set; }

    /// <summary>A payment plan's number of payments; null: until cancelled (or a one-time price).</summary>
    public int? Payments { get; set; }

    public Encore.Domain.Price ToPrice() => new(
        new Encore.Domain.Money(Amount, Currency),
        Interval is { } interval ? new Encore.Domain.Recurrence(interval, IntervalCount, TrialDays, Payments) : null);

    public static PriceTerms From(Encore.Domain.Price price) => new()
    {
        Amount = price.Amount.Amount,
        Currency = price.Amount.Currency,
        Interval = price.Recurrence?.Interval,
        IntervalCount = price.Recurrence?.IntervalCount ?? 1,
        TrialDays = price.Recurrence?.TrialDays ?? 0,
        Payments = price.Recurrence?.Payments,
    };
}
