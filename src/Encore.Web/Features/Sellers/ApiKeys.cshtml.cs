using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>API keys for the seller API: a new key is shown once, here, and never again.</summary>
public sealed class ApiKeysModel(SellerApiKeys keys) : PageModel
{
    public List<SellerApiKey> Keys { get; private set; } = [];
    public string? NewKey { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Keys = await keys.ListAsync(User.SellerId(), cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken cancellationToken)
    {
        NewKey = await keys.CreateAsync(User.SellerId(), name ?? "", cancellationToken);
        Response.Headers.CacheControl = "no-store";
        Keys = await keys.ListAsync(User.SellerId(), cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(User.SellerId(), id, cancellationToken)) return NotFound();
        return RedirectToPage();
    }
}
