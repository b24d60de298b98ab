using System.Text.Json;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// Encore's Stripe glue scripts (stripe-checkout.js, stripe-authenticate.js) run in real Chromium against Encore in
/// Stripe test mode and the fake Stripe API, with a stand-in for Stripe.js served by Playwright's routing: the Payment
/// Element makes a ConfirmationToken (through Stripe's test helper on the fake), the form posts its id, and Encore confirms
/// the PaymentIntent or SetupIntent with it on the server; a bank's challenge runs in handleNextAction.
/// </summary>
public sealed class StripeJsBuyerTests(StripeBrowserApp app) : IClassFixture<StripeBrowserApp>
{
    private const string Funnel = "/f/calm-your-anxiety";
    private const string CardLabel = "Card (Stripe.js stand-in)";

    [Fact]
    public async Task The_Payment_Element_makes_a_ConfirmationToken_the_server_pays_with_and_says_the_card_is_kept_only_while_it_is()
    {
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var email = NewEmail("visa");
        await page.GotoAsync(Funnel);

        await Assertions.Expect(page.GetByTestId("stripe-standin-payment-element")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#checkout #stripe-payment-element").GetByLabel(CardLabel)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#checkout input[autocomplete^=cc-], #checkout [name='Input.CardNumber'], #checkout [name='Input.Cvc'], #checkout [name='Input.Expiry']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Sandbox")).ToHaveCountAsync(0); // no Sandbox test cards under Stripe's Payment Element

        var setup = await buyer.StripeCallsAsync();
        Assert.Equal(["Stripe", "elements", "create", "mount"], setup.Select(c => c.Name));
        Assert.Equal(StripeBrowserApp.PublishableKey, setup[0].Detail!.Value.GetProperty("publishableKey").GetString());
        var elements = setup[1].Detail!.Value;
        Assert.Equal(("payment", 4700, "usd"), (elements.GetProperty("mode").GetString(), elements.GetProperty("amount").GetInt32(), elements.GetProperty("currency").GetString()));
        Assert.Equal(["card"], elements.GetProperty("paymentMethodTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("off_session", elements.GetProperty("setupFutureUsage").GetString()); // the funnel has offers: the card is kept for them
        Assert.False(elements.TryGetProperty("paymentMethodCreation", out _)); // no PaymentMethod made in the browser
        Assert.Equal("payment", setup[2].Detail!.Value.GetProperty("type").GetString());
        Assert.Equal("#stripe-payment-element", setup[3].Detail!.Value.GetProperty("selector").GetString());
        Assert.Equal(["https://js.stripe.com/v3/"], buyer.StripeJsRequests);

        // The Element follows the form: the bump's price; it says the card is saved for future payments, as the sentence by the Pay button does.
        var futureUse = page.GetByTestId("stripe-standin-future-usage");
        await Assertions.Expect(futureUse).ToBeVisibleAsync();
        await Assertions.Expect(futureUse).ToContainTextAsync("charge your card for future payments");
        await Assertions.Expect(page.GetByTestId("keep-card")).ToContainTextAsync("never charged for one without your click on its \"Yes\" button");
        await page.GetByLabel("Yes, add Printable calm-down worksheets for $17.00").CheckAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay $64.00" })).ToBeVisibleAsync();
        var updates = (await buyer.StripeCallsAsync()).Where(c => c.Name == "elements.update").Select(c => c.Detail!.Value).ToList();
        Assert.Equal([6400], updates.Select(u => u.GetProperty("amount").GetInt32()));
        Assert.Equal(["off_session"], updates.Select(u => u.GetProperty("setupFutureUsage").GetString()));

        await FillAndPayAsync(page, email, "pm_card_visa");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Visa ending 4242")).ToBeVisibleAsync();
        var post = Assert.Single(buyer.Posts);
        Assert.Equal(Funnel, post.Path);
        var form = Form(post.Body);
        var token = form["Input.ConfirmationToken"];
        Assert.StartsWith("ctoken_", token);
        Assert.Equal(email, form["Input.Email"]);
        // Exactly Encore's own fields: no card number, expiry or CVC, and nothing of the Payment Element's.
        Assert.Equal(
            ["Input.Bumps", "Input.CheckoutKey", "Input.ConfirmationToken", "Input.Email", "Input.Name", "Input.Version", "__RequestVerificationToken"],
            form.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("pm_card", post.Body); // the stand-in's select is not posted
        var calls = await buyer.StripeCallsAsync();
        Assert.DoesNotContain(calls, c => c.Name.StartsWith("createPaymentMethod", StringComparison.Ordinal));
        var made = calls.SkipWhile(c => c.Name != "elements.submit").Take(3).ToList();
        Assert.Equal(["elements.submit", "createConfirmationToken", "createConfirmationToken.result"], made.Select(c => c.Name));
        Assert.True(made[1].Detail!.Value.GetProperty("withElements").GetBoolean());
        Assert.Equal((token, "off_session"), (made[2].Detail!.Value.GetProperty("id").GetString(), made[2].Detail!.Value.GetProperty("setup_future_usage").GetString()));

        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $97.00" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$161.00");
        await Assertions.Expect(page.Locator("section[aria-labelledby=receipt-title]")).ToContainTextAsync("4-week guided audio program");

        var orderId = await OrderIdAsync(email);
        var (charges, intents) = await ChargesAndIntentsAsync(orderId);
        Assert.Equal(2, charges.Count); // checkout (main and bump) and the offer
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.Equal(charges.Count, intents.Count);
        Assert.All(intents, i => Assert.Equal("succeeded", i.Status));
        Assert.Equal(
            charges.Select(c => (c.IdempotencyKey, c.Amount, c.Currency.ToLowerInvariant(), c.GatewayPaymentId)).Order(),
            intents.Select(i => (i.IdempotencyKey!, i.Amount, i.Currency, (string?)i.Id)).Order());
        // The checkout: confirmed on the server with the browser's token, the card kept on the buyer's customer.
        var checkout = Assert.Single(intents, i => !i.OffSession);
        Assert.Equal((token, "off_session", 6400L), (checkout.ConfirmationToken, checkout.SetupFutureUsage, checkout.Amount));
        Assert.Equal(checkout.Customer, app.Stripe.CustomerOf(checkout.PaymentMethod));
        // The one-click charge: on the server, off-session, on that card.
        var offer = Assert.Single(intents, i => i.OffSession);
        Assert.Equal((9700L, checkout.PaymentMethod, (string?)null), (offer.Amount, offer.PaymentMethod, offer.ConfirmationToken));
        Assert.Empty(buyer.AuthenticatedSecrets); // no bank on this card
        AssertStripeCsp(buyer, Funnel);
        // The offer and receipt pages run no Stripe.js: their policy does not name Stripe.
        var others = buyer.Documents.Where(d => d.Path.StartsWith("/o/", StringComparison.Ordinal) || d.Path.StartsWith("/r/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(others);
        Assert.All(others, d => Assert.DoesNotContain("stripe", d.Csp ?? "stripe (no policy)"));
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_buyer_of_a_funnel_without_offers_is_told_nothing_of_future_payments_and_Stripe_keeps_nothing()
    {
        var slug = await app.PublishOneTimeFunnelAsync("Calm Once", 4700);
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var email = NewEmail("nokeep");
        await page.GotoAsync($"/f/{slug}");
        await Assertions.Expect(page.GetByTestId("keep-card")).ToHaveCountAsync(0); // nothing to offer: nothing said, nothing kept
        await FillAndPayAsync(page, email, "pm_card_mastercard", whileFilled: async () =>
            await Assertions.Expect(page.GetByTestId("stripe-standin-future-usage")).ToBeHiddenAsync());

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/r/"));
        var token = Form(Assert.Single(buyer.Posts).Body)["Input.ConfirmationToken"];
        var made = (await buyer.StripeCallsAsync()).Single(c => c.Name == "createConfirmationToken.result").Detail!.Value;
        Assert.Equal((token, JsonValueKind.Null), (made.GetProperty("id").GetString(), made.GetProperty("setup_future_usage").ValueKind));
        var intent = Assert.Single((await ChargesAndIntentsAsync(await OrderIdAsync(email))).Intents);
        Assert.Equal((token, (string?)null, (string?)null, "succeeded"), (intent.ConfirmationToken, intent.SetupFutureUsage, intent.Customer, intent.Status));
        Assert.Null(app.Stripe.CustomerOf(intent.PaymentMethod));
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_free_trial_checkout_makes_a_setup_Element_whose_token_saves_the_card_with_a_SetupIntent()
    {
        var slug = await app.PublishSubscriptionFunnelAsync("Calm Trial", 2900, trialDays: 7);
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var email = NewEmail("trial");
        await page.GotoAsync($"/f/{slug}");

        // Nothing is due today and the card is kept for the renewals: a setup, and the Element says the card is saved.
        var elements = (await buyer.StripeCallsAsync()).Single(c => c.Name == "elements").Detail!.Value;
        Assert.Equal(("setup", "usd", "off_session"), (elements.GetProperty("mode").GetString(), elements.GetProperty("currency").GetString(), elements.GetProperty("setupFutureUsage").GetString()));
        Assert.False(elements.TryGetProperty("amount", out _));
        await Assertions.Expect(page.GetByTestId("stripe-standin-future-usage")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("$0.00");
        await FillAndPayAsync(page, email, "pm_card_visa");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/r/"));
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$0.00");
        var token = Form(Assert.Single(buyer.Posts).Body)["Input.ConfirmationToken"];
        var charge = Assert.Single((await ChargesAndIntentsAsync(await OrderIdAsync(email))).Charges);
        var setupIntent = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == charge.IdempotencyKey);
        Assert.Equal(("succeeded", token, "off_session"), (setupIntent.Status, setupIntent.ConfirmationToken, setupIntent.Usage));
        Assert.NotNull(setupIntent.Customer);
        Assert.Equal(setupIntent.Customer, app.Stripe.CustomerOf(setupIntent.PaymentMethod!));
        Assert.DoesNotContain(app.Stripe.Intents, i => i.IdempotencyKey == charge.IdempotencyKey);
        Assert.Equal((ChargeStatus.Succeeded, 0L, "4242"), (charge.Status, charge.Amount, charge.CardLast4));
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_card_error_from_createConfirmationToken_is_shown_and_nothing_is_posted_then_a_good_card_goes_through()
    {
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var email = NewEmail("typo");
        await page.GotoAsync(Funnel);
        var intentsBefore = app.Stripe.Intents.Count;

        await FillAndPayAsync(page, email, "error:incorrect_number");

        var error = page.Locator("#stripe-card-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToHaveTextAsync("Your card number is incorrect.");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(Funnel) + "$"));
        Assert.Empty(buyer.Posts);
        Assert.Equal("", await page.Locator("#Input_ConfirmationToken").InputValueAsync());
        Assert.Equal(0, await QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));
        Assert.Equal(intentsBefore, app.Stripe.Intents.Count);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton })).ToBeEnabledAsync();

        // The buyer corrects the card: the same form goes through, once.
        await page.GetByLabel(CardLabel).SelectOptionAsync("pm_card_mastercard");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Mastercard ending 4444")).ToBeVisibleAsync();
        Assert.StartsWith("ctoken_", Form(Assert.Single(buyer.Posts).Body)["Input.ConfirmationToken"]);
        var orderId = await OrderIdAsync(email);
        var (_, intents) = await ChargesAndIntentsAsync(orderId);
        Assert.Equal("succeeded", Assert.Single(intents).Status);
        AssertStripeCsp(buyer, Funnel);
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task A_card_Stripe_declines_at_checkout_reshows_the_form_with_a_fresh_Payment_Element_and_the_next_card_goes_through()
    {
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var email = NewEmail("declined");
        await page.GotoAsync(Funnel);
        await FillAndPayAsync(page, email, "pm_card_chargeDeclined");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your order was not placed" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".errors")).ToContainTextAsync("declined");
        await Assertions.Expect(page.GetByTestId("stripe-standin-payment-element")).ToHaveCountAsync(1);
        Assert.Equal("", await page.Locator("#Input_ConfirmationToken").InputValueAsync()); // the used token is not sent again
        Assert.Equal(email, await page.GetByLabel("E-mail (for your receipt)").InputValueAsync());

        await page.GetByLabel(CardLabel).SelectOptionAsync("pm_card_visa");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Visa ending 4242")).ToBeVisibleAsync();
        var posts = buyer.Posts.Select(p => Form(p.Body)).ToList();
        Assert.Equal(2, posts.Select(p => p["Input.ConfirmationToken"]).Distinct().Count()); // a new token for the new card
        Assert.NotEqual(posts[0]["Input.CheckoutKey"], posts[1]["Input.CheckoutKey"]); // a new attempt
        // The declined attempt stays on record as its own order with its failed charge; the new attempt is paid, once.
        var orders = await QueryAsync(db => db.Orders.Where(o => o.Email == email).OrderBy(o => o.CreatedAt).Select(o => o.Id).ToListAsync());
        Assert.Equal(2, orders.Count);
        var (declinedCharges, declinedIntents) = await ChargesAndIntentsAsync(orders[0]);
        Assert.Equal((ChargeStatus.Failed, "0002"), (Assert.Single(declinedCharges).Status, declinedCharges[0].CardLast4));
        Assert.Equal(("requires_payment_method", posts[0]["Input.ConfirmationToken"]), (Assert.Single(declinedIntents).Status, declinedIntents[0].ConfirmationToken));
        var (paidCharges, paidIntents) = await ChargesAndIntentsAsync(orders[1]);
        Assert.Equal((ChargeStatus.Succeeded, "4242"), (Assert.Single(paidCharges).Status, paidCharges[0].CardLast4));
        Assert.Equal(("succeeded", posts[1]["Input.ConfirmationToken"]), (Assert.Single(paidIntents).Status, paidIntents[0].ConfirmationToken));
        AssertStripeCsp(buyer, Funnel);
        buyer.AssertNoBrowserProblems();
    }

    /// <summary>A buyer who paid with the card that asks for authentication, the bank approving at checkout; back on the offer.</summary>
    private async Task<(StripeBuyer Buyer, string Email, ILocator Accept)> PaidAfterTheBankApprovedAsync(string name)
    {
        var buyer = await app.NewStripeBuyerAsync();
        var email = NewEmail(name);
        await buyer.Page.GotoAsync(Funnel);
        buyer.BankAnswers.Enqueue(true);
        await FillAndPayAsync(buyer.Page, email, "pm_card_authenticationRequired");
        var accept = buyer.Page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $97.00" });
        await Assertions.Expect(accept).ToBeVisibleAsync();
        return (buyer, email, accept);
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_goes_through_handleNextAction_at_checkout_and_again_on_the_offer()
    {
        var (buyer, email, accept) = await PaidAfterTheBankApprovedAsync("sca");
        var page = buyer.Page;

        // /pay/authenticate ran handleNextAction, the bank approved, and the browser came back to the offer.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Visa ending 3184")).ToBeVisibleAsync();
        var orderId = await OrderIdAsync(email);
        var checkoutIntent = Assert.Single((await ChargesAndIntentsAsync(orderId)).Intents);
        Assert.Equal("succeeded", checkoutIntent.Status);
        Assert.Equal(Form(Assert.Single(buyer.Posts).Body)["Input.ConfirmationToken"], checkoutIntent.ConfirmationToken);
        Assert.Equal([checkoutIntent.Id + "_secret_fake"], buyer.AuthenticatedSecrets);
        AssertVisitedAuthentication(buyer, checkoutIntent.Id, times: 1);

        buyer.BankAnswers.Enqueue(true);
        await accept.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$144.00");
        await Assertions.Expect(page.Locator("section[aria-labelledby=receipt-title]")).ToContainTextAsync("4-week guided audio program");
        var (charges, intents) = await ChargesAndIntentsAsync(orderId);
        var offerIntent = Assert.Single(intents, i => i.Id != checkoutIntent.Id);
        Assert.Equal("succeeded", offerIntent.Status);
        Assert.False(offerIntent.OffSession); // declined off-session, confirmed again on-session for the buyer's bank
        Assert.Equal(9700, offerIntent.Amount);
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.Equal([checkoutIntent.Id + "_secret_fake", offerIntent.Id + "_secret_fake"], buyer.AuthenticatedSecrets);
        AssertVisitedAuthentication(buyer, offerIntent.Id, times: 1);

        var calls = await buyer.StripeCallsAsync();
        var nextActions = calls.Where(c => c.Name == "handleNextAction").ToList();
        Assert.Equal(buyer.AuthenticatedSecrets, nextActions.Select(c => c.Detail!.Value.GetProperty("clientSecret").GetString()));
        Assert.All(nextActions, c => Assert.StartsWith("/pay/authenticate/pi_", c.Page));
        Assert.All(calls.Where(c => c.Name == "Stripe"), c => Assert.Equal(StripeBrowserApp.PublishableKey, c.Detail!.Value.GetProperty("publishableKey").GetString()));
        Assert.All(calls.Where(c => c.Name == "handleNextAction.result"), c => Assert.Equal("succeeded", c.Detail!.Value.GetProperty("paymentIntent").GetProperty("status").GetString()));
        AssertStripeCsp(buyer, Funnel);
        AssertStripeCsp(buyer, "/pay/authenticate/");
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task When_the_bank_refuses_the_one_click_charge_the_buyer_sees_the_downsell()
    {
        var (buyer, email, accept) = await PaidAfterTheBankApprovedAsync("refused");
        var page = buyer.Page;

        buyer.BankAnswers.Enqueue(false);
        await accept.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $37.00" })).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Your bank did not confirm the payment for that offer. Nothing was charged for it.")).ToBeVisibleAsync();
        Assert.Equal(2, buyer.AuthenticatedSecrets.Count);
        var orderId = await OrderIdAsync(email);
        var (charges, intents) = await ChargesAndIntentsAsync(orderId);
        Assert.Equal(2, intents.Count);
        Assert.Equal(1, intents.Count(i => i.Status == "succeeded"));
        Assert.Equal("requires_payment_method", intents.Single(i => i.Amount == 9700).Status);
        Assert.Equal(ChargeStatus.Failed, charges.Single(c => c.Kind == ChargeKind.Offer).Status);
        Assert.Equal(0, await QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == orderId && l.Kind == OrderLineKind.Offer)));
        var result = (await buyer.StripeCallsAsync()).Last(c => c.Name == "handleNextAction.result");
        Assert.Equal("payment_intent_authentication_failure", result.Detail!.Value.GetProperty("error").GetProperty("code").GetString());
        buyer.AssertNoBrowserProblems();
    }

    [Fact]
    public async Task The_Stripe_pages_allow_js_stripe_com_and_no_inline_script_and_a_violation_would_be_seen()
    {
        var buyer = await app.NewStripeBuyerAsync();
        var page = buyer.Page;
        var checkout = await page.GotoAsync(Funnel);
        var csp = await checkout!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.Contains("script-src 'self' https://js.stripe.com;", csp);
        Assert.Contains("connect-src 'self' https://api.stripe.com;", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        await Assertions.Expect(page.GetByTestId("stripe-standin-payment-element")).ToBeVisibleAsync();
        buyer.AssertNoBrowserProblems();

        // The listener is not blind: an inline script on this page is refused, and the refusal is reported.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }");
        await Assertions.Expect(page.Locator("body")).ToBeVisibleAsync();
        for (var i = 0; i < 50 && buyer.CspViolations.IsEmpty; i++) await Task.Delay(20);
        Assert.Contains(buyer.CspViolations, v => v.Contains("inline script", StringComparison.OrdinalIgnoreCase));
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__inline"));

        // Pages without Stripe.js keep the strict policy (this checkout does not exist: no Stripe.js on its page).
        var missing = await page.GotoAsync("/f/no-such-checkout");
        Assert.Equal(404, missing!.Status);
        Assert.DoesNotContain("stripe", await missing.HeaderValueAsync("content-security-policy") ?? "");
    }

    [Fact]
    public async Task When_Stripe_js_cannot_be_loaded_the_buyer_is_told_and_nothing_is_posted()
    {
        var buyer = await app.NewStripeBuyerAsync(stripeJsReachable: false);
        var page = buyer.Page;
        var email = NewEmail("blocked");
        await page.GotoAsync(Funnel);

        var error = page.Locator("#stripe-card-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("The card form could not be loaded");
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Stripe Buyer");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // a post, had there been one, would be under way
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton })).ToBeEnabledAsync();
        Assert.Empty(buyer.Posts);
        Assert.Equal(0, await QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));
        Assert.Equal(["https://js.stripe.com/v3/"], buyer.StripeJsRequests);
        Assert.Empty(buyer.CspViolations);
    }

    [Fact]
    public async Task Without_JavaScript_the_Stripe_checkout_asks_for_the_card_form_and_charges_nothing()
    {
        var buyer = await app.NewStripeBuyerAsync(javaScriptEnabled: false);
        var page = buyer.Page;
        var email = NewEmail("nojs");
        await page.GotoAsync(Funnel);
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Stripe Buyer");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();

        var summary = page.Locator(".errors li");
        await Assertions.Expect(summary).ToHaveCountAsync(1);
        await Assertions.Expect(summary).ToHaveTextAsync("Enter your card in the card form (it needs JavaScript).");
        Assert.Equal("#stripe-card", await summary.Locator("a").GetAttributeAsync("href"));
        await Assertions.Expect(page.Locator("#stripe-card")).ToContainTextAsync("Enter your card in the card form (it needs JavaScript).");
        await Assertions.Expect(page.GetByText("Sandbox")).ToHaveCountAsync(0);
        Assert.Equal(0, await QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));
        Assert.Empty(buyer.StripeJsRequests);
    }

    private static async Task FillAndPayAsync(IPage page, string email, string card, Func<Task>? whileFilled = null)
    {
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Stripe Buyer");
        await page.GetByLabel(CardLabel).SelectOptionAsync(card);
        if (whileFilled is not null) await whileFilled();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
    }

    private static void AssertStripeCsp(StripeBuyer buyer, string pathPrefix)
    {
        var pages = buyer.Documents.Where(d => d.Path.StartsWith(pathPrefix, StringComparison.Ordinal) && d.Status == 200).ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, d =>
        {
            Assert.NotNull(d.Csp);
            Assert.Contains("script-src 'self' https://js.stripe.com;", d.Csp);
            Assert.DoesNotContain("unsafe-inline", d.Csp);
        });
    }

    private static void AssertVisitedAuthentication(StripeBuyer buyer, string paymentIntentId, int times)
    {
        var visits = buyer.Documents.Where(d => d.Path.StartsWith($"/pay/authenticate/{paymentIntentId}?return=", StringComparison.Ordinal)).ToList();
        Assert.Equal(times, visits.Count);
        Assert.All(visits, v => Assert.Contains("return=%2Fpay%2Freturn%2F", v.Path));
    }

    private static Dictionary<string, string> Form(string body) => body.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .GroupBy(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')))
        .ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""))));

    private static string NewEmail(string tag) => $"stripejs-{tag}-{Guid.NewGuid():N}@example.com";

    private Task<Guid> OrderIdAsync(string email) => QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());

    /// <summary>The fake Stripe's intents for the charges of one order (by the idempotency key each charge sent).</summary>
    private async Task<(List<Charge> Charges, List<FakeIntent> Intents)> ChargesAndIntentsAsync(Guid orderId)
    {
        var charges = await QueryAsync(db => db.Charges.AsNoTracking().Where(c => c.OrderId == orderId).ToListAsync());
        var keys = charges.Select(c => c.IdempotencyKey).ToHashSet();
        return (charges, app.Stripe.Intents.Where(i => i.IdempotencyKey is { } k && keys.Contains(k)).ToList());
    }

    private async Task<T> QueryAsync<T>(Func<EncoreDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
    }
}
