using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Encore.Web.Features.Funnels;

/// <summary>
/// Reads published funnel versions for the buyer's path. A version is immutable once published, so it is
/// cached by id for as long as memory allows; which version a slug sells is cached only briefly, so a new
/// publish reaches every instance within seconds. Neither cache is needed for correctness: an order
/// always records the version it was actually priced from.
/// </summary>
public sealed class PublishedFunnels(IDbContextFactory<EncoreDbContext> databases, IMemoryCache cache)
{
    public static readonly TimeSpan SlugTtl = TimeSpan.FromSeconds(5);

    public async Task<PublishedFunnel?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(slug) || slug.Length > 80) return null;
        var versionId = await cache.GetOrCreateAsync(("funnel-slug", slug), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SlugTtl;
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            return await db.Funnels.AsNoTracking()
                .Where(f => f.Slug == slug)
                .Select(f => f.PublishedVersionId)
                .FirstOrDefaultAsync(cancellationToken);
        });
        return versionId is { } id ? await GetVersionAsync(id, cancellationToken) : null;
    }

    public async Task<PublishedFunnel?> GetVersionAsync(Guid versionId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(("funnel-version", versionId), out PublishedFunnel? cached)) return cached;

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await db.FunnelVersions.AsNoTracking().AsSplitQuery()
            .Include(v => v.Bumps)
            .Include(v => v.Steps)
            .FirstOrDefaultAsync(v => v.Id == versionId && v.Status != Data.Entities.FunnelVersionStatus.Draft, cancellationToken);
        if (version is null) return null;
        var funnel = await db.Funnels.AsNoTracking().SingleAsync(f => f.Id == version.FunnelId, cancellationToken);
        var published = new PublishedFunnel(funnel, version);
        cache.Set(("funnel-version", versionId), published);
        return published;
    }

    /// <summary>Forgets which version a slug sells, after a publish on this instance.</summary>
    public void ForgetSlug(string slug) => cache.Remove(("funnel-slug", slug));
}
