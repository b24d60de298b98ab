using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// Sign-out ends the session on the server: the account's security stamp changes, so this cookie, and any other of the
/// account's, is refused on its next request even if someone kept a copy. One stamp per account: signing out signs the
/// account out on every device (docs/decisions/0013-…).
/// </summary>
public sealed class SignOutModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/seller");

    public async Task<IActionResult> OnPostAsync(string? everywhere)
    {
        if (await users.GetUserAsync(User) is { } user) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return Redirect(everywhere is null ? "/seller/sign-in?signedOut=here" : "/seller/sign-in?signedOut=everywhere");
    }
}
