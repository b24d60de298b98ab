using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>Time and lost answers: the window closes for good; an unknown outcome is settled by the gateway's own record.</summary>
public abstract class WindowAndReconcilerTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Expired_offer_is_gone_and_nothing_is_charged()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));

        var offer = await buyer.GetOfferAsync();
        Assert.Equal("expired", offer["status"]!.GetValue<string>());
        Assert.Null(offer["step"]);
        var accept = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Gone);
        Assert.Equal("expired", accept["code"]!.GetValue<string>());
        await Buyer.ProblemAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.Gone);
        Assert.Equal(0, await app.QueryAsync(db => db.Charges.CountAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer)));
        Assert.Equal(0, await app.QueryAsync(db => db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId)));
        Assert.Equal(1, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        Assert.Equal(Domain.PostPurchase.StepState.Expired, await app.QueryAsync(db =>
            db.StepVisits.Where(v => db.PostPurchaseSessions.Any(s => s.Id == v.SessionId && s.OrderId == buyer.OrderId)).Select(v => v.State).SingleAsync()));
    }

    [Fact]
    public async Task An_answer_lost_after_charging_is_processing_then_settled_as_accepted()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var result = await WithFaultAsync(ChargeFault.AnswerLostAfterCharging, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("processing", result["outcome"]!.GetValue<string>());
        Assert.Equal("processing", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(ChargeStatus.Unknown, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal("completed", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
        var order = await buyer.GetOrderAsync();
        Assert.Contains(order["lines"]!.AsArray(), l => l!["kind"]!.GetValue<string>() == "offer");
        Assert.Equal(16100, order["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task A_charge_that_never_reached_the_gateway_settles_as_failed_and_moves_on()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var result = await WithFaultAsync(ChargeFault.NeverReached, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        Assert.Equal("processing", result["outcome"]!.GetValue<string>());

        await app.ReconcileAsync();

        Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        var next = await buyer.GetOfferAsync();
        Assert.Equal(Buyer.DownsellStep, next["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal(6400, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task A_look_after_a_few_seconds_learns_a_lost_answer_from_the_gateway_but_never_guesses_one()
    {
        var charged = new Buyer(app.CreateClient());
        await charged.CheckoutAsync();
        await WithFaultAsync(ChargeFault.AnswerLostAfterCharging, () => charged.AcceptCurrentAsync(Buyer.OfferStep));
        var unseen = new Buyer(app.CreateClient());
        await unseen.CheckoutAsync();
        await WithFaultAsync(ChargeFault.NeverReached, () => unseen.AcceptCurrentAsync(Buyer.OfferStep));

        app.Clock.Advance(ChargeStatusCheck.AskAfter);

        // The gateway has the charge: the buyer's next look records it, without waiting for the reconciler.
        Assert.Equal("completed", (await charged.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, charged.OrderId));
        await Ledger.AssertAgreesAsync(app, charged.OrderId);
        // The gateway never saw it: that may still change while the request could be in flight, so it stays open.
        Assert.Equal("processing", (await unseen.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal(ChargeStatus.Unknown, await Ledger.OfferChargeStatusAsync(app, unseen.OrderId));
    }

    [Fact]
    public async Task Reconciling_twice_changes_nothing_more()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await WithFaultAsync(ChargeFault.AnswerLostAfterCharging, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        await app.ReconcileAsync();
        await app.ReconcileAsync();
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task A_database_that_refuses_the_answer_after_charging_never_leads_to_a_second_charge()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        var key = Guid.NewGuid().ToString();
        app.Database.FailNext();
        var first = await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK);
        Assert.Equal("processing", first["outcome"]!.GetValue<string>());
        var retry = await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK);
        Assert.Equal(Buyer.Json(first), Buyer.Json(retry));
        await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Conflict);

        await app.ReconcileAsync();
        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(16100, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task A_checkout_whose_answer_cannot_be_recorded_is_retried_safely()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var body = new { funnel = Buyer.Funnel, email = "crash@example.com", name = "C", paymentMethod = "pm_card_visa", savePaymentMethodForOffers = true };
        app.Database.FailNext();
        var first = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, body, key), HttpStatusCode.Created);
        Assert.Equal("processing", first["next"]!["kind"]!.GetValue<string>());
        var retry = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, body, key), HttpStatusCode.Created);
        Assert.Equal(first["orderId"]!.GetValue<Guid>(), retry["orderId"]!.GetValue<Guid>());

        await app.ReconcileAsync();
        var orderId = first["orderId"]!.GetValue<Guid>();
        Assert.Equal(OrderStatus.Paid, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == "crash@example.com")));
        await Ledger.AssertAgreesAsync(app, orderId);
    }

    [Fact]
    public async Task Two_reconcilers_at_once_settle_a_lost_answer_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await WithFaultAsync(ChargeFault.AnswerLostAfterCharging, () => buyer.AcceptCurrentAsync(Buyer.OfferStep));
        app.Clock.Advance(Reconciler.Grace + TimeSpan.FromSeconds(1));

        // Two instances' background jobs, each in its own scope and transaction, on the same charge.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, 2).Select(async _ =>
        {
            await gate.Task;
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Reconciler>().RunOnceAsync(CancellationToken.None);
        }).ToList();
        gate.SetResult();
        await Task.WhenAll(runs);

        Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        Assert.Equal(4700 + 1700 + 9700, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Theory]
    [InlineData(ChargeFault.AnswerLostAfterCharging, "active", OrderStatus.Paid)]
    [InlineData(ChargeFault.NeverReached, "void", OrderStatus.PaymentFailed)]
    public async Task A_checkout_whose_answer_was_lost_is_processing_until_the_reconciler_settles_it(
        ChargeFault fault, string sessionAfter, OrderStatus orderAfter)
    {
        var buyer = new Buyer(app.CreateClient());
        app.Faults.OnSessionFault = fault;
        JsonNode checkout;
        try { checkout = await buyer.CheckoutAsync(); }
        finally { app.Faults.OnSessionFault = ChargeFault.None; }
        Assert.Equal("processing", checkout["next"]!["kind"]!.GetValue<string>());
        Assert.Equal("awaiting_payment", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());

        await app.ReconcileAsync();

        Assert.Equal(orderAfter, await app.QueryAsync(db => db.Orders.Where(o => o.Id == buyer.OrderId).Select(o => o.Status).SingleAsync()));
        var offer = await buyer.GetOfferAsync();
        Assert.Equal(sessionAfter, offer["status"]!.GetValue<string>());
        if (orderAfter == OrderStatus.Paid) Assert.Equal(Buyer.OfferStep, offer["step"]!["id"]!.GetValue<Guid>());
        else Assert.Null(offer["step"]);
        Assert.Equal(orderAfter == OrderStatus.Paid ? 1 : 0, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    private async Task<T> WithFaultAsync<T>(ChargeFault fault, Func<Task<T>> action)
    {
        app.Faults.OffSessionFault = fault;
        try { return await action(); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
    }
}

public sealed class WindowAndReconcilerTests_Sqlite(SqliteApp app) : WindowAndReconcilerTests<SqliteApp>(app);

public sealed class WindowAndReconcilerTests_Postgres(PostgresApp app) : WindowAndReconcilerTests<PostgresApp>(app);
