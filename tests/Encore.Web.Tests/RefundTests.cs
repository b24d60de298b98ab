using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Refunds;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>Refunds of one line, fully or partly: exactly once per key, never beyond the line, settled when the answer is lost.</summary>
public abstract class RefundTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>Encore's refunds and the Sandbox ledger agree for the line, and the line's reservation is what is not failed.</summary>
    private async Task AssertLedgerAgreesAsync(Guid orderId, OrderLineKind kind, long expectedRefunded)
    {
        var line = await Orders.LineAsync(app, orderId, kind);
        var refunds = await app.QueryAsync(db => db.Refunds.AsNoTracking().Where(r => r.OrderLineId == line.Id).ToListAsync());
        var sandbox = await Orders.SandboxRefundsAsync(app, line.ChargeId);
        Assert.Equal(expectedRefunded, line.RefundedAmount);
        Assert.True(line.RefundedAmount <= line.Amount);
        Assert.Equal(expectedRefunded, refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount));
        Assert.Equal(expectedRefunded, sandbox.Sum(r => r.Amount));
        Assert.Equal(
            refunds.Where(r => r.Status == RefundStatus.Succeeded).Select(r => r.GatewayRefundId).Order(),
            sandbox.Select(r => (string?)r.Id).Order());
    }

    [Fact]
    public async Task A_line_is_refunded_in_full_when_no_amount_is_given()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);

        var refund = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, null, NewKey(), "Did not want the worksheets"), HttpStatusCode.Created);
        Assert.Equal("succeeded", refund["status"]!.GetValue<string>());
        Assert.Equal(1700, refund["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal("Did not want the worksheets", refund["reason"]!.GetValue<string>());
        Assert.StartsWith("re_", refund["gatewayRefundId"]!.GetValue<string>());
        Assert.StartsWith("api key enc_sk_", refund["requestedBy"]!.GetValue<string>());
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Bump, 1700);

        var order = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(6400, order["totals"]!["charged"]!["amount"]!.GetValue<long>());
        Assert.Equal(1700, order["totals"]!["refunded"]!["amount"]!.GetValue<long>());
        Assert.Equal(4700, order["totals"]!["net"]!["amount"]!.GetValue<long>());
        var line = order["lines"]!.AsArray().Single(l => l!["kind"]!.GetValue<string>() == "bump")!;
        Assert.Equal(0, line["left"]!["amount"]!.GetValue<long>());

        var again = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, bump.Id, null, NewKey()), HttpStatusCode.BadRequest);
        Assert.Equal("nothing_left", again["code"]!.GetValue<string>());
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Bump, 1700);
    }

    [Fact]
    public async Task Partial_refunds_add_up_to_the_line_and_not_a_cent_more()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var api = await Orders.DemoApiAsync(app);

        foreach (var amount in new long[] { 1000, 2000, 1700 })
        {
            var refund = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, main.Id, amount, NewKey()), HttpStatusCode.Created);
            Assert.Equal("succeeded", refund["status"]!.GetValue<string>());
        }
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 4700);
        var more = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 1, NewKey()), HttpStatusCode.BadRequest);
        Assert.Equal("amount_exceeds_refundable", more["code"]!.GetValue<string>());
        Assert.Contains("$0.00 is left", more["detail"]!.GetValue<string>());
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 4700);
        Assert.Equal(3, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderLineId == main.Id)));
        // The other line is untouched.
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Bump)).RefundedAmount);
    }

    [Fact]
    public async Task Too_much_zero_negative_a_long_reason_or_no_key_is_refused_and_changes_nothing()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var api = await Orders.DemoApiAsync(app);

        var tooMuch = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 4701, NewKey()), HttpStatusCode.BadRequest);
        Assert.Equal("amount_exceeds_refundable", tooMuch["code"]!.GetValue<string>());
        Assert.Contains("$47.01", tooMuch["detail"]!.GetValue<string>());
        Assert.Contains("$47.00 is left", tooMuch["detail"]!.GetValue<string>());
        Assert.NotNull(tooMuch["errors"]!["amount"]);
        var zero = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 0, NewKey()), HttpStatusCode.BadRequest);
        Assert.NotNull(zero["errors"]!["amount"]);
        await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, -100, NewKey()), HttpStatusCode.BadRequest);
        var reason = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 100, NewKey(), new string('x', 501)), HttpStatusCode.BadRequest);
        Assert.NotNull(reason["errors"]!["reason"]);
        var noKey = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 100, null), HttpStatusCode.BadRequest);
        Assert.NotNull(noKey["errors"]!["Idempotency-Key"]);
        await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, Guid.NewGuid(), 100, NewKey()), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await Orders.RefundAsync(api, Guid.NewGuid(), main.Id, 100, NewKey()), HttpStatusCode.NotFound);

        Assert.Equal(0, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderId == orderId)));
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 0);
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_response_and_refunds_once()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var api = await Orders.DemoApiAsync(app);
        var key = NewKey();

        var first = await Orders.RefundAsync(api, orderId, main.Id, 1500, key, "damaged");
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await Orders.RefundAsync(api, orderId, main.Id, 1500, key, "damaged");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        var other = await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, main.Id, 1600, key, "damaged"), (HttpStatusCode)422);
        Assert.Equal("idempotency_key_reused", other["code"]!.GetValue<string>());

        Assert.Equal(1, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderLineId == main.Id)));
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 1500);
    }

    [Fact]
    public async Task Ten_concurrent_refunds_that_together_exceed_the_line_never_refund_more_than_the_line()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var api = await Orders.DemoApiAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Orders.RefundAsync(api, orderId, main.Id, 1000, NewKey())));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(4, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderLineId == main.Id && r.Status == RefundStatus.Succeeded)));
        Assert.Equal(0, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderLineId == main.Id && r.Status != RefundStatus.Succeeded)));
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 4000);
    }

    [Fact]
    public async Task Concurrent_refunds_of_the_whole_line_with_one_key_refund_once()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Orders.RefundAsync(api, orderId, bump.Id, null, key)));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderLineId == bump.Id)));
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Bump, 1700);
    }

    [Fact]
    public async Task The_page_refunds_part_of_a_line_once_even_when_the_form_is_sent_twice()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/orders/{orderId}");
        Assert.Equal("47.00", page.Value("amount"));
        Assert.Contains("data-confirm=", page.Html);
        var key = page.Value("key");
        (string, string)[] form = [("lineId", main.Id.ToString()), ("amount", "10.5"), ("reason", "late delivery"), ("key", key)];

        var first = await page.PostAsync(seller, $"/seller/orders/{orderId}?handler=refund", form);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith($"/seller/orders/{orderId}?refund=", first.Headers.Location!.OriginalString);
        var twice = await page.PostAsync(seller, $"/seller/orders/{orderId}?handler=refund", form);
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        Assert.Equal(first.Headers.Location, twice.Headers.Location);
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 1050);
        var refund = await app.QueryAsync(db => db.Refunds.SingleAsync(r => r.OrderLineId == main.Id));
        Assert.Equal(Encore.Web.Data.DemoSeed.DemoLoginEmail, refund.RequestedBy);
        Assert.Equal("late delivery", refund.Reason);

        var after = await FormPage.GetAsync(seller, first.Headers.Location!.OriginalString);
        Assert.Contains("data-testid=\"total-refunded\">$10.50<", after.Html);
        Assert.Contains("data-testid=\"total-net\">$53.50<", after.Html);
        Assert.Equal("36.50", after.Value("amount"));
        Assert.NotEqual(key, after.Value("key"));

        var tooMuch = await after.PostAsync(seller, $"/seller/orders/{orderId}?handler=refund",
            ("lineId", main.Id.ToString()), ("amount", "36.51"), ("key", after.Value("key")));
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        var html = await tooMuch.Content.ReadAsStringAsync();
        Assert.Contains("only $36.50 is left to refund on this line. Nothing was refunded.", html);
        var inexact = await after.PostAsync(seller, $"/seller/orders/{orderId}?handler=refund",
            ("lineId", main.Id.ToString()), ("amount", "1.005"), ("key", after.Value("key")));
        Assert.Equal(HttpStatusCode.BadRequest, inexact.StatusCode);
        Assert.Contains("Enter the amount as a number like 17.50", await inexact.Content.ReadAsStringAsync());
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 1050);
    }

    [Fact]
    public async Task A_refund_the_gateway_refuses_is_failed_and_gives_its_reservation_back()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var paymentId = await app.QueryAsync(db => db.Charges.Where(c => c.Id == main.ChargeId).Select(c => c.GatewayPaymentId!).SingleAsync());
        // Someone refunded the whole payment at the gateway directly: the gateway now refuses more.
        var sandbox = app.Services.GetRequiredService<SandboxGateway>();
        Assert.True((await sandbox.RefundAsync(new RefundRequest(paymentId, 6400, "outside-encore-" + NewKey()), CancellationToken.None)).Succeeded);
        var api = await Orders.DemoApiAsync(app);

        var refund = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, main.Id, 1000, NewKey()), HttpStatusCode.Created);
        Assert.Equal("failed", refund["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(refund["failureMessage"]!.GetValue<string>()));
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Main)).RefundedAmount);
        Assert.Equal(RefundStatus.Failed, await app.QueryAsync(db => db.Refunds.Where(r => r.OrderLineId == main.Id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, await app.ReconcileAsync());
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Main)).RefundedAmount);
    }

    [Fact]
    public async Task A_refund_on_the_Sandboxs_refund_fail_card_is_pending_then_fails_and_gives_the_amount_back_to_the_line()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app, paymentMethod: SandboxTestCards.RefundFail);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);
        var refund = await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 1000, NewKey(), "pending then failed"), HttpStatusCode.Created);
        Assert.Equal("pending", refund["status"]!.GetValue<string>());
        Assert.Equal(1000, (await Orders.LineAsync(app, orderId, OrderLineKind.Bump)).RefundedAmount); // reserved meanwhile

        await app.ReconcileAsync(); // less than the Sandbox bank's minute: still pending
        Assert.Equal(RefundStatus.Pending, await app.QueryAsync(db => db.Refunds.Where(r => r.OrderLineId == bump.Id).Select(r => r.Status).SingleAsync()));
        app.Clock.Advance(SandboxGateway.RefundFailsAfter);
        await app.ReconcileAsync();

        var failed = await app.QueryAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.OrderLineId == bump.Id));
        Assert.Equal(RefundStatus.Failed, failed.Status);
        Assert.Contains("could not return the money", failed.FailureMessage);
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Bump)).RefundedAmount);
        var order = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("failed", order["refunds"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(0, order["totals"]!["refunded"]!["amount"]!.GetValue<long>());
        var paymentId = await app.QueryAsync(db => db.Charges.Where(c => c.Id == bump.ChargeId).Select(c => c.GatewayPaymentId).SingleAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.SandboxPaymentIntents.Where(i => i.Id == paymentId).Select(i => i.AmountRefunded).SingleAsync()));
        await app.ReconcileAsync();
        Assert.Equal(0, (await Orders.LineAsync(app, orderId, OrderLineKind.Bump)).RefundedAmount); // given back once
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_lost_gateway_answer_leaves_the_refund_unknown_and_the_reconciler_settles_it_once(bool refundedBeforeTheAnswerWasLost)
    {
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var main = await Orders.LineAsync(app, orderId, OrderLineKind.Main);

        RefundResultView result;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var losing = new LosingGateway(scope.ServiceProvider.GetRequiredService<IPaymentGateway>(), refundedBeforeTheAnswerWasLost);
            var settlement = ActivatorUtilities.CreateInstance<RefundSettlement>(scope.ServiceProvider, losing);
            var service = ActivatorUtilities.CreateInstance<RefundService>(scope.ServiceProvider, settlement);
            result = await service.RefundAsync(new RefundCommand(
                Encore.Web.Data.DemoSeed.SellerId, orderId, main.Id, 2500, "lost", NewKey(), "test"), CancellationToken.None);
        }
        Assert.Equal(RefundOutcome.Open, result.Outcome);
        Assert.Equal(RefundStatus.Unknown, await app.QueryAsync(db => db.Refunds.Where(r => r.OrderLineId == main.Id).Select(r => r.Status).SingleAsync()));
        // The reservation holds while the outcome is unknown: nobody can refund it twice in the meantime.
        Assert.Equal(2500, (await Orders.LineAsync(app, orderId, OrderLineKind.Main)).RefundedAmount);
        Assert.Equal(refundedBeforeTheAnswerWasLost ? 1 : 0, (await Orders.SandboxRefundsAsync(app, main.ChargeId)).Count);
        var api = await Orders.DemoApiAsync(app);
        var order = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(2500, order["totals"]!["refundedPending"]!["amount"]!.GetValue<long>());
        Assert.Equal("unknown", order["refunds"]![0]!["status"]!.GetValue<string>());

        Assert.Equal(1, await app.ReconcileAsync());
        Assert.Equal(0, await app.ReconcileAsync());

        var settled = await app.QueryAsync(db => db.Refunds.SingleAsync(r => r.OrderLineId == main.Id));
        Assert.Equal(RefundStatus.Succeeded, settled.Status);
        Assert.NotNull(settled.SettledAt);
        Assert.Single(await Orders.SandboxRefundsAsync(app, main.ChargeId));
        await AssertLedgerAgreesAsync(orderId, OrderLineKind.Main, 2500);
    }

    /// <summary>The real gateway whose refund answers are lost, after (or before) it refunded.</summary>
    private sealed class LosingGateway(IPaymentGateway inner, bool refundFirst) : IPaymentGateway
    {
        public string Name => inner.Name;
        public Task<SavedCard?> DescribePaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken) => inner.DescribePaymentMethodAsync(paymentMethodId, cancellationToken);
        public Task<GatewayCustomer> CreateCustomerAsync(CreateCustomerRequest request, CancellationToken cancellationToken) => inner.CreateCustomerAsync(request, cancellationToken);
        public Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken) => inner.ChargeAsync(request, cancellationToken);
        public Task<PaymentResult?> FindPaymentByIdempotencyKeyAsync(string idempotencyKey, DateTimeOffset recordedAt, CancellationToken cancellationToken) => inner.FindPaymentByIdempotencyKeyAsync(idempotencyKey, recordedAt, cancellationToken);
        public Task<PaymentResult> GetPaymentAsync(string paymentId, CancellationToken cancellationToken) => inner.GetPaymentAsync(paymentId, cancellationToken);

        public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
        {
            if (refundFirst) await inner.RefundAsync(request, cancellationToken);
            throw new GatewayUnavailableException("Injected: the refund's answer was lost.");
        }

        public Task<RefundResult> GetRefundAsync(string refundId, CancellationToken cancellationToken) => inner.GetRefundAsync(refundId, cancellationToken);
        public Task<IReadOnlyList<RefundResult>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken) => inner.ListRefundsAsync(paymentId, cancellationToken);
        public Task DetachPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken) => inner.DetachPaymentMethodAsync(paymentMethodId, cancellationToken);
    }
}

public sealed class RefundTests_Sqlite(SqliteApp app) : RefundTests<SqliteApp>(app);

public sealed class RefundTests_Postgres(PostgresApp app) : RefundTests<PostgresApp>(app);
