using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Webhooks;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Outgoing webhooks: written with the change, signed with the secret the seller saw once, retried with
/// back-off, sent once per delivery even by two dispatchers at once, redelivered by hand with the same event id,
/// and walled off from other sellers.
/// </summary>
public abstract partial class WebhookTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    /// <summary>Adds an endpoint on the demo seller's page; returns its id and the secret shown that once.</summary>
    private async Task<(HttpClient Seller, Guid EndpointId, string Url, string Secret)> AddEndpointAsync(params string[] events)
    {
        var seller = await app.SignInAsDemoAsync();
        var url = $"https://hooks.example/{Guid.NewGuid():N}";
        var page = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var fields = new List<(string, string)> { ("url", url) };
        fields.AddRange(events.Select(e => ("events", e)));
        var response = await page.PostAsync(seller, "/seller/webhooks?handler=create", [.. fields]);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var secret = SecretPattern().Match(html).Groups[1].Value;
        Assert.StartsWith("whsec_", secret);
        var endpointId = Guid.Parse(EndpointPattern().Match(html).Groups[1].Value);
        // Shown once: the list does not show it again, and the database keeps it sealed.
        Assert.DoesNotContain(secret, await seller.GetStringAsync("/seller/webhooks"));
        Assert.DoesNotContain(secret, await seller.GetStringAsync($"/seller/webhooks/{endpointId}"));
        var stored = await app.QueryAsync(db => db.WebhookEndpoints.SingleAsync(e => e.Id == endpointId));
        Assert.DoesNotContain(secret, stored.SecretProtected);
        return (seller, endpointId, url, secret);
    }

    private async Task<Buyer> BuyAndAcceptAsync()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        return buyer;
    }

    [Fact]
    public async Task Order_paid_and_offer_accepted_reach_the_endpoint_with_a_valid_signature()
    {
        var (_, endpointId, url, secret) = await AddEndpointAsync();
        var buyer = await BuyAndAcceptAsync();

        // Written with the change: two events of this order, one delivery each for this endpoint, nothing sent yet.
        var deliveries = await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId).CountAsync());
        Assert.Equal(2, deliveries);
        Assert.Empty(app.Webhooks.For(url));

        await app.DispatchWebhooksAsync();
        var received = app.Webhooks.For(url).ToList();
        Assert.Equal(2, received.Count);
        foreach (var hook in received)
        {
            Assert.True(WebhookSignature.Verify(secret, hook.Signature, hook.Body, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), hook.Signature);
            Assert.False(WebhookSignature.Verify("whsec_wrong", hook.Signature, hook.Body, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
            // The documented recipe, by hand: HMAC-SHA256 over "<t>.<body>".
            var t = long.Parse(Regex.Match(hook.Signature, "t=(\\d+)").Groups[1].Value);
            Assert.Contains("v1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{t}.{hook.Body}"))), hook.Signature);
            Assert.Equal(JsonNode.Parse(hook.Body)!["id"]!.GetValue<Guid>().ToString(), hook.EventId);
        }
        var paid = JsonNode.Parse(received.Single(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>() == "order.paid").Body)!;
        Assert.Equal(buyer.OrderId, paid["data"]!["orderId"]!.GetValue<Guid>());
        Assert.Equal("USD", paid["data"]!["currency"]!.GetValue<string>());
        Assert.True(paid["data"]!["amountPaid"]!.GetValue<long>() > 0);
        // A course platform grants access by these: the buyer and what the demo course delivers (its workbook and lessons link).
        Assert.Equal("ann@example.com", paid["data"]!["email"]!.GetValue<string>());
        var course = paid["data"]!["lines"]!.AsArray().Single(l => l!["kind"]!.GetValue<string>() == "main")!;
        Assert.Equal(2, course["deliverableIds"]!.AsArray().Count);
        var accepted = JsonNode.Parse(received.Single(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>() == "offer.accepted").Body)!;
        Assert.Equal("audio-program", accepted["data"]!["stepKey"]!.GetValue<string>());
        Assert.Equal(9700, accepted["data"]!["amount"]!.GetValue<long>());
        Assert.Equal("ann@example.com", accepted["data"]!["email"]!.GetValue<string>());
        Assert.Empty(accepted["data"]!["line"]!["deliverableIds"]!.AsArray());

        Assert.All(await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId).ToListAsync()),
            d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        // Delivered means done: another pass sends nothing again.
        await app.DispatchWebhooksAsync();
        Assert.Equal(2, app.Webhooks.For(url).Count());
    }

    [Fact]
    public async Task Only_subscribed_events_are_sent_and_a_decline_is_one()
    {
        var (_, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OfferDeclined);
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        Assert.Equal(HttpStatusCode.OK, (await buyer.DeclineAsync(Buyer.OfferStep)).StatusCode);
        await app.DispatchWebhooksAsync();
        var hook = Assert.Single(app.Webhooks.For(url));
        var body = JsonNode.Parse(hook.Body)!;
        Assert.Equal("offer.declined", body["type"]!.GetValue<string>());
        Assert.Equal(buyer.OrderId, body["data"]!["orderId"]!.GetValue<Guid>());
        Assert.Equal(1, await app.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId)));
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_back_off_and_delivered_once()
    {
        var (seller, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        app.Webhooks.AnswerNext(url, HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable);
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();

        await app.DispatchWebhooksAsync();
        var delivery = await app.QueryAsync(db => db.WebhookDeliveries.SingleAsync(d => d.EndpointId == endpointId));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(500, delivery.LastStatusCode);
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), delivery.NextAttemptAt);

        // Not due yet: nothing is sent.
        await app.DispatchWebhooksAsync();
        Assert.Single(app.Webhooks.For(url));

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await app.DispatchWebhooksAsync();
        delivery = await app.QueryAsync(db => db.WebhookDeliveries.SingleAsync(d => d.EndpointId == endpointId));
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), delivery.NextAttemptAt); // doubled

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await app.DispatchWebhooksAsync();
        app.Clock.Advance(TimeSpan.FromHours(7));
        await app.DispatchWebhooksAsync();

        delivery = await app.QueryAsync(db => db.WebhookDeliveries.SingleAsync(d => d.EndpointId == endpointId));
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        var sent = app.Webhooks.For(url).ToList();
        Assert.Equal(3, sent.Count);
        Assert.Single(sent.Select(s => s.EventId).Distinct());
        var attempts = await app.QueryAsync(db => db.WebhookAttempts.Where(a => a.DeliveryId == delivery.Id).OrderBy(a => a.AttemptedAt).ToListAsync());
        Assert.Equal([500, 503, 200], attempts.Select(a => a.StatusCode ?? 0));

        // The log shows every attempt.
        var log = await seller.GetStringAsync($"/seller/webhooks/{endpointId}");
        Assert.Contains("HTTP 500", log);
        Assert.Contains("HTTP 503", log);
        Assert.Contains("Delivered", log);
    }

    [Fact]
    public async Task Two_dispatchers_at_once_send_each_delivery_exactly_once()
    {
        var (_, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        for (var i = 0; i < 6; i++) await new Buyer(app.CreateClient()).CheckoutAsync(withBump: false, saveCard: false);
        app.Webhooks.Delay = TimeSpan.FromMilliseconds(30);
        try
        {
            var start = new TaskCompletionSource();
            var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                await using var scope = app.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);
            })).ToList();
            start.SetResult();
            var attempted = await Task.WhenAll(runs);
            await app.DispatchWebhooksAsync(); // whatever one pass left for the other

            var sent = app.Webhooks.For(url).ToList();
            Assert.Equal(6, sent.Count);
            Assert.Equal(6, sent.Select(s => s.EventId).Distinct().Count());
            Assert.True(attempted.Sum() >= 6, string.Join(",", attempted));
            Assert.All(await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId).ToListAsync()), d =>
            {
                Assert.Equal(DeliveryStatus.Delivered, d.Status);
                Assert.Equal(1, d.Attempts);
            });
        }
        finally
        {
            app.Webhooks.Delay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Redeliver_from_the_page_sends_the_same_event_again()
    {
        var (seller, endpointId, url, secret) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        await new Buyer(app.CreateClient()).CheckoutAsync();
        await app.DispatchWebhooksAsync();
        var first = Assert.Single(app.Webhooks.For(url));

        var page = await FormPage.GetAsync(seller, $"/seller/webhooks/{endpointId}");
        var deliveryId = page.Value("deliveryId");
        var response = await page.PostAsync(seller, $"/seller/webhooks/{endpointId}?handler=redeliver", ("deliveryId", deliveryId));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        await app.DispatchWebhooksAsync();

        var sent = app.Webhooks.For(url).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(first.EventId, sent[1].EventId);
        Assert.Equal(first.Body, sent[1].Body);
        Assert.True(WebhookSignature.Verify(secret, sent[1].Signature, sent[1].Body, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var delivery = await app.QueryAsync(db => db.WebhookDeliveries.SingleAsync(d => d.Id == Guid.Parse(deliveryId)));
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(2, delivery.Attempts);
    }

    [Fact]
    public async Task Another_seller_gets_404_on_the_endpoint_page_its_redeliver_and_disable()
    {
        var (_, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        await new Buyer(app.CreateClient()).CheckoutAsync();
        await app.DispatchWebhooksAsync();
        var deliveryId = await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId).Select(d => d.Id).SingleAsync());

        var (intruder, _) = await app.SignUpAsync("Webhook Intruder");
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/seller/webhooks/{endpointId}")).StatusCode);
        var own = await FormPage.GetAsync(intruder, "/seller/webhooks");
        Assert.DoesNotContain(url, own.Html);
        Assert.Equal(HttpStatusCode.NotFound,
            (await own.PostAsync(intruder, $"/seller/webhooks/{endpointId}?handler=redeliver", ("deliveryId", deliveryId.ToString()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await own.PostAsync(intruder, $"/seller/webhooks/{endpointId}?handler=disable")).StatusCode);

        var delivery = await app.QueryAsync(db => db.WebhookDeliveries.SingleAsync(d => d.Id == deliveryId));
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Null(await app.QueryAsync(db => db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.DisabledAt).SingleAsync()));
    }

    [Fact]
    public async Task Endpoint_urls_must_be_https_to_public_hosts_and_a_disabled_endpoint_gets_nothing_new()
    {
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, "/seller/webhooks");
        var before = await app.QueryAsync(db => db.WebhookEndpoints.CountAsync());
        // The tests' environment is not Development: localhost and private addresses are refused like in Production.
        foreach (var bad in new[]
                 {
                     "http://example.com/hook", "ftp://example.com/x", "not a url", "", "http://localhost:5001/hook", "https://localhost/hook",
                     "https://127.0.0.1/hook", "https://10.0.0.7/hook", "https://[::1]/hook", "https://169.254.169.254/latest/meta-data", "https://192.168.1.20/hook",
                 })
        {
            var response = await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", bad));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var refused = await (await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", "https://10.0.0.7/hook"))).Content.ReadAsStringAsync();
        Assert.Contains("public address", refused);
        Assert.Equal(before, await app.QueryAsync(db => db.WebhookEndpoints.CountAsync()));

        var (_, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        var list = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.Redirect, (await list.PostAsync(seller, $"/seller/webhooks/{endpointId}?handler=disable")).StatusCode);
        await new Buyer(app.CreateClient()).CheckoutAsync();
        await app.DispatchWebhooksAsync();
        Assert.Empty(app.Webhooks.For(url));
        Assert.Equal(0, await app.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId)));
    }

    [Fact]
    public async Task A_refund_sends_order_refunded_once_and_a_failed_one_sends_nothing()
    {
        var (_, endpointId, url, secret) = await AddEndpointAsync(WebhookOutbox.OrderRefunded);
        var (orderId, _, _) = await Orders.BuyAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        var api = await Orders.DemoApiAsync(app);
        var key = Guid.NewGuid().ToString();
        await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 500, key, "partial"), HttpStatusCode.Created);
        await Orders.RefundAsync(api, orderId, bump.Id, 500, key, "partial"); // the same request again: nothing new
        await Buyer.ProblemAsync(await Orders.RefundAsync(api, orderId, bump.Id, 100_000, Guid.NewGuid().ToString()), HttpStatusCode.BadRequest);

        await app.DispatchWebhooksAsync();
        var hook = Assert.Single(app.Webhooks.For(url));
        Assert.True(WebhookSignature.Verify(secret, hook.Signature, hook.Body, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var body = JsonNode.Parse(hook.Body)!;
        Assert.Equal("order.refunded", body["type"]!.GetValue<string>());
        Assert.Equal(orderId, body["data"]!["orderId"]!.GetValue<Guid>());
        Assert.Equal(bump.Id, body["data"]!["lineId"]!.GetValue<Guid>());
        Assert.Equal(500, body["data"]!["amount"]!.GetValue<long>());
        Assert.Equal("USD", body["data"]!["currency"]!.GetValue<string>());
        Assert.Equal(1, await app.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpointId)));
    }

    [Fact]
    public async Task A_lease_left_by_a_worker_that_died_is_honoured_until_it_runs_out_and_disabling_abandons_what_is_queued()
    {
        var (seller, endpointId, url, _) = await AddEndpointAsync(WebhookOutbox.OrderPaid);
        await new Buyer(app.CreateClient()).CheckoutAsync();
        // Another instance claimed it and died before recording anything.
        var leasedUntil = app.Clock.GetUtcNow() + TimeSpan.FromSeconds(60);
        await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, leasedUntil)));
        await app.DispatchWebhooksAsync();
        Assert.Empty(app.Webhooks.For(url));
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await app.DispatchWebhooksAsync();
        Assert.Single(app.Webhooks.For(url));

        // Queued for an endpoint that is then disabled: abandoned, not sent.
        app.Webhooks.AnswerNext(url, HttpStatusCode.BadGateway);
        await new Buyer(app.CreateClient()).CheckoutAsync();
        await app.DispatchWebhooksAsync();
        var list = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.Redirect, (await list.PostAsync(seller, $"/seller/webhooks/{endpointId}?handler=disable")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.DispatchWebhooksAsync();
        Assert.Equal(2, app.Webhooks.For(url).Count());
        var deliveries = await app.QueryAsync(db => db.WebhookDeliveries.Where(d => d.EndpointId == endpointId).OrderBy(d => d.CreatedAt).ToListAsync());
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Abandoned], deliveries.Select(d => d.Status));
        Assert.Contains("disabled", deliveries[1].LastError);
    }

    [GeneratedRegex("data-testid=\"new-secret\">([^<]+)<")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("href=\"/seller/webhooks/([0-9a-f-]+)\" data-testid=\"new-endpoint\"")]
    private static partial Regex EndpointPattern();
}

public sealed class WebhookTests_Sqlite(SqliteApp app) : WebhookTests<SqliteApp>(app);

public sealed class WebhookTests_Postgres(PostgresApp app) : WebhookTests<PostgresApp>(app);
