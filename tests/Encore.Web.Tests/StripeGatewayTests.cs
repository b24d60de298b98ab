using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// What is Stripe's own on the buyer's path (customers, saved methods, Elements, authentication, faults at Stripe), through
/// Encore's real pipeline against a fake Stripe API on loopback. The path itself runs against Stripe in <see cref="BuyerPathTests{TApp}"/>.
/// </summary>
public abstract class StripeGatewayTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : StripeApp
{
    [Fact]
    public async Task Checkout_with_bump_and_saved_card_then_one_click_offer_makes_one_intent_per_charge()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync("pm_card_visa", withBump: true, saveCard: true);
        var accepted = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("accepted", accepted["outcome"]!.GetValue<string>());

        var (charges, intents) = await app.ChargesAndIntentsAsync(buyer.OrderId);
        Assert.Equal(2, charges.Count);
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.Equal(2, intents.Count);
        var checkout = intents.Single(i => !i.OffSession);
        var offer = intents.Single(i => i.OffSession);
        Assert.Equal(charges.Single(c => c.Kind == ChargeKind.Checkout).Amount, checkout.Amount);
        Assert.Equal(charges.Single(c => c.Kind == ChargeKind.Offer).Amount, offer.Amount);
        Assert.Equal(6400, checkout.Amount);
        Assert.Equal(checkout.Customer, offer.Customer);
        Assert.NotNull(offer.Customer);
        // The offer charges the card Stripe saved at checkout, not the test token.
        Assert.Equal(checkout.PaymentMethod, offer.PaymentMethod);
        Assert.StartsWith("pm_", offer.PaymentMethod);
        Assert.NotEqual("pm_card_visa", offer.PaymentMethod);
        var order = await buyer.GetOrderAsync();
        Assert.Equal(checkout.Amount + offer.Amount, order["total"]!["amount"]!.GetValue<long>());
        Assert.Equal("visa", await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer).Select(c => c.CardBrand).SingleAsync()));
        Assert.Equal("4242", await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer).Select(c => c.CardLast4).SingleAsync()));
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task The_checkout_page_pays_with_the_ConfirmationToken_Stripe_js_made_and_keeps_the_card_for_the_offer()
    {
        var client = app.CreateClient();
        var email = $"elements-{Guid.NewGuid():N}@example.com";
        var page = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        Assert.Contains("id=\"stripe-payment-element\"", page.Html);
        Assert.Contains("data-publishable-key=\"pk_test_encore_fake\"", page.Html);
        Assert.Contains("<script src=\"https://js.stripe.com/v3/\"></script>", page.Html);
        Assert.Contains("/js/stripe-checkout.js", page.Html);
        Assert.Contains("name=\"Input.ConfirmationToken\"", page.Html);
        Assert.DoesNotContain("name=\"Input.CardNumber\"", page.Html);
        Assert.DoesNotContain("name=\"Input.PaymentMethod\"", page.Html);
        var csp = (await client.GetAsync("/f/calm-your-anxiety")).Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' https://js.stripe.com", csp);
        Assert.DoesNotContain("unsafe-inline", csp);

        // What stripe-checkout.js posts once Stripe.js has made the ConfirmationToken (the Element said the card is kept).
        var token = await app.ConfirmationTokenAsync("pm_card_mastercard", keepsCard: true);
        var placed = await page.PostAsync(client, "/f/calm-your-anxiety",
            ("Input.CheckoutKey", page.Value("Input.CheckoutKey")), ("Input.Email", email), ("Input.Name", "Elle Ements"),
            ("Input.ConfirmationToken", token), ("Input.Bumps", Buyer.Bump.ToString()));
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, await placed.Content.ReadAsStringAsync());
        var offerUrl = placed.Headers.Location!.OriginalString;
        Assert.StartsWith("/o/", offerUrl);

        // The server confirmed one PaymentIntent with the token, kept the card on the buyer's customer, and read the card from it.
        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        var checkout = Assert.Single((await app.ChargesAndIntentsAsync(orderId)).Intents);
        Assert.Equal((token, "off_session", 6400L, "succeeded"), (checkout.ConfirmationToken, checkout.SetupFutureUsage, checkout.Amount, checkout.Status));
        Assert.NotNull(checkout.Customer);
        Assert.Equal(checkout.Customer, app.Stripe.CustomerOf(checkout.PaymentMethod));
        Assert.Equal(("mastercard", "4444"), await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId).Select(c => new ValueTuple<string?, string?>(c.CardBrand, c.CardLast4)).SingleAsync()));

        // The one-click charge stays on the server, off-session, on the card the token saved.
        var offer = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("ending 4444", offer.Html);
        var accepted = await offer.PostAsync(client, offerUrl + "?handler=accept",
            ("stepId", offer.Value("stepId")), ("disclosureSha256", offer.Value("disclosureSha256")));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var (_, intents) = await app.ChargesAndIntentsAsync(orderId);
        var oneClick = Assert.Single(intents, i => i.Id != checkout.Id);
        Assert.Equal((true, checkout.PaymentMethod, (string?)null, "succeeded"), (oneClick.OffSession, oneClick.PaymentMethod, oneClick.ConfirmationToken, oneClick.Status));
        await app.AssertGatewayAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_buyer_who_keeps_no_card_pays_with_a_ConfirmationToken_that_saves_nothing_and_the_token_pays_once()
    {
        // A funnel without offers: nothing to keep the card for (with offers, the page always keeps it and says so).
        var api = await app.NewSellerApiAsync();
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Calm once", description = "Once.", topics = new[] { "calm" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 4700, currency = "USD" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var slug = "once-" + Guid.NewGuid().ToString("N")[..10];
        var funnel = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", new { name = "Once", slug, windowMinutes = 30, main = new { priceId = price } }), HttpStatusCode.Created);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnel["id"]}/publish", null), HttpStatusCode.OK);
        var client = app.CreateClient();
        var email = $"nokeep-{Guid.NewGuid():N}@example.com";
        var token = await app.ConfirmationTokenAsync("pm_card_visa", keepsCard: false);
        var page = await FormPage.GetAsync(client, $"/f/{slug}");
        var placed = await page.PostAsync(client, $"/f/{slug}",
            ("Input.CheckoutKey", page.Value("Input.CheckoutKey")), ("Input.Email", email), ("Input.Name", "Noah Keep"), ("Input.ConfirmationToken", token));
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        Assert.StartsWith("/r/", placed.Headers.Location!.OriginalString);
        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        var intent = Assert.Single((await app.ChargesAndIntentsAsync(orderId)).Intents);
        Assert.Equal((token, (string?)null, (string?)null, 4700L), (intent.ConfirmationToken, intent.SetupFutureUsage, intent.Customer, intent.Amount));
        Assert.Null(app.Stripe.CustomerOf(intent.PaymentMethod));

        // The same token in a new form (another tab, a replayed post) pays nothing more: Stripe would refuse it, Encore asks first.
        var intentsBefore = app.Stripe.Intents.Count;
        var again = await FormPage.GetAsync(client, $"/f/{slug}");
        var refused = await again.PostAsync(client, $"/f/{slug}",
            ("Input.CheckoutKey", again.Value("Input.CheckoutKey")), ("Input.Email", email), ("Input.Name", "Noah Keep"), ("Input.ConfirmationToken", token));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Your order was not placed", await refused.Content.ReadAsStringAsync());
        Assert.Equal(intentsBefore, app.Stripe.Intents.Count);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));
    }

    [Fact]
    public async Task A_declined_card_is_402_and_nothing_is_charged()
    {
        var email = $"declined-{Guid.NewGuid():N}@example.com";
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email, name = "Dee Clined", paymentMethod = "pm_card_chargeDeclined",
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        });
        var problem = await Buyer.ReadAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Contains("declined", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        var (charges, intents) = await app.ChargesAndIntentsAsync(orderId);
        Assert.Equal(ChargeStatus.Failed, Assert.Single(charges).Status);
        Assert.Equal("generic_decline", charges[0].DeclineCode);
        Assert.Equal("requires_payment_method", Assert.Single(intents).Status);
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task Card_0341_is_declined_at_checkout_as_Stripe_declines_every_charge_on_it()
    {
        var email = $"customer-fail-{Guid.NewGuid():N}@example.com";
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email, name = "Cus Fail", paymentMethod = "pm_card_chargeCustomerFail",
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        });
        Assert.Equal("generic_decline", (await Buyer.ProblemAsync(response, HttpStatusCode.PaymentRequired))["declineCode"]!.GetValue<string>());

        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        var (charges, intents) = await app.ChargesAndIntentsAsync(orderId);
        Assert.Equal(ChargeStatus.Failed, Assert.Single(charges).Status);
        var intent = Assert.Single(intents);
        Assert.Equal("requires_payment_method", intent.Status);
        Assert.Null(app.Stripe.CustomerOf(intent.PaymentMethod)); // not kept for the offers either
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_goes_to_Encores_Stripe_js_page_and_is_paid_after_the_bank_says_yes()
    {
        var client = app.CreateClient();
        var created = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "sca@example.com", name = "Sam Sca", paymentMethod = "pm_card_authenticationRequired",
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        }), HttpStatusCode.Created);
        Assert.Equal("requires_action", created["next"]!["kind"]!.GetValue<string>());
        var actionUrl = created["next"]!["actionUrl"]!.GetValue<string>();
        Assert.StartsWith("/pay/authenticate/pi_", actionUrl);
        Assert.Contains("?return=%2Fpay%2Freturn%2F", actionUrl); // back through an address with no token in it
        Assert.DoesNotContain("%2Fo%2F", actionUrl);
        var orderId = created["orderId"]!.GetValue<Guid>();
        var paymentId = (await app.ChargesAndIntentsAsync(orderId)).Intents.Single().Id;
        // The buyer's token stays on this site: Stripe never gets a return URL.
        Assert.DoesNotContain(app.Stripe.Intents.Single(i => i.Id == paymentId).Metadata.Values, v => v.Contains("/o/"));

        var page = await client.GetAsync(actionUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-client-secret=\"{paymentId}_secret_fake\"", html);
        Assert.Contains("data-publishable-key=\"pk_test_encore_fake\"", html);
        Assert.Contains("https://js.stripe.com/v3/", html);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' https://js.stripe.com", csp);
        Assert.Contains("frame-src https://js.stripe.com https://hooks.stripe.com", csp);
        Assert.DoesNotContain("stripe", (await client.GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single());

        app.Stripe.CompleteAuthentication(paymentId, approve: true);
        // Once nothing is left to authenticate, the page sends the buyer straight back to the shop.
        var again = await client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/pay/return/", again.Headers.Location!.OriginalString); // which sends this browser on to its page
        await app.ReconcileAsync();
        Assert.Equal(ChargeStatus.Succeeded, await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId).Select(c => c.Status).SingleAsync()));
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task An_off_session_authentication_required_is_confirmed_again_on_session_on_the_same_PaymentIntent_for_Stripe_js()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await app.BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        Assert.Equal("active", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        var createsBefore = app.Stripe.CreateCalls;

        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("requires_action", accept["outcome"]!.GetValue<string>());
        var actionUrl = accept["actionUrl"]!.GetValue<string>();
        var offerCharge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));
        var (offerKey, recordedAt) = (offerCharge.IdempotencyKey, offerCharge.CreatedAt);
        var intent = Assert.Single(app.Stripe.Intents, i => i.IdempotencyKey == offerKey);
        // One PaymentIntent: created off-session (declined: authentication_required), then confirmed again on-session.
        Assert.Equal(createsBefore + 1, app.Stripe.CreateCalls);
        Assert.Equal("requires_action", intent.Status);
        Assert.False(intent.OffSession);
        Assert.StartsWith($"/pay/authenticate/{intent.Id}?return=%2Fpay%2Freturn%2F", actionUrl);

        // Encore's page runs Stripe.js's handleNextAction with that PaymentIntent's client secret.
        var page = await buyer.Client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-client-secret=\"{intent.Id}_secret_fake\"", await page.Content.ReadAsStringAsync());

        // A retry of the charge with the same key (the reconciler's or a replay) finds that intent; nothing new is made.
        var gateway = app.Services.GetRequiredService<Encore.Web.Payments.Stripe.StripeGateway>();
        var found = await gateway.FindPaymentByIdempotencyKeyAsync(offerKey, recordedAt, CancellationToken.None);
        Assert.Equal(intent.Id, found!.PaymentId);
        Assert.Equal(Encore.Web.Payments.PaymentStatus.RequiresAction, found.Status);

        app.Stripe.CompleteAuthentication(intent.Id, approve: true);
        var back = await buyer.Client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith("/pay/return/", back.Headers.Location!.OriginalString);
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(4700 + 9700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        Assert.Single(app.Stripe.Intents, i => i.IdempotencyKey == offerKey);
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task Refunds_go_through_Stripe_once_per_key_and_never_beyond_the_line()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);
        var key = Guid.NewGuid().ToString();

        var refund = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 700, key, "changed mind"), HttpStatusCode.Created);
        Assert.Equal("succeeded", refund["status"]!.GetValue<string>());
        await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 700, key, "changed mind"), HttpStatusCode.Created);
        var paymentId = await app.QueryAsync(db => db.Charges.Where(c => c.Id == bump.ChargeId).Select(c => c.GatewayPaymentId).SingleAsync());
        var stripeRefund = Assert.Single(app.Stripe.Refunds, r => r.PaymentIntent == paymentId);
        Assert.Equal(700, stripeRefund.Amount);
        Assert.Equal(refund["gatewayRefundId"]!.GetValue<string>(), stripeRefund.Id);

        await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, bump.Id, 1001, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);
        Assert.Equal(700, app.Stripe.Intents.Single(i => i.Id == paymentId).AmountRefunded);
    }

    [Fact]
    public async Task A_time_out_after_Stripe_created_the_intent_is_unknown_then_settled_as_succeeded()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var result = await WithFaultAsync(FakeStripeFault.DropAfterCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("processing", result["outcome"]!.GetValue<string>());
        Assert.Equal(ChargeStatus.Unknown, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        var (_, intents) = await app.ChargesAndIntentsAsync(buyer.OrderId);
        Assert.Single(intents, i => i.OffSession);
        Assert.Equal(16100, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_lost_answer_is_settled_as_succeeded_even_while_Stripes_search_index_lags()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await WithFaultAsync(FakeStripeFault.DropAfterCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        app.Stripe.SearchLags = true;
        try
        {
            await app.ReconcileAsync();
        }
        finally
        {
            app.Stripe.SearchLags = false;
        }
        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Theory]
    [InlineData(FakeSearchRefusal.NotAvailable)]
    [InlineData(FakeSearchRefusal.Forbidden)]
    [InlineData(FakeSearchRefusal.Unavailable)]
    public async Task A_lost_answer_is_settled_from_the_list_of_intents_when_Stripe_refuses_Search_even_hours_later(FakeSearchRefusal refusal)
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await WithFaultAsync(FakeStripeFault.DropAfterCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal(ChargeStatus.Unknown, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        var searches = app.Stripe.SearchCalls;
        app.Stripe.SearchRefusal = refusal;
        try
        {
            // Longer than any search-index lag: the list is bounded by the charge's own creation, not by "the last hours".
            app.Clock.Advance(TimeSpan.FromHours(3));
            await app.ReconcileAsync();
        }
        finally
        {
            app.Stripe.SearchRefusal = FakeSearchRefusal.None;
        }
        Assert.True(app.Stripe.SearchCalls > searches); // asked, refused, and not stopped by it
        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_request_Stripe_never_saw_is_settled_as_failed_from_the_list_when_Stripe_refuses_Search()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await WithFaultAsync(FakeStripeFault.DropBeforeCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        app.Stripe.SearchRefusal = FakeSearchRefusal.NotAvailable;
        try
        {
            await app.ReconcileAsync();
        }
        finally
        {
            app.Stripe.SearchRefusal = FakeSearchRefusal.None;
        }
        Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(Buyer.DownsellStep, (await buyer.GetOfferAsync())["step"]!["id"]!.GetValue<Guid>());
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_time_out_before_Stripe_saw_the_request_settles_as_failed_and_nothing_is_charged()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var result = await WithFaultAsync(FakeStripeFault.DropBeforeCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("processing", result["outcome"]!.GetValue<string>());

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(Buyer.DownsellStep, (await buyer.GetOfferAsync())["step"]!["id"]!.GetValue<Guid>());
        var (_, intents) = await app.ChargesAndIntentsAsync(buyer.OrderId);
        Assert.DoesNotContain(intents, i => i.OffSession);
        Assert.Equal(6400, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_500_from_Stripe_is_unknown_then_settled_from_Stripes_record()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var result = await WithFaultAsync(FakeStripeFault.ServerErrorAfterCreating, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("processing", result["outcome"]!.GetValue<string>());
        Assert.Equal(ChargeStatus.Unknown, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_crash_between_Stripes_charge_and_the_database_commit_is_settled_from_Stripes_record_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        var key = Guid.NewGuid().ToString();
        app.Database.FailNext(); // the UPDATE recording Stripe's answer fails, as if the process died right after the call
        var first = await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK);
        Assert.Equal("processing", first["outcome"]!.GetValue<string>());
        Assert.Equal(Buyer.Json(first), Buyer.Json(await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK)));
        await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Conflict);

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(16100, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        var (_, intents) = await app.ChargesAndIntentsAsync(buyer.OrderId);
        Assert.Single(intents, i => i.OffSession);
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_slow_answer_within_the_time_out_is_just_an_answer()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Stripe.SlowBy = TimeSpan.FromSeconds(1);
        var result = await WithFaultAsync(FakeStripeFault.Slow, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("accepted", result["outcome"]!.GetValue<string>());
        await app.AssertLedgerAgreesAsync(buyer.OrderId);
    }

    private async Task<JsonNode> WithFaultAsync(FakeStripeFault fault, Func<Task<JsonNode>> action)
    {
        app.Stripe.ChargeFault = fault;
        try
        {
            return await action();
        }
        finally
        {
            app.Stripe.ChargeFault = FakeStripeFault.None;
        }
    }
}

public sealed class StripeGatewayTests_Sqlite(StripeSqliteApp app) : StripeGatewayTests<StripeSqliteApp>(app);

public sealed class StripeGatewayTests_Postgres(StripePostgresApp app) : StripeGatewayTests<StripePostgresApp>(app);
