using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// The seller's subscriptions on the seller API: the list with its search, filters and pages, one subscription with its
/// renewal charges, and the seller's changes (cancel at the period's end or now with a refund, pause, resume, retry now),
/// each answered 200, 404 or 409 and never changing another seller's subscription.
/// </summary>
public abstract class SellerSubscriptionsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static readonly TimeSpan PastOnePeriod = TimeSpan.FromDays(32);

    private async Task BillAsync()
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
    }

    private static async Task<JsonNode> GetAsync(HttpClient api, Guid subscriptionId) =>
        await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/subscriptions/{subscriptionId}"), HttpStatusCode.OK);

    private static Task<HttpResponseMessage> CancelAsync(HttpClient api, Guid subscriptionId, object body) =>
        api.PostAsJsonAsync($"/api/v1/seller/subscriptions/{subscriptionId}/cancel", body);

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, Guid subscriptionId, string action) =>
        api.PostAsync($"/api/v1/seller/subscriptions/{subscriptionId}/{action}", null);

    private static List<Guid> Ids(JsonNode list) => list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    private Task<int> RenewalChargesAsync(Guid subscriptionId) =>
        app.QueryAsync(db => db.Charges.CountAsync(c => c.SubscriptionId == subscriptionId));

    [Fact]
    public async Task The_list_finds_subscriptions_by_email_or_product_filters_by_status_and_product_and_pages()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var letters = await shop.SellAsync("Calm Letters", 9900, "year");
        var adaEmail = $"ada-{Guid.NewGuid():N}@example.com";
        var ada = await shop.SubscribeAsync(adaEmail);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var bob = await shop.SubscribeAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var cy = await shop.SubscribeAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var dee = await shop.SubscribeAsync(funnel: letters);
        await Buyer.ReadAsync(await PostAsync(shop.Api, bob, "pause"), HttpStatusCode.OK);

        var all = await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions"), HttpStatusCode.OK);
        Assert.Equal(4, all["total"]!.GetValue<int>());
        Assert.Equal([dee, cy, bob, ada], Ids(all)); // newest first
        var first = all["items"]![3]!;
        Assert.Equal(adaEmail, first["email"]!.GetValue<string>());
        Assert.Equal("Sleep Club", first["product"]!.GetValue<string>());
        Assert.Equal("$29.00 every month", first["price"]!.GetValue<string>());
        Assert.Equal(2900, first["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal("month", first["recurring"]!["interval"]!.GetValue<string>());
        Assert.Equal("active", first["status"]!.GetValue<string>());

        async Task<List<Guid>> Find(string query) =>
            Ids(await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions?" + query), HttpStatusCode.OK));
        Assert.Equal([ada], await Find("q=" + Uri.EscapeDataString(adaEmail.ToUpperInvariant())));
        Assert.Equal([ada], await Find("q=" + Uri.EscapeDataString(adaEmail[..12])));
        Assert.Equal([dee], await Find("q=calm"));
        Assert.Equal([bob], await Find("status=paused"));
        Assert.Equal([dee], await Find($"productId={letters.ProductId}"));
        Assert.Equal([cy, ada], await Find($"productId={shop.Main.ProductId}&status=active"));
        var page1 = await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions?pageSize=3"), HttpStatusCode.OK);
        var page2 = await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions?pageSize=3&page=2"), HttpStatusCode.OK);
        Assert.Equal([dee, cy, bob], Ids(page1));
        Assert.Equal([ada], Ids(page2));
        Assert.Equal(4, page2["total"]!.GetValue<int>());

        foreach (var (query, field) in new[] { ("status=gone", "status"), ("productId=abc", "productId"), ("pageSize=500", "pageSize"), ("page=0", "page") })
        {
            var problem = await Buyer.ProblemAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions?" + query), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"{query} should name {field}: {problem.ToJsonString()}");
        }

        var page = await FormPage.GetAsync(shop.Pages, "/seller/subscriptions?q=calm");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"data-subscription-id=\"{dee}\"", page.Html);
        Assert.Contains("$99.00 every year", page.Html);
        Assert.DoesNotContain($"data-subscription-id=\"{ada}\"", page.Html);
        var paused = await FormPage.GetAsync(shop.Pages, $"/seller/subscriptions?status=paused&product={shop.Main.ProductId}");
        Assert.Contains($"data-subscription-id=\"{bob}\"", paused.Html);
        Assert.DoesNotContain($"data-subscription-id=\"{ada}\"", paused.Html);
        var paged = await FormPage.GetAsync(shop.Pages, "/seller/subscriptions?pageSize=3");
        Assert.Contains("rel=\"next\" href=\"/seller/subscriptions?pageSize=3&amp;page=2\"", paged.Html);
        Assert.Contains($"data-subscription-id=\"{ada}\"", (await FormPage.GetAsync(shop.Pages, "/seller/subscriptions?pageSize=3&page=2")).Html);
        var bad = await FormPage.GetAsync(shop.Pages, "/seller/subscriptions?status=gone");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("Choose a status from the list.", bad.Html);

        var stranger = await app.NewSellerApiAsync();
        Assert.Equal(0, (await Buyer.ReadAsync(await stranger.GetAsync("/api/v1/seller/subscriptions"), HttpStatusCode.OK))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_detail_shows_the_terms_status_next_charge_card_and_every_renewal_charge_with_its_order()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();
        var startedOrder = await app.QueryAsync(db => db.Subscriptions.Where(s => s.Id == id).Select(s => s.OrderId).SingleAsync());
        app.Clock.Advance(PastOnePeriod);
        await BillAsync();

        var s = await GetAsync(shop.Api, id);
        Assert.Equal("active", s["status"]!.GetValue<string>());
        Assert.Equal(startedOrder, s["orderId"]!.GetValue<Guid>());
        Assert.Equal(shop.Main.FunnelId, s["funnelId"]!.GetValue<Guid>());
        Assert.Equal("Sleep Club funnel", s["funnel"]!.GetValue<string>());
        Assert.Equal("Sleep Club", s["product"]!.GetValue<string>());
        Assert.Equal(2900, s["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal("USD", s["amount"]!["currency"]!.GetValue<string>());
        Assert.Equal("month", s["recurring"]!["interval"]!.GetValue<string>());
        Assert.Equal("$29.00 every month", s["price"]!.GetValue<string>());
        Assert.Equal(2, s["paymentsMade"]!.GetValue<int>());
        Assert.Equal(s["firstPaymentAt"]!.GetValue<DateTimeOffset>().AddMonths(2), s["nextChargeAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("visa", s["card"]!["brand"]!.GetValue<string>());
        Assert.Equal("4242", s["card"]!["last4"]!.GetValue<string>());
        Assert.Equal(0, s["dunning"]!["failedAttempts"]!.GetValue<int>());
        Assert.Null(s["dunning"]!["lastDeclineCode"]);
        var charge = Assert.Single(s["charges"]!.AsArray())!;
        Assert.Equal(2, charge["payment"]!.GetValue<int>());
        Assert.Equal(1, charge["attempt"]!.GetValue<int>());
        Assert.Equal("succeeded", charge["status"]!.GetValue<string>());
        Assert.Equal(2900, charge["amount"]!["amount"]!.GetValue<long>());
        var renewal = Assert.Single(s["renewalOrders"]!.AsArray())!;
        Assert.Equal(charge["orderId"]!.GetValue<Guid>(), renewal["id"]!.GetValue<Guid>());
        Assert.Equal(2, renewal["payment"]!.GetValue<int>());
        Assert.Equal("paid", renewal["status"]!.GetValue<string>());
        Assert.Null(s["message"]);

        await shop.SignInAgainAsync();
        var page = await FormPage.GetAsync(shop.Pages, $"/seller/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("$29.00 every month", page.Html);
        Assert.Contains("visa •••• 4242", WebUtility.HtmlDecode(page.Html));
        Assert.Contains($"data-charge-id=\"{charge["id"]}\"", page.Html);
        Assert.Contains($"/seller/orders/{startedOrder}", page.Html);
        Assert.Contains("handler=cancel", page.Html);
        Assert.Contains("handler=pause", page.Html);
        Assert.DoesNotContain("handler=resume", page.Html);
        Assert.DoesNotContain("handler=retry", page.Html);
    }

    [Fact]
    public async Task Cancelling_at_the_period_end_keeps_it_until_then_and_then_nothing_more_is_charged()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();

        var cancelled = await Buyer.ReadAsync(await CancelAsync(shop.Api, id, new { }), HttpStatusCode.OK);
        Assert.Equal("active", cancelled["status"]!.GetValue<string>());
        Assert.True(cancelled["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Equal("seller", cancelled["cancelReason"]!.GetValue<string>());
        Assert.StartsWith("Cancelled. No further charges; access until", cancelled["message"]!.GetValue<string>());

        app.Clock.Advance(PastOnePeriod);
        await BillAsync();
        var ended = await GetAsync(shop.Api, id);
        Assert.Equal("canceled", ended["status"]!.GetValue<string>());
        Assert.Null(ended["nextChargeAt"]);
        Assert.NotNull(ended["endedAt"]);
        Assert.Empty(ended["charges"]!.AsArray());
        Assert.Equal(0, await RenewalChargesAsync(id));
    }

    [Fact]
    public async Task Cancelling_now_with_a_refund_ends_it_and_refunds_the_last_payments_line()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();

        var cancelled = await Buyer.ReadAsync(await CancelAsync(shop.Api, id, new { atPeriodEnd = false, refundLastPayment = true }), HttpStatusCode.OK);
        Assert.Equal("canceled", cancelled["status"]!.GetValue<string>());
        Assert.False(cancelled["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Null(cancelled["nextChargeAt"]);
        Assert.Equal("Cancelled. No further charges. The last payment was refunded.", cancelled["message"]!.GetValue<string>());
        var refund = Assert.Single(cancelled["refunds"]!.AsArray())!;
        Assert.Equal("succeeded", refund["status"]!.GetValue<string>());
        Assert.Equal(2900, refund["amount"]!["amount"]!.GetValue<long>());

        var line = await app.QueryAsync(db => db.OrderLines.AsNoTracking().SingleAsync(l => l.SubscriptionId == id));
        var row = await app.QueryAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.OrderLineId == line.Id));
        Assert.Equal(refund["id"]!.GetValue<Guid>(), row.Id);
        Assert.Equal(RefundStatus.Succeeded, row.Status);
        Assert.Equal(line.Amount, line.RefundedAmount);
        Assert.Equal(2900, (await Orders.SandboxRefundsAsync(app, line.ChargeId)).Sum(r => r.Amount));
        // The refund is in the seller's audit log once, as the API key's.
        var audited = Assert.Single(await app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == row.Id.ToString()).ToListAsync()));
        Assert.Equal((Encore.Web.Features.Sellers.Audit.AuditActions.RefundIssued, shop.SellerId, true), (audited.Action, audited.SellerId, audited.ActorApiKeyId is not null));

        app.Clock.Advance(PastOnePeriod);
        await BillAsync();
        Assert.Equal(0, await RenewalChargesAsync(id));
    }

    [Fact]
    public async Task Cancelling_twice_is_409_and_changes_nothing()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var atPeriodEnd = await shop.SubscribeAsync();
        var now = await shop.SubscribeAsync();
        await Buyer.ReadAsync(await CancelAsync(shop.Api, atPeriodEnd, new { atPeriodEnd = true }), HttpStatusCode.OK);
        await Buyer.ReadAsync(await CancelAsync(shop.Api, now, new { atPeriodEnd = false, refundLastPayment = true }), HttpStatusCode.OK);

        foreach (var id in new[] { atPeriodEnd, now })
        {
            var before = Buyer.Json(await GetAsync(shop.Api, id));
            foreach (var body in new object[] { new { atPeriodEnd = true }, new { atPeriodEnd = false, refundLastPayment = true } })
            {
                var problem = await Buyer.ProblemAsync(await CancelAsync(shop.Api, id, body), HttpStatusCode.Conflict);
                Assert.Equal("not_applicable", problem["code"]!.GetValue<string>());
                Assert.Contains("already", problem["detail"]!.GetValue<string>());
            }
            Assert.Equal(before, Buyer.Json(await GetAsync(shop.Api, id)));
        }
        Assert.Equal(1, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.SellerId == shop.SellerId)));
    }

    [Fact]
    public async Task A_paused_subscription_is_not_charged_until_resumed_and_then_what_is_due_is_charged()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();

        var paused = await Buyer.ReadAsync(await PostAsync(shop.Api, id, "pause"), HttpStatusCode.OK);
        Assert.Equal("paused", paused["status"]!.GetValue<string>());
        Assert.Null(paused["nextChargeAt"]);
        Assert.Equal("Paused: nothing is charged until you resume it.", paused["message"]!.GetValue<string>());
        await Buyer.ProblemAsync(await PostAsync(shop.Api, id, "pause"), HttpStatusCode.Conflict);

        app.Clock.Advance(PastOnePeriod);
        await BillAsync();
        Assert.Equal(0, await RenewalChargesAsync(id));

        var resumed = await Buyer.ReadAsync(await PostAsync(shop.Api, id, "resume"), HttpStatusCode.OK);
        Assert.Equal("active", resumed["status"]!.GetValue<string>());
        Assert.Equal(app.Clock.GetUtcNow(), resumed["nextChargeAt"]!.GetValue<DateTimeOffset>());
        Assert.StartsWith("Resumed: the next payment is on", resumed["message"]!.GetValue<string>());
        await Buyer.ProblemAsync(await PostAsync(shop.Api, id, "resume"), HttpStatusCode.Conflict);

        await BillAsync();
        var charged = await GetAsync(shop.Api, id);
        Assert.Equal(2, charged["paymentsMade"]!.GetValue<int>());
        Assert.Equal("succeeded", Assert.Single(charged["charges"]!.AsArray())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retry_now_charges_a_declined_renewal_again_at_once_and_only_when_past_due()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync(paymentMethod: SandboxTestCards.DeclinedOffSession);
        var notDue = await Buyer.ProblemAsync(await PostAsync(shop.Api, id, "retry"), HttpStatusCode.Conflict);
        Assert.Equal("Only a past-due payment can be retried.", notDue["detail"]!.GetValue<string>());
        Assert.Equal(0, await RenewalChargesAsync(id));

        app.Clock.Advance(PastOnePeriod);
        await BillAsync();
        var pastDue = await GetAsync(shop.Api, id);
        Assert.Equal("past_due", pastDue["status"]!.GetValue<string>());
        Assert.Equal(1, pastDue["dunning"]!["failedAttempts"]!.GetValue<int>());
        Assert.Equal("generic_decline", pastDue["dunning"]!["lastDeclineCode"]!.GetValue<string>());
        Assert.Equal(app.Clock.GetUtcNow(), pastDue["dunning"]!["dunningStartedAt"]!.GetValue<DateTimeOffset>());
        await shop.SignInAgainAsync();
        var page = await FormPage.GetAsync(shop.Pages, $"/seller/subscriptions/{id}");
        Assert.Contains("data-testid=\"dunning\"", page.Html);
        Assert.Contains("handler=retry", page.Html);

        var retried = await Buyer.ReadAsync(await PostAsync(shop.Api, id, "retry"), HttpStatusCode.OK);
        Assert.Equal("past_due", retried["status"]!.GetValue<string>());
        Assert.Equal("The payment was tried again and declined; dunning goes on.", retried["message"]!.GetValue<string>());
        Assert.Equal(2, retried["dunning"]!["failedAttempts"]!.GetValue<int>());
        var charges = retried["charges"]!.AsArray();
        Assert.Equal([1, 2], charges.Select(c => c!["attempt"]!.GetValue<int>()));
        Assert.All(charges, c => Assert.Equal("failed", c!["status"]!.GetValue<string>()));
        Assert.All(charges, c => Assert.Equal(2, c!["payment"]!.GetValue<int>()));
        Assert.Single(retried["renewalOrders"]!.AsArray());
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_changes_nothing()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();
        var before = Buyer.Json(await GetAsync(shop.Api, id));

        var both = await Buyer.ProblemAsync(await CancelAsync(shop.Api, id, new { atPeriodEnd = true, refundLastPayment = true }), HttpStatusCode.BadRequest);
        Assert.NotNull(both["errors"]!["refundLastPayment"]);
        var refundOnly = await Buyer.ProblemAsync(await CancelAsync(shop.Api, id, new { refundLastPayment = true }), HttpStatusCode.BadRequest);
        Assert.NotNull(refundOnly["errors"]!["refundLastPayment"]);
        var wrongType = await Buyer.ProblemAsync(await shop.Api.PostAsync($"/api/v1/seller/subscriptions/{id}/cancel",
            new StringContent("""{"atPeriodEnd":"soon"}""", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.NotNull(wrongType["errors"]!["atPeriodEnd"]);

        Assert.Equal(before, Buyer.Json(await GetAsync(shop.Api, id)));
        Assert.Equal(0, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.SellerId == shop.SellerId)));
    }

    [Fact]
    public async Task Another_sellers_subscription_is_404_on_every_route_and_changes_nothing()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();
        var before = Buyer.Json(await GetAsync(shop.Api, id));
        var strangerShop = await SellerSubscriptionShop.OpenAsync(app, "Stranger Club");

        await Buyer.ProblemAsync(await strangerShop.Api.GetAsync($"/api/v1/seller/subscriptions/{id}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await CancelAsync(strangerShop.Api, id, new { atPeriodEnd = false, refundLastPayment = true }), HttpStatusCode.NotFound);
        foreach (var action in new[] { "pause", "resume", "retry" })
            await Buyer.ProblemAsync(await PostAsync(strangerShop.Api, id, action), HttpStatusCode.NotFound);
        Assert.Empty(Ids(await Buyer.ReadAsync(await strangerShop.Api.GetAsync($"/api/v1/seller/subscriptions?q={id}"), HttpStatusCode.OK)));

        Assert.Equal(HttpStatusCode.NotFound, (await strangerShop.Pages.GetAsync($"/seller/subscriptions/{id}")).StatusCode);
        var token = (await FormPage.GetAsync(strangerShop.Pages, "/seller/subscriptions/settings")).AntiforgeryToken;
        foreach (var handler in new[] { "cancel", "cancelnow", "pause", "resume", "retry" })
        {
            var response = await strangerShop.Pages.PostAsync($"/seller/subscriptions/{id}?handler={handler}",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(before, Buyer.Json(await GetAsync(shop.Api, id)));
        Assert.Equal(0, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.SellerId == shop.SellerId)));
    }

    [Fact]
    public async Task The_pages_buttons_pause_resume_and_cancel_now_with_a_refund_and_say_what_they_did()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var id = await shop.SubscribeAsync();
        var url = $"/seller/subscriptions/{id}";

        async Task<FormPage> Press(string handler, HttpStatusCode expected)
        {
            var page = await FormPage.GetAsync(shop.Pages, url);
            var response = await page.PostAsync(shop.Pages, $"{url}?handler={handler}");
            var after = new FormPage(response.StatusCode, await response.Content.ReadAsStringAsync());
            Assert.True(expected == after.Status, $"{handler}: {(int)after.Status} {after.Html}");
            return after;
        }

        var paused = await Press("pause", HttpStatusCode.OK);
        Assert.Contains("Paused: nothing is charged until you resume it.", paused.Html);
        Assert.Contains("handler=resume", paused.Html);
        Assert.DoesNotContain("handler=pause", paused.Html);
        var resumed = await Press("resume", HttpStatusCode.OK);
        Assert.Contains("Resumed: the next payment is on", resumed.Html);
        Assert.Equal(SubscriptionStatus.Active, await app.QueryAsync(db => db.Subscriptions.Where(s => s.Id == id).Select(s => s.Status).SingleAsync()));

        var cancelled = await Press("cancelnow", HttpStatusCode.OK);
        Assert.Contains("Cancelled. No further charges. The last payment was refunded.", cancelled.Html);
        Assert.Contains("data-refund-id=", cancelled.Html);
        Assert.DoesNotContain("handler=cancel", cancelled.Html);
        Assert.Equal(SubscriptionStatus.Canceled, await app.QueryAsync(db => db.Subscriptions.Where(s => s.Id == id).Select(s => s.Status).SingleAsync()));

        var again = await Press("cancel", HttpStatusCode.Conflict);
        Assert.Contains("This subscription is already over: nothing more will be charged.", again.Html);
        Assert.Equal(1, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.SellerId == shop.SellerId)));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_subscription_endpoints()
    {
        var paths = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.Equal("ListSellerSubscriptions", paths["/api/v1/seller/subscriptions"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("GetSubscriptionAnalytics", paths["/api/v1/seller/subscriptions/analytics"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(paths["/api/v1/seller/subscriptions/{subscriptionId}"]!["get"]);
        foreach (var action in new[] { "cancel", "pause", "resume", "retry" })
            Assert.NotNull(paths[$"/api/v1/seller/subscriptions/{{subscriptionId}}/{action}"]!["post"]!["responses"]!["409"]);
    }
}

public sealed class SqliteSellerSubscriptionsTests(SqliteApp app) : SellerSubscriptionsTests<SqliteApp>(app);

public sealed class PostgresSellerSubscriptionsTests(PostgresApp app) : SellerSubscriptionsTests<PostgresApp>(app);
