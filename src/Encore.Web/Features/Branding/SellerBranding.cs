using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Branding;

/// <summary>What a seller types on the branding page; blank fields clear what they set.</summary>
public sealed record BrandRequest(string? Color, string? RefundPolicy, string? Support, string? TermsUrl, string? PrivacyUrl);

/// <summary>
/// Changes a seller's branding: the details (colour, refund policy, links), the logo and product images. Each change is one
/// transaction on the seller's own rows, refused whole with readable reasons (nothing changes), and forgotten by the
/// instance's cache at once. Images no longer used by the seller are deleted with the change that stops using them.
/// </summary>
public sealed class SellerBranding(EncoreDbContext db, SellerBrands brands, TimeProvider clock)
{
    public const int MaxRefundPolicy = 1000;
    public const int MaxUrl = 2000;

    public async Task<Dictionary<string, string[]>> SaveAsync(Guid sellerId, BrandRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        string? color = null;
        if (!string.IsNullOrWhiteSpace(request.Color))
        {
            color = BrandColors.Normalize(request.Color);
            if (color is null) errors["color"] = ["Type the colour as a hex code, like #1f6f5c."];
            else if (BrandColors.ContrastWithWhite(color) is var ratio && ratio < BrandColors.MinimumContrast)
                errors["color"] = [$"White text on {color} has a contrast of {ratio:0.0}:1; buttons need at least 4.5:1 to be read (WCAG AA). Choose a darker colour."];
        }
        var refund = Blank(request.RefundPolicy);
        if (refund is { Length: > MaxRefundPolicy }) errors["refundPolicy"] = [$"At most {MaxRefundPolicy:N0} characters: a sentence or two, with a link to the full policy if you have one."];
        var support = Blank(request.Support);
        if (support is not null && !IsEmail(support) && !IsHttps(support))
            errors["support"] = ["Give an e-mail address or an https:// address of your help page."];
        var terms = Blank(request.TermsUrl);
        if (terms is not null && !IsHttps(terms)) errors["termsUrl"] = ["Give the https:// address of your terms."];
        var privacy = Blank(request.PrivacyUrl);
        if (privacy is not null && !IsHttps(privacy)) errors["privacyUrl"] = ["Give the https:// address of your privacy notice."];
        if (errors.Count > 0) return errors;

        var seller = await db.Sellers.SingleAsync(s => s.Id == sellerId, cancellationToken);
        (seller.BrandColor, seller.RefundPolicy, seller.SupportUrl, seller.TermsUrl, seller.PrivacyUrl) = (color, refund, support, terms, privacy);
        await db.SaveChangesAsync(cancellationToken);
        brands.Forget(sellerId);
        return errors;
    }

    /// <summary>Sets (or, with no file and <paramref name="remove"/>, removes) the seller's logo.</summary>
    public Task<string?> SetLogoAsync(Guid sellerId, IFormFile? file, bool remove, CancellationToken cancellationToken) =>
        SetImageAsync(sellerId, file, remove,
            async hash => (await db.Sellers.SingleAsync(s => s.Id == sellerId, cancellationToken)).LogoSha256 = hash, cancellationToken);

    /// <returns>Found: false when the seller has no such product; a refusal when the image is not kept.</returns>
    public async Task<(bool Found, string? Refusal)> SetProductImageAsync(Guid sellerId, Guid productId, IFormFile? file, bool remove, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return (false, null);
        return (true, await SetImageAsync(sellerId, file, remove,
            async hash => (await db.Products.SingleAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)).ImageSha256 = hash, cancellationToken));
    }

    /// <summary>
    /// Reads the upload (unless removing), then in one transaction points the seller's row or product at the image (or at
    /// none), deletes the images nothing uses any more, and forgets the cached brand. Returns the refusal, if any.
    /// </summary>
    private async Task<string?> SetImageAsync(Guid sellerId, IFormFile? file, bool remove, Func<string?, Task> point, CancellationToken cancellationToken)
    {
        BrandImage? image = null;
        if (!remove)
        {
            (image, var refusal) = await BrandImages.ReadAsync(sellerId, file, clock.GetUtcNow(), cancellationToken);
            if (image is null) return refusal;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await point(image is null ? null : await KeepAsync(image, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        await DeleteUnusedAsync(sellerId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        brands.Forget(sellerId);
        return null;
    }

    /// <summary>Adds the image unless the seller already has these bytes; its hash either way.</summary>
    private async Task<string> KeepAsync(BrandImage image, CancellationToken cancellationToken)
    {
        if (!await db.BrandImages.AnyAsync(i => i.SellerId == image.SellerId && i.Sha256 == image.Sha256, cancellationToken))
            db.BrandImages.Add(image);
        return image.Sha256;
    }

    private Task<int> DeleteUnusedAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.BrandImages
            .Where(i => i.SellerId == sellerId
                        && !db.Sellers.Any(s => s.Id == sellerId && s.LogoSha256 == i.Sha256)
                        && !db.Products.Any(p => p.SellerId == sellerId && p.ImageSha256 == i.Sha256))
            .ExecuteDeleteAsync(cancellationToken);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsHttps(string value) =>
        value.Length <= MaxUrl && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);

    private static bool IsEmail(string value) =>
        value.Length <= 254 && System.Net.Mail.MailAddress.TryCreate(value, out var address) && address.Address == value && !value.Contains(':');
}
