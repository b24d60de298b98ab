using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// The link a new account's mail carries. Opening it (mail scanners open links first) only shows a form; confirming takes
/// the password chosen at sign-up as well, so the link alone confirms nothing: whoever holds the inbox and the password
/// finishes the account, and is signed in. Password attempts here are throttled like sign-in. Once the account is
/// confirmed the link opens nothing: signing in is the sign-in page's, with its second step when two-factor is on.
/// </summary>
public sealed class ConfirmModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SellerSignIns signIns) : PageModel
{
    [BindProperty] public string? Password { get; set; }
    public string? Email { get; private set; }
    public string? Error { get; private set; }
    public bool Invalid { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid userId, string? code)
    {
        if (await FindAsync(userId, code) is not { } found) return Gone();
        Email = found.User.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        if (await FindAsync(userId, code) is not { } found) return Gone();
        Email = found.User.Email;
        var result = await signIns.CheckAsync(found.User.Email!, Password ?? "", HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        Password = null;
        switch (result.Outcome)
        {
            case SellerSignIns.Outcome.Throttled:
                Error = SellerSignIns.ThrottledMessage(result);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            case SellerSignIns.Outcome.Wrong:
                Error = "That is not the password this account was created with. Nothing was confirmed.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case SellerSignIns.Outcome.Unconfirmed:
                if (!(await users.ConfirmEmailAsync(result.User!, found.Token)).Succeeded)
                {
                    Error = "This link has expired or was replaced by a newer one (a later sign-up with this address). " +
                            "Use the newest mail, or sign up again with the same address for a new link.";
                    Response.StatusCode = StatusCodes.Status400BadRequest;
                    return Page();
                }
                await signIn.SignInAsync(result.User!, isPersistent: false);
                return Redirect("/seller");
            default:
                // Confirmed meanwhile: the link's work is done, and an account's sessions begin only on the sign-in page
                // (which asks for the second factor when it is on), never here.
                return Gone();
        }
    }

    private async Task<(SellerUser User, string Token)?> FindAsync(Guid userId, string? code)
    {
        if (SellerAccountMail.DecodeToken(code) is not { } token) return null;
        // Only an account waiting for its confirmation: for a confirmed one the link is spent.
        if (await users.FindByIdAsync(userId.ToString()) is not { Email: not null, EmailConfirmed: false } user) return null;
        return (user, token);
    }

    private IActionResult Gone()
    {
        Invalid = true;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
