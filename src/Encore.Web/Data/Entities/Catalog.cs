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

    /// <summary>The seller's logo on every buyer page and e-mail: the SHA-256 of a <see cref="BrandImage"/> of theirs; null: their name only.</summary>
    public string? LogoSha256 { get; set; }

    /// <summary>The brand colour, "#1f6f5c": buttons and the page's accent. Kept only when white text on it reads (WCAG AA, 4.5:1); null: Encore's.</summary>
    public string? BrandColor { get; set; }

    /// <summary>The seller's refund policy in a sentence or two, shown on the checkout next to the Pay button.</summary>
    public string? RefundPolicy { get; set; }

    /// <summary>Where buyers get help: an https URL or an e-mail address; null: <see cref="SupportEmail"/>.</summary>
    public string? SupportUrl { get; set; }

    /// <summary>The seller's terms of sale and privacy notice (https), linked from every buyer page.</summary>
    public string? TermsUrl { get; set; }

    public string? PrivacyUrl { get; set; }
}

/// <summary>
/// An image a seller uploaded (a logo, a product image), kept in the database so every instance serves it. Its address
/// is its content's SHA-256, so it never changes and is cached for a year; checked to be the PNG, JPEG or WebP it claims.
/// </summary>
public sealed class BrandImage
{
    public Guid SellerId { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>.</summary>
    public required string Sha256 { get; set; }

    /// <summary>image/png, image/jpeg or image/webp, as read from the bytes.</summary>
    public required string ContentType { get; set; }

    public int Width { get; set; }
    public int Height { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
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

    /// <summary>The product's image on the checkout: the SHA-256 of a <see cref="BrandImage"/> of the seller's; null: none.</summary>
    public string? ImageSha256 { get; set; }
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
