using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Buyers;

/// <summary><c>/account/sign-out</c>: forgets the buyer's cookie on this browser.</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/account/purchases");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(BuyerAuth.Scheme);
        return Redirect("/account");
    }
}
