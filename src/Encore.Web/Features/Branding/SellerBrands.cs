using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Encore.Web.Features.Branding;

/// <summary>
/// Reads a seller's branding for the buyer's pages. The buyer's path (checkout, offer, thank-you) is the benchmarked one,
/// so a seller's branding is read once per <see cref="Ttl"/> per instance, not per request, the way
/// <see cref="Funnels.PublishedFunnels"/> caches which version a slug sells: a change is seen at once on the instance that
/// made it (<see cref="Forget"/>) and within seconds on every other.
/// </summary>
public sealed class SellerBrands(IDbContextFactory<EncoreDbContext> databases, IMemoryCache cache)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <returns>Null when there is no such seller.</returns>
    public async Task<SellerBrand?> GetAsync(Guid sellerId, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(("seller-brand", sellerId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Ttl;
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var row = await db.Sellers.AsNoTracking()
                .Where(s => s.Id == sellerId)
                .Select(s => new
                {
                    s.Name, s.SupportEmail, s.LogoSha256, s.BrandColor, s.RefundPolicy, s.SupportUrl, s.TermsUrl, s.PrivacyUrl,
                    Images = db.Products.Where(p => p.SellerId == s.Id && p.ImageSha256 != null).Select(p => new { p.Id, p.ImageSha256 }).ToList(),
                })
                .SingleOrDefaultAsync(cancellationToken);
            if (row is null) return null;
            var (href, label) = SellerBrand.Support(row.SupportUrl, row.SupportEmail);
            return new SellerBrand(sellerId, row.Name, row.LogoSha256, row.BrandColor, row.RefundPolicy, href, label, row.TermsUrl, row.PrivacyUrl,
                row.Images.ToDictionary(i => i.Id, i => i.ImageSha256!));
        });

    /// <summary>After a change on this instance: the next page reads it.</summary>
    public void Forget(Guid sellerId) => cache.Remove(("seller-brand", sellerId));
}
