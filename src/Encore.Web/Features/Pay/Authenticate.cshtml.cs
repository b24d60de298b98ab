using Encore.Web.Infrastructure;
using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Pay;

/// <summary>
/// When Stripe is the gateway: the page a buyer is sent to when their bank asks for authentication (3-D Secure).
/// Stripe.js runs <c>handleNextAction</c> with the payment's client secret, then the buyer goes back to the shop,
/// whose own page asks Stripe how the payment ended.
/// </summary>
public sealed class AuthenticateModel(IPaymentGateway gateway) : PageModel
{
    public string? ClientSecret { get; private set; }
    public string PublishableKey { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(string paymentIntentId, [FromQuery(Name = "return")] string? returnUrl, CancellationToken cancellationToken)
    {
        if (gateway is not StripeGateway stripe || stripe.PublishableKey is not { } publishable) return NotFound();
        Response.Headers.CacheControl = "no-store";
        ReturnUrl = StripeGateway.SafeReturnPath(returnUrl) ?? "/";
        ClientSecret = await stripe.ClientSecretForActionAsync(paymentIntentId, cancellationToken);
        if (ClientSecret is null) return LocalRedirect(ReturnUrl); // nothing left to authenticate: the shop's page shows the outcome
        PublishableKey = publishable;
        HttpContext.Items[SecurityHeaders.StripeJsItem] = true;
        return Page();
    }
}
