using Encore.Web.Features.Orders;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Offers;

/// <summary>
/// The one-time offer page. It answers only the browser that bought (the binding cookie), shows the exact
/// terms above one button that states the charge, and after any POST redirects to itself, so a refresh,
/// a back button or a double click lands on the current state and never charges twice.
/// </summary>
public sealed class OfferModel(OfferService offers, ReceiptQuery receipts, Delivery.Deliveries deliveries, Funnels.ThankYouPages thankYou) : PageModel
{
    public OfferView? View { get; private set; }

    public Receipt? Receipt { get; private set; }

    /// <summary>On the thank-you page: what each bought product delivers.</summary>
    public IReadOnlyList<Delivery.ProductDelivery> Deliveries { get; private set; } = [];

    /// <summary>Why the page cannot show the session: "unknown" or "other-browser".</summary>
    public string? Refusal { get; private set; }

    /// <summary>A plain notice after a redirect: "declined" (the card was declined), "bank-declined" (the bank did not confirm it) or "changed" (the terms changed).</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, string? notice, CancellationToken cancellationToken)
    {
        NoStore();
        if (await RefuseAsync(token, cancellationToken) is { } refused) return refused;
        View = await offers.ShowAsync(token, cancellationToken);
        // The buyer answered every offer and the order is paid: the seller's own thank-you page, when the funnel names one.
        if (View!.State == OfferSessionState.Completed && await thankYou.RedirectForAsync(View.Funnel, View.Row.OrderId, cancellationToken) is { } sellersPage)
            return Redirect(sellersPage);
        Receipt = await receipts.ForOrderAsync(View!.Row.OrderId, cancellationToken);
        if (View.State is OfferSessionState.Completed or OfferSessionState.Expired)
            Deliveries = await deliveries.ForOrderAsync(View.Row.OrderId, cancellationToken);
        Notice = notice switch
        {
            "declined" or "changed" => notice,
            // Back from the bank: the one-click charge the bank was asked about, now settled above.
            "bank" => Receipt?.Charges.Where(c => c.Kind == Data.Entities.ChargeKind.Offer).MaxBy(c => c.CreatedAt)?.Status switch
            {
                Data.Entities.ChargeStatus.Failed => "bank-declined",
                _ => null,
            },
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAcceptAsync(string token, Guid stepId, string? disclosureSha256, CancellationToken cancellationToken)
    {
        NoStore();
        if (await RefuseAsync(token, cancellationToken) is { } refused) return refused;
        var consent = new ConsentContext("page", HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString());
        var result = await offers.AcceptAsync(token, stepId, disclosureSha256, consent, cancellationToken);
        if (result.Outcome == AcceptOutcome.RequiresAction) BankReturn.Remember(HttpContext, $"/o/{token}");
        return result.Outcome switch
        {
            AcceptOutcome.RequiresAction when result.ActionUrl is { } action => Redirect(action),
            AcceptOutcome.PaymentFailed => Redirect($"/o/{token}?notice=declined"),
            AcceptOutcome.Rejected when result.Rejection == OfferRejection.DisclosureMismatch => Redirect($"/o/{token}?notice=changed"),
            _ => Redirect($"/o/{token}"),
        };
    }

    public async Task<IActionResult> OnPostDeclineAsync(string token, Guid stepId, CancellationToken cancellationToken)
    {
        NoStore();
        if (await RefuseAsync(token, cancellationToken) is { } refused) return refused;
        await offers.DeclineAsync(token, stepId, cancellationToken);
        return Redirect($"/o/{token}");
    }

    private async Task<IActionResult?> RefuseAsync(string token, CancellationToken cancellationToken)
    {
        var row = await offers.FindAsync(token, cancellationToken);
        if (row is null)
        {
            Refusal = "unknown";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (!BrowserBinding.Matches(HttpContext, row.BrowserBindingHash))
        {
            Refusal = "other-browser";
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        return null;
    }

    private void NoStore() => Response.Headers.CacheControl = "no-cache, no-store";
}
