using Encore.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>The seller's home: their funnels and products. Everything here is scoped to the signed-in seller.</summary>
public sealed class IndexModel(EncoreDbContext db) : PageModel
{
    public string SellerName { get; private set; } = "";
    public List<(Guid Id, string Name, string Slug, bool Published)> Funnels { get; private set; } = [];
    public List<(string Name, List<string> Topics)> Products { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        SellerName = await db.Sellers.Where(s => s.Id == sellerId).Select(s => s.Name).SingleAsync(cancellationToken);
        Funnels = (await db.Funnels.AsNoTracking().Where(f => f.SellerId == sellerId).OrderBy(f => f.Name)
            .Select(f => new { f.Id, f.Name, f.Slug, Published = f.PublishedVersionId != null }).ToListAsync(cancellationToken))
            .Select(f => (f.Id, f.Name, f.Slug, f.Published)).ToList();
        Products = (await db.Products.AsNoTracking().Where(p => p.SellerId == sellerId).OrderBy(p => p.Name)
            .Select(p => new { p.Name, p.Topics }).ToListAsync(cancellationToken))
            .Select(p => (p.Name, p.Topics)).ToList();
    }
}
