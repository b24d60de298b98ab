using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// "Forgot your password?": the same answer ("check your inbox") for every well-formed address. Only an account with a
/// confirmed address is mailed a reset link, at most <see cref="SellerAccountMail.PerAddress"/> per
/// <see cref="SellerAccountMail.Window"/>; the page's POSTs are limited per client as well.
/// </summary>
public sealed class ForgotModel(UserManager<SellerUser> users, SellerAccountMail mails) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var email = (Email ?? "").Trim();
        if (!Checkout.CheckoutService.IsEmail(email) || email.Length > 256)
        {
            Error = "Enter the e-mail address you sign in with, like name@example.com.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (await users.FindByEmailAsync(email) is { EmailConfirmed: true } user && await mails.MaySendAsync(user, cancellationToken))
            await mails.QueueAsync(user, EmailKind.SellerPasswordReset, cancellationToken);
        return Redirect("/seller/forgot/sent");
    }
}
