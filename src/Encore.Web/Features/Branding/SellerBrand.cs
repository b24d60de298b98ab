namespace Encore.Web.Features.Branding;

/// <summary>
/// A seller's branding as the buyer's pages and e-mails show it: logo, colour, refund policy and the support, terms and
/// privacy links, with the images of the seller's products. Paths are Encore's own (<c>/media/{sha256}</c>), content-hashed.
/// </summary>
public sealed record SellerBrand(
    Guid SellerId,
    string Name,
    string? LogoSha256,
    string? Color,
    string? RefundPolicy,
    string SupportHref,
    string SupportLabel,
    string? TermsUrl,
    string? PrivacyUrl,
    IReadOnlyDictionary<Guid, string> ProductImages)
{
    public string? LogoPath => LogoSha256 is { } sha ? BrandImages.PathOf(sha) : null;

    /// <summary>The stylesheet that sets the page's accent to the brand colour (the CSP allows no inline style); null: Encore's colour.</summary>
    public string? StylesheetPath => Color is { } color ? $"/brand/{color[1..]}.css" : null;

    public string? ImagePathFor(Guid productId) => ProductImages.TryGetValue(productId, out var sha) ? BrandImages.PathOf(sha) : null;

    /// <summary>"mailto:" for an address, the URL as is otherwise; null: the seller's support address.</summary>
    public static (string Href, string Label) Support(string? supportUrl, string supportEmail) =>
        supportUrl is { Length: > 0 } value
            ? value.Contains('@', StringComparison.Ordinal) && !value.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? ($"mailto:{value}", value)
                : (value, Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.Host : value)
            : ($"mailto:{supportEmail}", supportEmail);
}
