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
        Assert.Equal(2, await SucceededLedgerChargesAsync(buyer.OrderId));
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
        Assert.Equal(1, await SucceededLedgerChargesAsync(buyer.OrderId));

        var refused = new Buyer(app.CreateClient());
        var refusedCheckout = await refused.CheckoutAsync("pm_card_authenticationRequired");
        await BankAnswersAsync(refusedCheckout["next"]!["actionUrl"]!.GetValue<string>(), approve: false);
        Assert.Equal("void", (await refused.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(OrderStatus.PaymentFailed, await app.QueryAsync(db => db.Orders.Where(o => o.Id == refused.OrderId).Select(o => o.Status).SingleAsync()));
        Assert.Equal(0, await SucceededLedgerChargesAsync(refused.OrderId));
    }

    private async Task BankAnswersAsync(string actionUrl, bool approve)
    {
        var paymentId = actionUrl[SandboxGateway.AuthenticationPath.Length..];
        await app.Services.GetRequiredService<SandboxGateway>().CompleteAuthenticationAsync(paymentId, approve, CancellationToken.None);
    }

    private Task<int> SucceededLedgerChargesAsync(Guid orderId) => app.QueryAsync(db =>
        db.SandboxPaymentIntents.CountAsync(i => i.Status == SandboxIntentStatus.Succeeded &&
                                                 db.Charges.Any(c => c.OrderId == orderId && c.IdempotencyKey == i.IdempotencyKey)));
}

public sealed class AuthenticationTests_Sqlite(SqliteApp app) : AuthenticationTests<SqliteApp>(app);

public sealed class AuthenticationTests_Postgres(PostgresApp app) : AuthenticationTests<PostgresApp>(app);
