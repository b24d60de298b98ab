using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>Password sign-in, throttled per account and client (never a lock-out), the same answer for every wrong pair.</summary>
public sealed class SignInModel(SellerSignIns signIns) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    public string? Error { get; private set; }

    /// <summary>After "sign out everywhere" or a sign-out: said so on the form.</summary>
    public string? Notice { get; private set; }

    public void OnGet(string? signedOut, string? reset, string? emailChanged, string? code)
    {
        if (signedOut == "everywhere") Notice = "You are signed out on every device.";
        else if (signedOut is not null) Notice = "You are signed out.";
        else if (reset is not null) Notice = "Your password was changed and every device was signed out. Sign in with the new password.";
        else if (emailChanged is not null) Notice = "Your sign-in address was changed and every device was signed out. Sign in with the new address.";
        else if (code is not null) Notice = "The time for the code ran out (5 minutes). Enter your password again.";
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        var result = await signIns.PasswordSignInAsync(Email ?? "", Password ?? "", HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        Password = null;
        switch (result.Outcome)
        {
            case SellerSignIns.Outcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/seller");
            case SellerSignIns.Outcome.NeedsCode:
                return LocalRedirect(Url.IsLocalUrl(returnUrl) ? $"/seller/sign-in/code?returnUrl={Uri.EscapeDataString(returnUrl!)}" : "/seller/sign-in/code");
            case SellerSignIns.Outcome.Throttled:
                Error = SellerSignIns.ThrottledMessage(result);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Page();
            case SellerSignIns.Outcome.Unconfirmed:
                Error = "Confirm your e-mail address first: follow the link in the mail we sent when you signed up. " +
                        "No mail, or the link expired? Sign up again with the same address and password for a new one.";
                return Page();
            default:
                Error = "That e-mail and password do not match an account.";
                return Page();
        }
    }
}
