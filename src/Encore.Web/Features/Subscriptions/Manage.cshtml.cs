using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// "Manage your subscription", opened by the signed link in every subscription mail (no password: the link is the
/// key). Cancelling takes two clicks: the first shows what happens, the second confirms. The card renewals are charged
/// to can be replaced here; during dunning, what is due is charged on the new card at once.
/// </summary>
public sealed class ManageModel(
    ManageLinks links, SubscriptionManagement management, EncoreDbContext db, IPaymentGateway gateway) : PageModel
{
    public LinkCheck Check { get; private set; }
    public Subscription? Subscription { get; private set; }
    public string SellerName { get; private set; } = "";
    public string SupportEmail { get; private set; } = "";

    /// <summary>True after the first click on "Cancel": the page shows what happens and asks to confirm.</summary>
    public bool ConfirmingCancel { get; private set; }

    public string? Message { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The bank page of a renewal waiting for the buyer's authentication.</summary>
    public string? ActionUrl { get; private set; }

    public string? StripePublishableKey => gateway is StripeGateway stripe ? stripe.PublishableKey : null;
    public bool ShowsTestCards => StripePublishableKey is null && gateway is not StripeGateway { IsLiveMode: true };

    [BindProperty] public string? CardNumber { get; set; }
    [BindProperty] public string? Expiry { get; set; }
    [BindProperty] public string? Cvc { get; set; }
    /// <summary>With Stripe: the ConfirmationToken Stripe.js made from the Payment Element.</summary>
    [BindProperty(Name = "Input.ConfirmationToken")] public string? ConfirmationToken { get; set; }
    [BindProperty] public Guid CardKey { get; set; }

    public async Task<IActionResult> OnGetAsync(string token, string? step, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(token, cancellationToken)) return Page();
        ConfirmingCancel = step == "cancel" && Cancellable;
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(string token, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(token, cancellationToken)) return Page();
        var result = await management.CancelAsync(Subscription!.Id, null, ManageActor.Buyer, atPeriodEnd: true, refundLastPayment: false, cancellationToken);
        if (result.Succeeded) Message = result.Message;
        else Error = result.Message;
        await LoadAsync(token, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCardAsync(string token, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(token, cancellationToken)) return Page();
        string? method;
        if (StripePublishableKey is not null && ConfirmationToken is { Length: > 7 } confirmation && StripeGateway.IsConfirmationToken(confirmation))
            method = confirmation;
        else
        {
            var card = SandboxTestCards.ByNumber(CardNumber);
            method = card?.PaymentMethod;
            if (card is null || !Checkout.CheckoutFields.ValidExpiry(Expiry) || Cvc is null || Cvc.Length is < 3 or > 4 || !Cvc.All(char.IsAsciiDigit))
            {
                Error = ShowsTestCards
                    ? "Enter one of the Sandbox test cards listed below, an expiry date as MM/YY and a 3 or 4 digit security code. Nothing changed."
                    : "Enter your card in the card form. Nothing changed.";
                ClearCardFields();
                return Page();
            }
        }
        ClearCardFields();
        var key = CardKey == Guid.Empty ? Guid.NewGuid() : CardKey;
        var result = await management.UpdateCardAsync(Subscription!.Id, method, key.ToString("N"), cancellationToken);
        if (result.Succeeded) Message = result.Message;
        else Error = result.Message;
        await LoadAsync(token, cancellationToken);
        return Page();
    }

    public bool Cancellable => Subscription is { CancelAtPeriodEnd: false, Status: SubscriptionStatus.Trialing or SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Paused };

    public bool CardUpdatable => Subscription is { Status: not (SubscriptionStatus.Canceled or SubscriptionStatus.Ended) };

    private void ClearCardFields()
    {
        CardNumber = Expiry = Cvc = ConfirmationToken = null;
        CardKey = Guid.NewGuid();
        ModelState.Clear();
    }

    private async Task<bool> LoadAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        if (StripePublishableKey is not null) HttpContext.Items[SecurityHeaders.StripeJsItem] = true;
        if (CardKey == Guid.Empty) CardKey = Guid.NewGuid();
        var (check, id) = links.Read(token);
        Check = check;
        if (check != LinkCheck.Valid)
        {
            Response.StatusCode = check == LinkCheck.Expired ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound;
            return false;
        }
        Subscription = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (Subscription is null)
        {
            Check = LinkCheck.Invalid;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        var sellerId = Subscription.SellerId;
        var seller = await db.Sellers.AsNoTracking().Where(s => s.Id == sellerId).Select(s => new { s.Name, s.SupportEmail }).SingleAsync(cancellationToken);
        (SellerName, SupportEmail) = (seller.Name, seller.SupportEmail);
        ActionUrl = await db.Charges.AsNoTracking()
            .Where(c => c.SubscriptionId == id && c.Status == ChargeStatus.RequiresAction)
            .OrderByDescending(c => c.CreatedAt).Select(c => c.ActionUrl).FirstOrDefaultAsync(cancellationToken);
        ViewData["Seller"] = SellerName;
        return true;
    }
}
