using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Free trials on Stripe: a checkout of a trial alone charges nothing and saves the card with a SetupIntent (Stripe has
/// no PaymentIntent of 0); the billing run charges that card off-session when the trial is over; a subscriber's new
/// card is a SetupIntent too. Through Encore's real pipeline against the fake Stripe API on loopback.
/// </summary>
public abstract class StripeTrialTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : StripeApp
{
    private const long Monthly = 2900;

    [Fact]
    public async Task A_trial_checkout_saves_the_card_with_a_SetupIntent_and_billing_charges_it_off_session_once_the_trial_is_over()
    {
        var slug = await TrialFunnelAsync();
        var created = await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_visa"), HttpStatusCode.Created);
        Assert.Equal("thank-you", created["next"]!["kind"]!.GetValue<string>());
        Assert.Equal(0, created["total"]!["amount"]!.GetValue<long>());
        var orderId = created["orderId"]!.GetValue<Guid>();

        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        Assert.Equal($"encore:checkout:{orderId:N}", charge.IdempotencyKey);
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == charge.IdempotencyKey);
        Assert.Equal(("succeeded", "off_session"), (setup.Status, setup.Usage));
        Assert.NotNull(setup.Customer);
        Assert.StartsWith("pm_", setup.PaymentMethod);
        Assert.NotEqual("pm_card_visa", setup.PaymentMethod);
        Assert.Equal(setup.Customer, app.Stripe.CustomerOf(setup.PaymentMethod!)); // saved for off-session charges
        Assert.DoesNotContain(app.Stripe.Intents, i => i.IdempotencyKey == charge.IdempotencyKey || i.Customer == setup.Customer);
        Assert.Equal((ChargeStatus.Succeeded, 0L, setup.Id), (charge.Status, charge.Amount, charge.GatewayPaymentId));
        Assert.Equal(OrderStatus.Paid, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync()));
        Assert.Contains("$0.00", await (await app.CreateClient().GetAsync(created["receiptUrl"]!.GetValue<string>())).Content.ReadAsStringAsync());
        var subscription = await SubscriptionAsync(orderId);
        Assert.Equal(SubscriptionStatus.Trialing, subscription.Status);
        Assert.Equal((setup.Customer, setup.PaymentMethod, "visa", "4242"),
            (subscription.GatewayCustomerId, subscription.PaymentMethodId, subscription.CardBrand, subscription.CardLast4));
        await app.AssertLedgerAgreesAsync(orderId);

        app.Clock.Advance(TimeSpan.FromDays(8));
        await BillAsync();

        var renewal = Assert.Single(app.Stripe.Intents, i => i.Customer == setup.Customer);
        Assert.Equal($"encore:renewal:{subscription.Id:N}:0", renewal.IdempotencyKey);
        Assert.Equal((Monthly, "usd", true, "succeeded", setup.PaymentMethod),
            (renewal.Amount, renewal.Currency, renewal.OffSession, renewal.Status, (string?)renewal.PaymentMethod));
        var renewed = await SubscriptionAsync(orderId);
        Assert.Equal((SubscriptionStatus.Active, 1), (renewed.Status, renewed.PaymentsMade));
        var renewalCharge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.SubscriptionId == subscription.Id));
        Assert.Equal((ChargeStatus.Succeeded, Monthly, renewal.Id), (renewalCharge.Status, renewalCharge.Amount, renewalCharge.GatewayPaymentId));

        // Billing again at the same moment charges nothing more: the next payment is a month away.
        await BillAsync();
        Assert.Single(app.Stripe.Intents, i => i.Customer == setup.Customer);
        await app.AssertLedgerAgreesAsync(renewalCharge.OrderId);
    }

    [Fact]
    public async Task A_setup_whose_answer_was_lost_is_unknown_then_settled_by_the_reconciler_without_a_second_setup()
    {
        var slug = await TrialFunnelAsync();
        (app.Stripe.ChargeFault, app.Stripe.FaultTimes) = (FakeStripeFault.DropAfterCreating, 1);
        var created = await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_visa"), HttpStatusCode.Created);
        Assert.Equal("processing", created["next"]!["kind"]!.GetValue<string>());
        var orderId = created["orderId"]!.GetValue<Guid>();
        Assert.Equal(ChargeStatus.Unknown, await CheckoutChargeStatusAsync(orderId));
        Assert.Equal(0, await app.QueryAsync(db => db.Subscriptions.CountAsync(s => s.OrderId == orderId)));
        var setupsCreated = app.Stripe.SetupCreateCalls;

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await CheckoutChargeStatusAsync(orderId));
        Assert.Equal(setupsCreated, app.Stripe.SetupCreateCalls); // read, never made again
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == $"encore:checkout:{orderId:N}");
        var subscription = await SubscriptionAsync(orderId);
        Assert.Equal((SubscriptionStatus.Trialing, setup.PaymentMethod), (subscription.Status, subscription.PaymentMethodId));
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_setup_intent_succeeded_event_settles_a_setup_whose_answer_was_lost()
    {
        var slug = await TrialFunnelAsync();
        (app.Stripe.ChargeFault, app.Stripe.FaultTimes) = (FakeStripeFault.ServerErrorAfterCreating, 1);
        var orderId = (await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_visa"), HttpStatusCode.Created))["orderId"]!.GetValue<Guid>();
        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        Assert.Equal(ChargeStatus.Unknown, charge.Status);
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == charge.IdempotencyKey);

        var body = StripeEvents.Event("evt_" + Guid.NewGuid().ToString("N"), "setup_intent.succeeded", new JsonObject
        {
            ["id"] = setup.Id, ["object"] = "setup_intent", ["status"] = "succeeded", ["usage"] = "off_session",
            ["metadata"] = new JsonObject { ["encore_charge"] = charge.Id.ToString() },
        });
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.SendAsync(app.CreateClient(), body)).StatusCode);

        Assert.Equal(ChargeStatus.Succeeded, await CheckoutChargeStatusAsync(orderId));
        var subscription = await SubscriptionAsync(orderId);
        Assert.Equal((SubscriptionStatus.Trialing, setup.PaymentMethod), (subscription.Status, subscription.PaymentMethodId));
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_setup_request_that_never_reached_Stripe_is_settled_as_failed_and_starts_nothing()
    {
        var slug = await TrialFunnelAsync();
        (app.Stripe.ChargeFault, app.Stripe.FaultTimes) = (FakeStripeFault.DropBeforeCreating, 1);
        var created = await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_visa"), HttpStatusCode.Created);
        var orderId = created["orderId"]!.GetValue<Guid>();
        Assert.Equal(ChargeStatus.Unknown, await CheckoutChargeStatusAsync(orderId));

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Failed, await CheckoutChargeStatusAsync(orderId));
        Assert.Equal(OrderStatus.PaymentFailed, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync()));
        Assert.DoesNotContain(app.Stripe.Setups, s => s.IdempotencyKey == $"encore:checkout:{orderId:N}");
        Assert.Equal(0, await app.QueryAsync(db => db.Subscriptions.CountAsync(s => s.OrderId == orderId)));
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_on_the_setup_goes_to_Encores_Stripe_js_page_with_the_SetupIntents_secret()
    {
        var slug = await TrialFunnelAsync();
        var client = app.CreateClient();
        var created = await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_authenticationRequired", client), HttpStatusCode.Created);
        Assert.Equal("requires_action", created["next"]!["kind"]!.GetValue<string>());
        var actionUrl = created["next"]!["actionUrl"]!.GetValue<string>();
        var orderId = created["orderId"]!.GetValue<Guid>();
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == $"encore:checkout:{orderId:N}");
        Assert.StartsWith($"/pay/authenticate/{setup.Id}?return=%2Fpay%2Freturn%2F", actionUrl);

        var page = await client.GetAsync(actionUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-client-secret=\"{setup.Id}_secret_fake\"", html);
        Assert.Contains("Confirm your card", html);
        Assert.Contains("/js/stripe-authenticate.js", html);

        await app.BankAnswersAsync(actionUrl, approve: true);
        var back = await client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith("/pay/return/", back.Headers.Location!.OriginalString);
        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await CheckoutChargeStatusAsync(orderId));
        var subscription = await SubscriptionAsync(orderId);
        Assert.Equal((SubscriptionStatus.Trialing, setup.PaymentMethod), (subscription.Status, subscription.PaymentMethodId));
        Assert.Equal(setup.Customer, app.Stripe.CustomerOf(setup.PaymentMethod!));
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_card_declined_at_setup_is_402_and_starts_nothing()
    {
        var slug = await TrialFunnelAsync();
        var problem = await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_chargeDeclined"), HttpStatusCode.PaymentRequired);
        Assert.Equal("generic_decline", problem["declineCode"]!.GetValue<string>());
        var orderId = problem["orderId"]!.GetValue<Guid>();
        Assert.Equal(ChargeStatus.Failed, await CheckoutChargeStatusAsync(orderId));
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == $"encore:checkout:{orderId:N}");
        Assert.Equal("requires_payment_method", setup.Status);
        Assert.Equal(0, await app.QueryAsync(db => db.Subscriptions.CountAsync(s => s.OrderId == orderId)));
        Assert.DoesNotContain(app.Stripe.Intents, i => i.Customer == setup.Customer);
        await app.AssertLedgerAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_new_card_is_saved_with_a_SetupIntent_once_per_request_key_and_the_renewal_charges_it()
    {
        var slug = await TrialFunnelAsync();
        var orderId = (await Buyer.ReadAsync(await CheckoutAsync(slug, "pm_card_visa"), HttpStatusCode.Created))["orderId"]!.GetValue<Guid>();
        var subscription = await SubscriptionAsync(orderId);
        var key = $"encore:card:{subscription.Id:N}:first";

        var updated = await UpdateCardAsync(subscription.Id, "pm_card_mastercard", "first");
        Assert.Equal(ManageOutcome.Done, updated.Outcome);
        var again = await UpdateCardAsync(subscription.Id, "pm_card_mastercard", "first"); // a double click: Stripe replays the setup
        Assert.Equal(ManageOutcome.Done, again.Outcome);
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == key);
        Assert.Equal(("succeeded", subscription.GatewayCustomerId), (setup.Status, setup.Customer));
        Assert.Equal(subscription.GatewayCustomerId, app.Stripe.CustomerOf(setup.PaymentMethod!));
        var withNewCard = await SubscriptionAsync(orderId);
        Assert.Equal((setup.PaymentMethod, "mastercard", "4444"), (withNewCard.PaymentMethodId, withNewCard.CardBrand, withNewCard.CardLast4));

        // The reconciler's way of asking finds the setup by its key; and a declined card changes nothing.
        var gateway = app.Services.GetRequiredService<StripeGateway>();
        var found = await gateway.FindPaymentByIdempotencyKeyAsync(key, app.Clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal((setup.Id, PaymentStatus.Succeeded, 0L, "USD"), (found!.PaymentId, found.Status, found.Amount, found.Currency));
        Assert.Equal(new SavedCard(setup.PaymentMethod!, "mastercard", "4444"), found.Card);
        Assert.Equal(ManageOutcome.CardRefused, (await UpdateCardAsync(subscription.Id, "pm_card_chargeDeclined", "second")).Outcome);
        Assert.Equal(setup.PaymentMethod, (await SubscriptionAsync(orderId)).PaymentMethodId);

        app.Clock.Advance(TimeSpan.FromDays(8));
        await BillAsync();
        var renewal = Assert.Single(app.Stripe.Intents, i => i.Customer == subscription.GatewayCustomerId);
        Assert.Equal(($"encore:renewal:{subscription.Id:N}:0", "succeeded", (string?)setup.PaymentMethod, Monthly),
            (renewal.IdempotencyKey, renewal.Status, (string?)renewal.PaymentMethod, renewal.Amount));
    }

    [Fact]
    public async Task A_trial_checkout_and_a_new_card_on_the_manage_page_are_SetupIntents_their_ConfirmationTokens_confirm()
    {
        var slug = await TrialFunnelAsync();
        var token = await app.ConfirmationTokenAsync("pm_card_visa", keepsCard: true);
        var created = await Buyer.ReadAsync(await CheckoutAsync(slug, token), HttpStatusCode.Created);
        var orderId = created["orderId"]!.GetValue<Guid>();

        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        var setup = Assert.Single(app.Stripe.Setups, s => s.IdempotencyKey == charge.IdempotencyKey);
        Assert.Equal(("succeeded", token), (setup.Status, setup.ConfirmationToken));
        Assert.Equal(setup.Customer, app.Stripe.CustomerOf(setup.PaymentMethod!));
        Assert.DoesNotContain(app.Stripe.Intents, i => i.ConfirmationToken == token);
        var subscription = await SubscriptionAsync(orderId);
        Assert.Equal((setup.PaymentMethod, "visa", "4242"), (subscription.PaymentMethodId, subscription.CardBrand, subscription.CardLast4));

        // The manage page's Payment Element makes a token too: the new card is a SetupIntent it confirms, on the same customer.
        var client = app.CreateClient();
        string link;
        using (var scope = app.Services.CreateScope())
            link = new Uri(scope.ServiceProvider.GetRequiredService<ManageLinks>().UrlFor(subscription.Id)).PathAndQuery;
        var page = await FormPage.GetAsync(client, link);
        Assert.Contains("name=\"Input.ConfirmationToken\"", page.Html);
        var newCard = await app.ConfirmationTokenAsync("pm_card_mastercard", keepsCard: true);
        var saved = await page.PostAsync(client, link + "?handler=Card", ("Input.ConfirmationToken", newCard), ("CardKey", page.Value("CardKey")));
        Assert.Contains("ending in 4444 is saved", WebUtility.HtmlDecode(await saved.Content.ReadAsStringAsync()));
        var second = Assert.Single(app.Stripe.Setups, s => s.ConfirmationToken == newCard);
        Assert.Equal(("succeeded", subscription.GatewayCustomerId), (second.Status, second.Customer));
        var updated = await SubscriptionAsync(orderId);
        Assert.Equal((second.PaymentMethod, "mastercard", "4444"), (updated.PaymentMethodId, updated.CardBrand, updated.CardLast4));
    }

    /// <summary>A seller's funnel whose main product is $29.00 a month after a 7-day trial, published; its slug.</summary>
    private async Task<string> TrialFunnelAsync()
    {
        var api = await app.NewSellerApiAsync();
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Calm Club", description = "Calm Club.", topics = new[] { "anxiety" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount = Monthly, currency = "USD", recurring = new { interval = "month", intervalCount = 1, trialDays = 7 } }), HttpStatusCode.Created);
        var slug = $"calm-{Guid.NewGuid():N}"[..20];
        var funnel = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels",
            new { name = "Calm Club", slug, windowMinutes = 30, main = new { priceId = price["id"]!.GetValue<Guid>(), terms = SellerTerms.For(price) } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnel}/publish", null), HttpStatusCode.OK);
        return slug;
    }

    private Task<HttpResponseMessage> CheckoutAsync(string slug, string paymentMethod, HttpClient? client = null) =>
        Buyer.PostCheckoutAsync(client ?? app.CreateClient(), new
        {
            funnel = slug, email = $"trial-{Guid.NewGuid():N}@example.com", name = "Tria L", paymentMethod,
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        });

    private Task<ChargeStatus> CheckoutChargeStatusAsync(Guid orderId) =>
        app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId && c.Kind == ChargeKind.Checkout).Select(c => c.Status).SingleAsync());

    private Task<Subscription> SubscriptionAsync(Guid orderId) =>
        app.QueryAsync(db => db.Subscriptions.AsNoTracking().SingleAsync(s => s.OrderId == orderId));

    /// <summary>One pass of the billing run, as the background job would run it (other tests' subscriptions may be due too).</summary>
    private async Task BillAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
    }

    private async Task<ManageResult> UpdateCardAsync(Guid subscriptionId, string paymentMethod, string requestKey)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SubscriptionManagement>()
            .UpdateCardAsync(subscriptionId, paymentMethod, requestKey, CancellationToken.None);
    }
}

public sealed class StripeTrialTests_Sqlite(StripeSqliteApp app) : StripeTrialTests<StripeSqliteApp>(app);

public sealed class StripeTrialTests_Postgres(StripePostgresApp app) : StripeTrialTests<StripePostgresApp>(app);
