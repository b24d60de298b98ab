using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

public sealed class SignOutModel(SignInManager<SellerUser> signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/seller");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return Redirect("/seller/sign-in");
    }
}
