using Encore.Web.Data;
using Encore.Web.Features.Branding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// <c>/seller/branding</c>: the logo, brand colour, refund policy and links every buyer page and buyer e-mail shows. Bad input
/// is refused with the reasons and changes nothing. The form's body is capped a little above the image limit, so an image
/// that is too large gets its reason rather than a bare error.
/// </summary>
[RequestSizeLimit(2 * 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = 2 * 1024 * 1024)]
public sealed class BrandingModel(EncoreDbContext db, SellerBranding branding, SellerBrands brands) : PageModel
{
    public SellerBrand? Brand { get; private set; }
    public BrandRequest Form { get; private set; } = new(null, null, null, null, null);
    public Dictionary<string, string[]> Errors { get; private set; } = [];
    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? saved, CancellationToken cancellationToken)
    {
        Saved = saved switch { "details" => "Your branding was saved.", "logo" => "Your logo was saved.", "removed" => "Your logo was removed.", _ => null };
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDetailsAsync(
        string? color, string? refundPolicy, string? support, string? termsUrl, string? privacyUrl, CancellationToken cancellationToken)
    {
        var request = new BrandRequest(color, refundPolicy, support, termsUrl, privacyUrl);
        Errors = await branding.SaveAsync(User.SellerId(), request, cancellationToken);
        if (Errors.Count == 0) return Redirect("/seller/branding?saved=details");
        await LoadAsync(cancellationToken);
        Form = request; // what was typed, to correct
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostLogoAsync(IFormFile? logo, CancellationToken cancellationToken)
    {
        if (await branding.SetLogoAsync(User.SellerId(), logo, remove: false, cancellationToken) is { } refusal)
        {
            Errors = new() { ["logo"] = [refusal] };
            await LoadAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return Redirect("/seller/branding?saved=logo");
    }

    public async Task<IActionResult> OnPostRemoveLogoAsync(CancellationToken cancellationToken)
    {
        await branding.SetLogoAsync(User.SellerId(), null, remove: true, cancellationToken);
        return Redirect("/seller/branding?saved=removed");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        brands.Forget(sellerId); // the seller sees what is stored, not this instance's few seconds of cache
        Brand = await brands.GetAsync(sellerId, cancellationToken);
        var row = await db.Sellers.AsNoTracking().Where(s => s.Id == sellerId)
            .Select(s => new BrandRequest(s.BrandColor, s.RefundPolicy, s.SupportUrl, s.TermsUrl, s.PrivacyUrl)).SingleAsync(cancellationToken);
        Form = row;
    }
}
