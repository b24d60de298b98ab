using System.Net;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>A bank that asks the buyer to authenticate: at checkout, and on the one-click charge (on-session recovery).</summary>
public abstract class AuthenticationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Authenticated_checkout_and_offer_each_charge_exactly_once()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired");
        Assert.Equal("requires_action", checkout["next"]!["kind"]!.GetValue<string>());
        var checkoutAction = checkout["next"]!["actionUrl"]!.GetValue<string>();
        Assert.StartsWith(SandboxGateway.AuthenticationPath, checkoutAction);
        Assert.Equal("awaiting_payment", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, new string('0', 64)), HttpStatusCode.Conflict);

        await BankAnswersAsync(checkoutAction, approve: true);
        var offer = await buyer.GetOfferAsync();
        Assert.Equal("active", offer["status"]!.GetValue<string>());

        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("requires_action", accept["outcome"]!.GetValue<string>());
        var offerAction = accept["actionUrl"]!.GetValue<string>();
        Assert.Equal("requires_action", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());

        await BankAnswersAsync(offerAction, approve: true);
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        await BankAnswersAsync(offerAction, approve: true); // a second click at the bank changes nothing
        var order = await buyer.GetOrderAsync();
        Assert.Equal(["main", "bump", "offer"], order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        Assert.Equal(16100, order["total"]!["amount"]!.GetValue<long>());
        Assert.Equal(2, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
    }

    [Fact]
    public async Task Failed_authentication_charges_nothing_and_moves_on()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);

        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        await BankAnswersAsync(accept["actionUrl"]!.GetValue<string>(), approve: false);
        var next = await buyer.GetOfferAsync();
        Assert.Equal(Buyer.DownsellStep, next["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal(4700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        Assert.Equal(1, await Ledger.SucceededChargesAsync(app, buyer.OrderId));

        var refused = new Buyer(app.CreateClient());
        var refusedCheckout = await refused.CheckoutAsync("pm_card_authenticationRequired");
        await BankAnswersAsync(refusedCheckout["next"]!["actionUrl"]!.GetValue<string>(), approve: false);
        Assert.Equal("void", (await refused.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(OrderStatus.PaymentFailed, await app.QueryAsync(db => db.Orders.Where(o => o.Id == refused.OrderId).Select(o => o.Status).SingleAsync()));
        Assert.Equal(0, await Ledger.SucceededChargesAsync(app, refused.OrderId));
    }

    [Fact]
    public async Task A_checkout_approved_at_the_bank_is_settled_even_if_the_buyer_never_comes_back()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired");
        await BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        // The buyer closes the tab at the bank: no page or API call of Encore's sees them again.

        await app.ReconcileAsync();

        Assert.Equal(OrderStatus.Paid, await app.QueryAsync(db => db.Orders.Where(o => o.Id == buyer.OrderId).Select(o => o.Status).SingleAsync()));
        Assert.Equal(1, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task A_one_click_charge_approved_at_the_bank_is_settled_even_if_the_buyer_never_comes_back()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        await BankAnswersAsync(accept["actionUrl"]!.GetValue<string>(), approve: true);

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        Assert.Equal(2, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(4700 + 9700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_one_click_charge_approved_after_the_window_closed_is_still_recorded()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal("expired", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        // The buyer agreed inside the window; the bank's page is still open, and they approve there now.
        await BankAnswersAsync(accept["actionUrl"]!.GetValue<string>(), approve: true);

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(4700 + 9700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
        Assert.Null((await buyer.GetOfferAsync())["step"]);
    }

    [Fact]
    public async Task A_bank_page_left_open_is_not_settled_before_the_buyer_answers()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await BankAnswersAsync(checkout["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var accept = await buyer.AcceptCurrentAsync(Buyer.OfferStep);

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.RequiresAction, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal("requires_action", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        await BankAnswersAsync(accept["actionUrl"]!.GetValue<string>(), approve: false);
        await app.ReconcileAsync();
        Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(Buyer.DownsellStep, (await buyer.GetOfferAsync())["step"]!["id"]!.GetValue<Guid>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    private async Task BankAnswersAsync(string actionUrl, bool approve)
    {
        var paymentId = actionUrl[SandboxGateway.AuthenticationPath.Length..];
        await app.Services.GetRequiredService<SandboxGateway>().CompleteAuthenticationAsync(paymentId, approve, CancellationToken.None);
    }
}

public sealed class AuthenticationTests_Sqlite(SqliteApp app) : AuthenticationTests<SqliteApp>(app);

public sealed class AuthenticationTests_Postgres(PostgresApp app) : AuthenticationTests<PostgresApp>(app);
