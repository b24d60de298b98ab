using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Encore.Web.Features.Funnels;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Idempotency;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Checkout;

/// <summary>
/// The checkout page: the seller's brand, main product, order bumps, order summary, card, and by the Pay button one sentence
/// saying the card is kept for this order's one-time offers (when the funnel has any): never charged without a click on a
/// "Yes" button, forgotten when the offer window closes. There is no opt-in box: every buyer meets the offers, and each
/// offer's own "Yes" button is the consent to its charge (decision 0018). Card details are mapped to a Sandbox test payment
/// method and dropped: never stored, logged or shown again.
/// </summary>
public sealed class CheckoutModel(
    PublishedFunnels funnels, Branding.SellerBrands brands, CheckoutService checkout, IdempotencyStore idempotency, IPaymentGateway gateway, ThankYouPages thankYou) : PageModel
{
    /// <summary>Set when Stripe is the gateway: the page collects the card with Stripe's Payment Element and posts only the ConfirmationToken Stripe.js made.</summary>
    public string? StripePublishableKey => gateway is StripeGateway stripe ? stripe.PublishableKey : null;

    /// <summary>
    /// The Sandbox test card numbers are listed only where the buyer types a card into Encore's own fields and it can
    /// take them: not under Stripe's Payment Element (nowhere to type them), nor with a live Stripe key.
    /// </summary>
    public bool ShowsTestCards => StripePublishableKey is null && gateway is not StripeGateway { IsLiveMode: true };

    public PublishedFunnel? Funnel { get; private set; }

    /// <summary>The seller's logo, colour, refund policy and links (cached: no query per page).</summary>
    public Branding.SellerBrand? Brand { get; private set; }

    /// <summary>"30 minutes": how long after paying the offers stay open and the card is kept for them.</summary>
    public string WindowWords => Funnel is null ? "" : Funnel.Window.TotalMinutes switch
    {
        var m when m % 60 == 0 => m == 60 ? "1 hour" : $"{m / 60:0} hours",
        var m => $"{m:0} minutes",
    };

    /// <summary>
    /// An offer on the path is a subscription or payment plan: taken, it keeps the card for its payments (CardRelease
    /// forgets it only once that subscription ends), so the sentence by the Pay button says so.
    /// </summary>
    private bool OffersKeepCard => Funnel?.Steps.Values.Any(s => s.Price.IsRecurring) == true;

    /// <summary>
    /// The end of the sentence by the Pay button: when the card is kept past the offer window. A subscription bought here
    /// keeps it for its renewals; an offer paid over time, once taken, for its payments.
    /// </summary>
    public string KeepCardUnless(bool subscriptionAbove) => (subscriptionAbove, OffersKeepCard) switch
    {
        (true, true) => ", unless a subscription above keeps it for its renewals, or unless you take an offer paid over time, which keeps it for its payments until they end",
        (true, false) => ", unless a subscription above keeps it for its renewals",
        (false, true) => ", unless you take an offer paid over time, which keeps it for its payments until they end",
        _ => "",
    };

    /// <summary>
    /// The card brands the buyer may type here: the Sandbox's test cards'. Under Stripe's Payment Element none are listed:
    /// the element shows the brands the seller's Stripe account takes.
    /// </summary>
    public IReadOnlyList<string> CardBrands => StripePublishableKey is not null ? [] : SandboxBrands;

    private static readonly IReadOnlyList<string> SandboxBrands =
        [.. Encore.Web.Payments.Sandbox.SandboxTestCards.All.Select(c => System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(c.Brand)).Distinct()];

    /// <summary>The card is kept for offers exactly when there are offers to show: the page says so by the Pay button.</summary>
    private bool KeepsCardForOffers => Funnel?.EntryStepId is not null;

    [BindProperty]
    public CheckoutInput Input { get; set; } = new();

    public string? Declined { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        Funnel = await funnels.FindBySlugAsync(slug, cancellationToken);
        if (Funnel is null) return NotFoundPage();
        Brand = await brands.GetAsync(Funnel.SellerId, cancellationToken);
        BrowserBinding.Ensure(HttpContext);
        Input = new CheckoutInput { CheckoutKey = Guid.NewGuid() };
        AllowStripeJs();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        Funnel = await funnels.FindBySlugAsync(slug, cancellationToken);
        if (Funnel is null) return NotFoundPage();
        Brand = await brands.GetAsync(Funnel.SellerId, cancellationToken);
        var binding = SecretTokens.Hash(BrowserBinding.Ensure(HttpContext));

        AllowStripeJs();
        string paymentMethod;
        if (StripePublishableKey is not null && Input.ConfirmationToken is { Length: > 7 } token && StripeGateway.IsConfirmationToken(token))
        {
            // Stripe.js made a ConfirmationToken from the Payment Element: no card number reached this server. The gateway
            // confirms the payment with it on the server (decision 0007).
            paymentMethod = token;
            ClearCardFields();
        }
        else if (gateway is StripeGateway { IsLiveMode: true } || (StripePublishableKey is not null && string.IsNullOrWhiteSpace(Input.CardNumber)))
        {
            // Live mode takes cards only through Stripe.js; in test mode a posted test card number still works (scripts, tests),
            // but a page without one (JavaScript off, Stripe.js blocked) gets one error about the card form, not three about fields it lacks.
            ClearCardFields();
            Errors["CardNumber"] = "Enter your card in the card form (it needs JavaScript).";
            return Page();
        }
        else
        {
            var card = SandboxTestCards.ByNumber(Input.CardNumber);
            if (card is null)
                Errors["CardNumber"] = ShowsTestCards ? "Use one of the Sandbox test cards listed below." : "Enter your card in the card form (it needs JavaScript).";
            if (!CheckoutFields.ValidExpiry(Input.Expiry)) Errors["Expiry"] = "Enter the expiry date as MM/YY, not in the past.";
            if (Input.Cvc is null || Input.Cvc.Length is < 3 or > 4 || !Input.Cvc.All(char.IsAsciiDigit)) Errors["Cvc"] = "Enter the 3 or 4 digit security code.";
            ClearCardFields();
            if (Errors.Count > 0) return Page();
            paymentMethod = card!.PaymentMethod;
        }

        var bumps = (Input.Bumps ?? []).Distinct().Order().ToList();
        var command = new CheckoutCommand(slug, Input.Email, Input.Name, paymentMethod, bumps, KeepsCardForOffers, binding, Input.Version,
            new Features.Offers.ConsentContext("page", HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString()),
            Input.Terms ?? []);
        var canonical = $"{slug}|{Input.Email}|{Input.Name}|{paymentMethod}|{string.Join(',', bumps)}|{KeepsCardForOffers}|{Input.Version}|{string.Join(',', Input.Terms ?? [])}";
        var begin = await idempotency.BeginAsync("checkout-page", Input.CheckoutKey.ToString("N"), IdempotencyStore.HashRequest(canonical), cancellationToken);
        if (begin.Outcome == IdempotencyOutcome.InProgress)
            begin = await idempotency.WaitForCompletionAsync(begin.RecordId, TimeSpan.FromSeconds(10), cancellationToken) ?? begin;

        PageOutcome outcome;
        switch (begin.Outcome)
        {
            case IdempotencyOutcome.Replay:
                outcome = JsonSerializer.Deserialize<PageOutcome>(begin.Body ?? "{}") ?? new PageOutcome();
                break;
            case IdempotencyOutcome.Started:
                try
                {
                    var placed = await checkout.PlaceOrderAsync(command, cancellationToken);
                    outcome = ToOutcome(placed);
                    // Paid with no offers to show: the path is over, and the seller may have a thank-you page of their own.
                    if (placed is { Outcome: CheckoutOutcome.Placed, Next: CheckoutNext.ThankYou } &&
                        await thankYou.RedirectForAsync(Funnel!, placed.OrderId, cancellationToken) is { } sellersPage)
                        outcome = outcome with { Redirect = sellersPage };
                }
                catch
                {
                    await idempotency.ReleaseAsync(begin.RecordId, CancellationToken.None);
                    throw;
                }
                await idempotency.CompleteAsync(begin.RecordId, 200, JsonSerializer.Serialize(outcome), CancellationToken.None);
                break;
            case IdempotencyOutcome.InProgress:
                Declined = "Your payment is still being processed. Please wait a moment and reload this page; you will not be charged twice.";
                return Page();
            default:
                Declined = "This form was already sent with other details. Please reload the page and try again.";
                return Page();
        }

        if (outcome.ReturnPath is { } back) BankReturn.Remember(HttpContext, back);
        if (outcome.Redirect is { } target) return Redirect(target);
        Declined = outcome.Declined;
        foreach (var (field, message) in outcome.Errors ?? []) Errors[field] = message;
        Input.CheckoutKey = Guid.NewGuid(); // a corrected form is a new attempt
        ModelState.Remove("Input.CheckoutKey"); // else the hidden input shows the posted key, and the corrected form is refused as "already sent with other details"
        return Page();
    }

    private void AllowStripeJs()
    {
        if (StripePublishableKey is not null) HttpContext.Items[SecurityHeaders.StripeJsItem] = true;
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    private static PageOutcome ToOutcome(CheckoutResult result) => result.Outcome switch
    {
        CheckoutOutcome.Placed => new PageOutcome
        {
            Redirect = result.Next switch
            {
                CheckoutNext.Offer => $"/o/{result.SessionToken}",
                CheckoutNext.RequiresAction => result.ActionUrl,
                // The bank's answer is not in yet: the offer page says the payment is being confirmed and shows the
                // offer once it is, so a lost answer does not cost the buyer the offer they kept their card for.
                CheckoutNext.Processing when result.SessionToken is not null => $"/o/{result.SessionToken}",
                _ => $"/r/{result.ReceiptToken}",
            },
            ReturnPath = result.Next != CheckoutNext.RequiresAction ? null
                : result.SessionToken is not null ? $"/o/{result.SessionToken}" : $"/r/{result.ReceiptToken}",
        },
        CheckoutOutcome.Invalid => new PageOutcome
        {
            Errors = result.Errors.ToDictionary(e => FieldOf(e.Key), e => string.Join(" ", e.Value)),
        },
        CheckoutOutcome.FunnelNotFound => new PageOutcome { Declined = "This checkout is no longer available." },
        _ => new PageOutcome { Declined = result.Message ?? "Your card was declined. Nothing was charged." },
    };

    private static string FieldOf(string apiField) => apiField switch
    {
        "email" => "Email",
        "name" => "Name",
        "paymentMethod" => "CardNumber",
        "bumps" => "Bumps",
        _ => apiField,
    };

    private void ClearCardFields()
    {
        Input.CardNumber = null;
        Input.Expiry = null;
        Input.Cvc = null;
        ModelState.Remove("Input.CardNumber");
        ModelState.Remove("Input.Expiry");
        ModelState.Remove("Input.Cvc");
    }

    private IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>What a checkout POST ended in, stored so that a double-submitted form ends in the same place.</summary>
    public sealed record PageOutcome
    {
        public string? Redirect { get; init; }

        /// <summary>When the buyer goes to the bank: the page to come back to (holds a token, so kept in a cookie, never in the gateway's return URL).</summary>
        public string? ReturnPath { get; init; }

        public string? Declined { get; init; }
        public Dictionary<string, string>? Errors { get; init; }
    }
}

public sealed class CheckoutInput
{
    public Guid CheckoutKey { get; set; }

    [Display(Name = "E-mail")]
    public string? Email { get; set; }

    public string? Name { get; set; }
    public string? CardNumber { get; set; }
    public string? Expiry { get; set; }
    public string? Cvc { get; set; }

    /// <summary>With Stripe: the ConfirmationToken (<c>ctoken_…</c>) Stripe.js made from the Payment Element in the browser.</summary>
    public string? ConfirmationToken { get; set; }

    public List<Guid>? Bumps { get; set; }

    /// <summary>The funnel version whose prices the form showed.</summary>
    public int? Version { get; set; }

    /// <summary>The SHA-256 of each recurring item's terms the form showed next to the Pay button.</summary>
    public List<string>? Terms { get; set; }
}
