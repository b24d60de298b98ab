using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// API keys for the seller API (a new key is shown once, here, and never again), and the signing secret the seller's
/// own site checks Encore's signed links and thank-you redirects with.
/// </summary>
public sealed class ApiKeysModel(SellerApiKeys keys, SigningSecrets secrets) : PageModel
{
    public List<SellerApiKey> Keys { get; private set; } = [];
    public string? NewKey { get; private set; }
    public string SigningSecret { get; private set; } = "";

    [TempData] public string? Flash { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Keys = await keys.ListAsync(User.SellerId(), cancellationToken);
        SigningSecret = await secrets.OfAsync(User.SellerId(), cancellationToken);
    }

    public async Task<IActionResult> OnPostRotateSecretAsync(CancellationToken cancellationToken)
    {
        await secrets.RotateAsync(Audit.AuditActor.Of(HttpContext), CancellationToken.None);
        Flash = "New signing secret made. Put it in your site's settings: links and thank-you redirects signed with the old one no longer check out.";
        return RedirectToPage(null, null, "signing");
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken cancellationToken)
    {
        NewKey = await keys.CreateAsync(Audit.AuditActor.Of(HttpContext), name ?? "", CancellationToken.None);
        Response.Headers.CacheControl = "no-cache, no-store";
        Keys = await keys.ListAsync(User.SellerId(), cancellationToken);
        SigningSecret = await secrets.OfAsync(User.SellerId(), cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(Audit.AuditActor.Of(HttpContext), id, CancellationToken.None)) return NotFound();
        return RedirectToPage();
    }
}
