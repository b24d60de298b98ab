using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// The second step of a two-factor sign-in, for the browser that gave the right password in the last 5 minutes: a code
/// from the authenticator app or a recovery code, throttled per account and per client (never a lock-out of the seller's
/// password step). Without a pending first step it sends the browser back to the password.
/// </summary>
public sealed class SignInCodeModel(SellerTwoFactor twoFactor) : PageModel
{
    [BindProperty] public string? Code { get; set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await twoFactor.PendingAsync() is null ? Redirect("/seller/sign-in?code=expired") : Page();

    public async Task<IActionResult> OnPostAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        if (await twoFactor.PendingAsync() is not { } user) return Redirect("/seller/sign-in?code=expired");
        var check = await twoFactor.CompleteSignInAsync(user, Code, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        Code = null;
        switch (check.Outcome)
        {
            case SellerTwoFactor.Outcome.Right:
                if (check.RecoveryCodeUsed) return Redirect("/seller/account/two-factor?recovery=used");
                return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/seller");
            case SellerTwoFactor.Outcome.Throttled:
                Error = SellerTwoFactor.ThrottledMessage(check);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(check.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Page();
            default:
                Error = "That code is not right. Codes change every 30 seconds: enter the one your app shows now, or a recovery code you have not used.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }
    }
}
