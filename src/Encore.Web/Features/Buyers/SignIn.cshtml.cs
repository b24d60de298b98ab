using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// <c>/account/signin/{token}</c>, the link in the sign-in mail. Opening it changes nothing (mail scanners open links
/// before people do): it shows a "Sign in" button, and posting that uses the link, once, and sets the buyer's cookie.
/// A link used, expired or altered says so, asks for a new one, and changes nothing.
/// </summary>
public sealed class SignInModel(BuyerSignIns signIns) : PageModel
{
    public SignInCheck Check { get; private set; }

    public async Task OnGetAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Check = await signIns.CheckAsync(token, cancellationToken);
        Answer();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var (check, email, linkId) = await signIns.UseAsync(token, cancellationToken);
        if (email is null)
        {
            Check = check;
            Answer();
            return Page();
        }
        await HttpContext.SignInAsync(BuyerAuth.Scheme, BuyerAuth.Principal(email, linkId),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false });
        return Redirect("/account/purchases");
    }

    private void Answer() => Response.StatusCode = Check switch
    {
        SignInCheck.Valid => StatusCodes.Status200OK,
        SignInCheck.Invalid => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status410Gone,
    };
}
