using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// Refunds as Stripe gives them: <c>pending</c> or <c>requires_action</c> until Stripe says more, <c>succeeded</c>, and
/// <c>failed</c> or <c>canceled</c> later (even after succeeding), which gives the amount back to the line. Settled by
/// Stripe's events (<c>refund.updated</c>, <c>refund.failed</c>, <c>charge.refund.updated</c>) or by the reconciler; refunds
/// made in Stripe's Dashboard show up under Stripe's refund id.
/// </summary>
public abstract class StripeRefundTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : StripeApp
{
    private static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>The demo seller listens to every event, so that Encore writes them (it writes none for a seller without an endpoint).</summary>
    private async Task ListenAsync()
    {
        if (await app.QueryAsync(db => db.WebhookEndpoints.AnyAsync(e => e.SellerId == Encore.Web.Data.DemoSeed.SellerId))) return;
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.OK, (await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", $"https://hooks.example/{Guid.NewGuid():N}"))).StatusCode);
    }

    /// <summary>Refunds $7.00 of the bump ($17.00) of a new order, with Stripe answering <paramref name="status"/>.</summary>
    private async Task<(Guid OrderId, OrderLine Bump, HttpClient Api, JsonNode Refund)> RefundBumpAsync(string status)
    {
        await ListenAsync();
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);
        app.Stripe.NewRefundStatus = status;
        try
        {
            return (orderId, bump, api, await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 700, NewKey(), "changed mind"), HttpStatusCode.Created));
        }
        finally
        {
            app.Stripe.NewRefundStatus = "succeeded";
        }
    }

    private static async Task<JsonNode> OrderAsync(HttpClient api, Guid orderId) =>
        await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);

    private static long Left(JsonNode order, Guid lineId) =>
        order["lines"]!.AsArray().Single(l => l!["id"]!.GetValue<Guid>() == lineId)!["left"]!["amount"]!.GetValue<long>();

    private Task<int> RefundedEventsAsync(Guid orderId, string type = "order.refunded") =>
        app.QueryAsync(db => db.WebhookEvents.CountAsync(e => e.OrderId == orderId && e.Type == type));

    [Theory]
    [InlineData("pending")]
    [InlineData("requires_action")]
    public async Task A_refund_Stripe_has_not_finished_keeps_Stripes_status_and_its_reservation_until_Stripe_settles_it(string status)
    {
        var (orderId, bump, api, refund) = await RefundBumpAsync(status);
        Assert.Equal(status, refund["status"]!.GetValue<string>());
        var refundId = refund["gatewayRefundId"]!.GetValue<string>();
        Assert.Equal(status, Assert.Single(app.Stripe.Refunds, r => r.Id == refundId).Status);
        var order = await OrderAsync(api, orderId);
        Assert.Equal(status, order["refunds"]!.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal(1000, Left(order, bump.Id)); // reserved: not refundable twice
        Assert.Equal(700, order["totals"]!["refundedPending"]!["amount"]!.GetValue<long>());
        Assert.Equal(0, await RefundedEventsAsync(orderId));
        var page = await (await (await app.SignInAsDemoAsync()).GetAsync($"/seller/orders/{orderId}")).Content.ReadAsStringAsync();
        Assert.Contains(status == "pending" ? ">Pending<" : ">Waiting for the buyer<", page);

        app.Stripe.SettleRefund(refundId, "succeeded");
        var delivered = await app.Stripe.DeliverAsync(e => e.ObjectId == refundId);
        Assert.All(delivered, e => Assert.Equal([HttpStatusCode.OK], e.Answers));

        var settled = await OrderAsync(api, orderId);
        Assert.Equal("succeeded", settled["refunds"]!.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal(700, settled["totals"]!["refundedSucceeded"]!["amount"]!.GetValue<long>());
        Assert.Equal(1000, Left(settled, bump.Id));
        Assert.Equal(1, await RefundedEventsAsync(orderId));
    }

    [Theory]
    [InlineData("pending", "failed")]
    [InlineData("succeeded", "failed")] // Stripe's pm_card_refundFail: the refund succeeds, then fails days later
    [InlineData("requires_action", "canceled")]
    public async Task A_refund_that_fails_later_gives_the_amount_back_to_the_line(string first, string last)
    {
        var (orderId, bump, api, refund) = await RefundBumpAsync(first);
        Assert.Equal(first, refund["status"]!.GetValue<string>());
        var refundId = refund["gatewayRefundId"]!.GetValue<string>();

        app.Stripe.SettleRefund(refundId, last);
        var delivered = await app.Stripe.DeliverAsync(e => e.ObjectId == refundId, newestFirst: true);
        Assert.Contains(delivered, e => e.Type == (last == "failed" ? "refund.failed" : "refund.updated"));
        Assert.All(delivered, e => Assert.Equal([HttpStatusCode.OK], e.Answers));

        var order = await OrderAsync(api, orderId);
        var failed = order["refunds"]!.AsArray().Single()!;
        Assert.Equal(last, failed["status"]!.GetValue<string>());
        Assert.Equal(1700, Left(order, bump.Id)); // refundable again, once
        Assert.Equal(0, order["totals"]!["refunded"]!["amount"]!.GetValue<long>());
        Assert.Equal(1, await RefundedEventsAsync(orderId, "order.refund_failed"));
        // The same events again (Stripe's retries) give nothing back twice.
        foreach (var e in delivered) Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(e));
        Assert.Equal(1700, Left(await OrderAsync(api, orderId), bump.Id));

        var again = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, null, NewKey()), HttpStatusCode.Created);
        Assert.Equal(("succeeded", 1700L), (again["status"]!.GetValue<string>(), again["amount"]!["amount"]!.GetValue<long>()));
        Assert.Equal(0, Left(await OrderAsync(api, orderId), bump.Id));
    }

    [Fact]
    public async Task The_reconciler_settles_an_open_refund_when_no_event_comes()
    {
        var (orderId, bump, api, refund) = await RefundBumpAsync("pending");
        var refundId = refund["gatewayRefundId"]!.GetValue<string>();
        await app.ReconcileAsync();
        Assert.Equal("pending", (await OrderAsync(api, orderId))["refunds"]!.AsArray().Single()!["status"]!.GetValue<string>());

        app.Stripe.SettleRefund(refundId, "failed"); // and its events are lost
        await app.ReconcileAsync();

        var order = await OrderAsync(api, orderId);
        var failed = order["refunds"]!.AsArray().Single()!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("expired_or_canceled_card", failed["failureMessage"]!.GetValue<string>());
        Assert.Equal(1700, Left(order, bump.Id));
    }

    [Fact]
    public async Task A_refund_made_in_Stripes_dashboard_shows_up_on_the_order_once_under_Stripes_refund_id_and_can_fail_later()
    {
        await ListenAsync();
        var (orderId, _, _) = await Orders.BuyAsync(app); // $47 + $17 in one charge
        var api = await Orders.DemoApiAsync(app);
        var charge = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == orderId && c.Kind == ChargeKind.Checkout));
        var refundId = app.Stripe.RefundInDashboard(charge.GatewayPaymentId!, 5000);

        // refund.created and charge.refunded (a charge without its refunds list) both name it; either order, each twice.
        var delivered = await app.Stripe.DeliverAsync(e => e.ObjectId == refundId || (e.Type == "charge.refunded" && e.Body.Contains(charge.GatewayPaymentId!)), newestFirst: true);
        Assert.Equal(["charge.refunded", "refund.created"], delivered.Select(e => e.Type));
        foreach (var e in delivered) Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(e));

        var refunds = await app.QueryAsync(db => db.Refunds.AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.Amount).ToListAsync());
        Assert.Equal([300L, 4700L], refunds.Select(r => r.Amount)); // the main line in full, then the bump in part
        Assert.All(refunds, r => Assert.Equal((RefundStatus.Succeeded, refundId, "stripe"), (r.Status, r.GatewayRefundId, r.RequestedBy)));
        var order = await OrderAsync(api, orderId);
        Assert.Equal(5000, order["totals"]!["refunded"]!["amount"]!.GetValue<long>());
        Assert.Equal(2, await RefundedEventsAsync(orderId)); // one per line, once

        // The bank could not return it after all.
        app.Stripe.SettleRefund(refundId, "failed", "lost_or_stolen_card");
        await app.Stripe.DeliverAsync(e => e.ObjectId == refundId);
        var after = await OrderAsync(api, orderId);
        Assert.All(after["refunds"]!.AsArray(), r => Assert.Equal("failed", r!["status"]!.GetValue<string>()));
        Assert.Equal(0, after["totals"]!["refunded"]!["amount"]!.GetValue<long>());
        Assert.All(after["lines"]!.AsArray(), l => Assert.Equal(0, l!["refunded"]!["amount"]!.GetValue<long>()));
        Assert.Equal(2, await RefundedEventsAsync(orderId, "order.refund_failed"));
    }
}

public sealed class StripeRefundTests_Sqlite(StripeSqliteApp app) : StripeRefundTests<StripeSqliteApp>(app);

public sealed class StripeRefundTests_Postgres(StripePostgresApp app) : StripeRefundTests<StripePostgresApp>(app);
