using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// <c>/account/purchases</c>, for the signed-in buyer: per seller, the orders (newest first, a page each; older pages
/// per seller), each with its receipt and fresh download links, the subscriptions with fresh manage links, and the
/// buyer's data: the JSON download and an erase request per seller.
/// </summary>
public sealed class PurchasesModel(BuyerPurchases purchases, Branding.SellerBrands brands) : PageModel
{
    [FromQuery(Name = "seller")] public Guid? Seller { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public string Email { get; private set; } = "";
    public IReadOnlyList<SellerPurchases> Sections { get; private set; } = [];

    /// <summary>Each seller's logo, by seller id, for the heading of their section.</summary>
    public Dictionary<Guid, string> Logos { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Email = User.BuyerEmail();
        Sections = await purchases.ForBuyerAsync(Email, Seller, PageNumber, cancellationToken);
        if (Seller is not null && Sections.Count == 0) return NotFound(); // a seller this address never bought from
        foreach (var section in Sections)
            if ((await brands.GetAsync(section.SellerId, cancellationToken))?.LogoPath is { } logo) Logos[section.SellerId] = logo;
        return Page();
    }

    public static string PageLink(Guid sellerId, int page) => $"/account/purchases?seller={sellerId}&page={page}";

    public static string Day(DateTimeOffset moment) => Encore.Domain.Subscriptions.RecurringSchedule.Long(moment);
}
