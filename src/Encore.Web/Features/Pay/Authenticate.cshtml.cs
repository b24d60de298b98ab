using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Pay;

/// <summary>
/// When Stripe is the gateway: the page a buyer is sent to when their bank asks for authentication (3-D Secure).
/// Stripe.js runs <c>handleNextAction</c> with the client secret of the PaymentIntent (<c>pi_…</c>) or, for a card
/// saved without a charge, the SetupIntent (<c>seti_…</c>), then the buyer goes back to the shop, whose own page asks
/// Stripe how the payment or setup ended. The page runs only while both sides wait for the bank: Stripe's intent requires
/// action, and Encore's charge for it does too. A charge Encore has settled (or never made) is not authenticated here,
/// or Stripe would take money for a step, a renewal or an order Encore has already closed.
/// </summary>
public sealed class AuthenticateModel(IPaymentGateway gateway, EncoreDbContext db) : PageModel
{
    public string? ClientSecret { get; private set; }
    public string PublishableKey { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "/";

    /// <summary>A card saved for later without a charge (a free trial, a new card): nothing is paid on this page.</summary>
    public bool IsCardSetup { get; private set; }

    public async Task<IActionResult> OnGetAsync(string paymentId, [FromQuery(Name = "return")] string? returnUrl, CancellationToken cancellationToken)
    {
        if (gateway is not StripeGateway stripe || stripe.PublishableKey is not { } publishable) return NotFound();
        Response.Headers.CacheControl = "no-cache, no-store";
        ReturnUrl = StripeGateway.SafeReturnPath(returnUrl) ?? "/";
        // Nothing to authenticate for Encore (settled, or not its charge): the shop's page shows the outcome.
        if (!await db.Charges.AnyAsync(c => c.GatewayPaymentId == paymentId && c.Status == ChargeStatus.RequiresAction, cancellationToken))
            return LocalRedirect(ReturnUrl);
        ClientSecret = await stripe.ClientSecretForActionAsync(paymentId, cancellationToken);
        if (ClientSecret is null) return LocalRedirect(ReturnUrl); // nothing left to authenticate: the shop's page shows the outcome
        PublishableKey = publishable;
        IsCardSetup = paymentId.StartsWith("seti_", StringComparison.Ordinal);
        HttpContext.Items[SecurityHeaders.StripeJsItem] = true;
        return Page();
    }
}
