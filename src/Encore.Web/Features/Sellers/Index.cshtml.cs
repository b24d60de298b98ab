using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>The seller's home: their funnels, what is live and what is drafted. Scoped to the signed-in seller.</summary>
public sealed class IndexModel(EncoreDbContext db) : PageModel
{
    public sealed record FunnelRow(Guid Id, string Name, string Slug, int? Published, int? Draft, int PaidOrders);

    public string SellerName { get; private set; } = "";
    public List<FunnelRow> Funnels { get; private set; } = [];
    public int Products { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        SellerName = await db.Sellers.Where(s => s.Id == sellerId).Select(s => s.Name).SingleAsync(cancellationToken);
        Funnels = await db.Funnels.AsNoTracking().Where(f => f.SellerId == sellerId).OrderBy(f => f.Name)
            .Select(f => new FunnelRow(
                f.Id, f.Name, f.Slug,
                db.FunnelVersions.Where(v => v.Id == f.PublishedVersionId).Select(v => (int?)v.Number).FirstOrDefault(),
                db.FunnelVersions.Where(v => v.FunnelId == f.Id && v.Status == FunnelVersionStatus.Draft).Select(v => (int?)v.Number).FirstOrDefault(),
                db.Orders.Count(o => o.FunnelId == f.Id && o.Status == OrderStatus.Paid)))
            .ToListAsync(cancellationToken);
        Products = await db.Products.CountAsync(p => p.SellerId == sellerId, cancellationToken);
    }
}
