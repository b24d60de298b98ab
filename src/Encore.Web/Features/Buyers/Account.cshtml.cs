using Encore.Web.Features.Checkout;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// <c>/account</c>: the buyer enters the address they bought with and gets a one-time sign-in link by mail. The answer
/// is the same page whether the address has bought, has not, or has asked too often (then no mail goes out).
/// </summary>
public sealed class AccountModel(BuyerSignIns signIns) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    public bool Sent { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The address this browser is already signed in with (shown on the form only, never after a request).</summary>
    public string? SignedInAs { get; private set; }

    public async Task OnGetAsync()
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        SignedInAs = await BuyerAuth.SignedInBuyerAsync(HttpContext);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var email = (Email ?? "").Trim();
        if (email.Length > 320 || !CheckoutService.IsEmail(email))
        {
            Error = "Enter the e-mail address you bought with, like name@example.com.";
            return Page();
        }
        await signIns.RequestAsync(BuyerAuth.Normalize(email), HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        Sent = true;
        return Page();
    }
}
