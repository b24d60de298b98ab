using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>One version as it was frozen: its map and every price and word buyers were shown.</summary>
public sealed class VersionModel(FunnelDrafts drafts, Data.EncoreDbContext db) : PageModel
{
    [FromRoute] public Guid FunnelId { get; set; }
    [FromRoute] public Guid VersionId { get; set; }

    public Funnel Funnel { get; private set; } = null!;
    public FunnelVersion Version { get; private set; } = null!;
    public FunnelMap Map { get; private set; } = null!;
    public int Orders { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        if (await drafts.VersionAsync(sellerId, FunnelId, VersionId, cancellationToken) is not { } version) return NotFound();
        Version = version;
        Funnel = (await drafts.FunnelAsync(sellerId, FunnelId, cancellationToken))!;
        Map = EditorModel.MapOf(version, []);
        Orders = await db.Orders.CountAsync(o => o.FunnelVersionId == VersionId && o.SellerId == sellerId, cancellationToken);
        return Page();
    }
}
