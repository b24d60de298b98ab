using System.Net;
using Encore.Domain.PostPurchase;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Stripe's <c>payment_intent.payment_failed</c> for an off-session charge the bank wants authenticated is sent at once,
/// while Encore is still confirming the same PaymentIntent on-session for the buyer; it must not end the charge. The fake
/// delivers the event in the middle of Encore's confirmation call (before answering it), as a fast webhook would arrive.
/// </summary>
public abstract class StripeAuthenticationRaceTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : StripeApp
{
    private const string Confirm = "/v1/payment_intents/{id}/confirm";

    /// <summary>Arms the race: Stripe's failure event for the intent is delivered before the fake answers Encore's on-session confirmation.</summary>
    private List<FakeEvent> FailureEventBeforeTheConfirmationReturns()
    {
        var raced = new List<FakeEvent>();
        app.Stripe.BeforeNextCall("POST", Confirm, async id =>
            raced.AddRange(await app.Stripe.DeliverAsync(e => e.ObjectId == id && e.Type == "payment_intent.payment_failed")));
        return raced;
    }

    [Fact]
    public async Task A_failure_event_that_arrives_before_the_buyers_confirmation_returns_does_not_end_the_one_click_charge()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await app.BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        Assert.Equal("active", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());

        var raced = FailureEventBeforeTheConfirmationReturns();
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);

        var failure = Assert.Single(raced);
        Assert.Equal([HttpStatusCode.OK], failure.Answers);
        Assert.Equal("requires_action", accept["outcome"]!.GetValue<string>());
        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));
        Assert.Equal((ChargeStatus.RequiresAction, failure.ObjectId), (charge.Status, charge.GatewayPaymentId));
        var offer = await buyer.GetOfferAsync();
        Assert.Equal("requires_action", offer["status"]!.GetValue<string>());
        Assert.Equal(StepState.AwaitingAuthentication, await app.QueryAsync(db => db.StepVisits // not moved on to the downsell
            .Where(v => v.SessionId == charge.SessionId && v.StepId == Buyer.OfferStep).Select(v => v.State).SingleAsync()));
        var actionUrl = accept["actionUrl"]!.GetValue<string>();
        var page = await buyer.Client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-client-secret=\"{charge.GatewayPaymentId}_secret_fake\"", await page.Content.ReadAsStringAsync());

        // The buyer authenticates. Stripe's events for the intent arrive newest first (success, then the challenge), the
        // failure event once more (a redelivery), and the buyer comes back: the charge succeeds once.
        app.Stripe.CompleteAuthentication(charge.GatewayPaymentId!, approve: true);
        var later = await app.Stripe.DeliverAsync(e => e.ObjectId == charge.GatewayPaymentId, newestFirst: true);
        Assert.Equal(["payment_intent.succeeded", "payment_intent.requires_action"], later.Select(e => e.Type));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(failure));
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync(actionUrl)).StatusCode);
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(4700 + 9700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        Assert.Single(app.Stripe.Intents, i => i.Id == charge.GatewayPaymentId && i.Status == "succeeded");
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_failure_event_that_arrives_before_the_confirmation_returns_does_not_fail_a_renewal_awaiting_the_bank()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "day", intervalCount = 1, trialDays = 0 }));
        var client = app.CreateClient();
        var checkout = await shop.CheckoutAsync(client, "pm_card_authenticationRequired", $"race-{Guid.NewGuid():N}@example.com");
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        await app.BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        await app.Stripe.DeliverAsync(); // Stripe's word that the checkout succeeded: the subscription starts
        var subscription = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.Active, 1), (subscription.Status, subscription.PaymentsMade));

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var raced = FailureEventBeforeTheConfirmationReturns();
        await SubscriptionShop.BillAsync(app);

        var failure = Assert.Single(raced);
        Assert.Equal([HttpStatusCode.OK], failure.Answers);
        var renewal = Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
        Assert.Equal((ChargeStatus.RequiresAction, failure.ObjectId), (renewal.Status, renewal.GatewayPaymentId));
        var waiting = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.PastDue, 0, "authentication_required"), (waiting.Status, waiting.FailedAttempts, waiting.LastDeclineCode));
        Assert.Equal(1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == renewal.OrderId && m.Kind == EmailKind.AuthenticationNeeded)));
        Assert.Equal(0, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == renewal.OrderId && m.Kind == EmailKind.PaymentFailed)));

        // The buyer follows the mail's link to the bank and says yes; Stripe's events settle it once.
        var page = await client.GetAsync(StripeGateway.AuthenticationPath + renewal.GatewayPaymentId);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        app.Stripe.CompleteAuthentication(renewal.GatewayPaymentId!, approve: true);
        await app.Stripe.DeliverAsync(e => e.ObjectId == renewal.GatewayPaymentId);
        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
        var paid = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.Active, 2, 0), (paid.Status, paid.PaymentsMade, paid.FailedAttempts));
        await app.AssertLedgerAgreesAsync(renewal.OrderId);
    }

    [Fact]
    public async Task A_buyer_who_never_authenticates_leaves_the_charge_waiting_nothing_is_charged_and_the_window_ends_when_they_return()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await app.BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("requires_action", accept["outcome"]!.GetValue<string>());
        await app.Stripe.DeliverAsync(); // Stripe's events (the decline, the challenge) change nothing

        // A day and more: the window (30 minutes) and the reconciler's horizon for bank pages pass.
        app.Clock.Advance(Encore.Web.Payments.Reconciler.AuthenticationHorizon + TimeSpan.FromMinutes(1));
        await app.ReconcileAsync();
        await app.ReconcileAsync();

        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));
        Assert.Equal(ChargeStatus.RequiresAction, charge.Status);
        Assert.Equal("requires_action", app.Stripe.Intents.Single(i => i.Id == charge.GatewayPaymentId).Status);
        Assert.Equal(SessionStatus.Active, await app.QueryAsync(db => db.PostPurchaseSessions.Where(s => s.Id == charge.SessionId).Select(s => s.Status).SingleAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));

        // The buyer comes back: the window has closed, nothing more is offered, and what was paid is what was charged.
        Assert.Equal("expired", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(4700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task The_authentication_page_runs_Stripe_js_only_for_a_charge_Encore_still_waits_on()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await app.BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        var actionUrl = accept["actionUrl"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await buyer.Client.GetAsync(actionUrl)).StatusCode);

        // Encore has settled the charge (as the race above used to: failed, the buyer sent to the downsell) while Stripe's
        // PaymentIntent still waits for the bank. Authenticating it now would take money for a step Encore has closed.
        var chargeId = await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer).Select(c => c.Id).SingleAsync());
        await app.QueryAsync(db => db.Charges.Where(c => c.Id == chargeId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChargeStatus.Failed).SetProperty(c => c.DeclineCode, "authentication_required")));

        var page = await buyer.Client.GetAsync(actionUrl);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/pay/return/", page.Headers.Location!.OriginalString);
        Assert.DoesNotContain("data-client-secret", await page.Content.ReadAsStringAsync());

        // Nor a PaymentIntent that waits for a bank but is no charge of Encore's at all.
        var gateway = app.Services.GetRequiredService<StripeGateway>();
        var stray = await gateway.ChargeAsync(new ChargeRequest
        {
            Amount = 500, Currency = "USD", PaymentMethodId = "pm_card_authenticationRequired", IdempotencyKey = "stray-" + Guid.NewGuid(),
        }, CancellationToken.None);
        Assert.Equal(PaymentStatus.RequiresAction, stray.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.Client.GetAsync(StripeGateway.AuthenticationPath + stray.PaymentId)).StatusCode);
    }
}

public sealed class StripeAuthenticationRaceTests_Sqlite(StripeSqliteApp app) : StripeAuthenticationRaceTests<StripeSqliteApp>(app);

public sealed class StripeAuthenticationRaceTests_Postgres(StripePostgresApp app) : StripeAuthenticationRaceTests<StripePostgresApp>(app);
