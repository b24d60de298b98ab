using System.Collections.Concurrent;
using System.Net;
using Encore.Web.Features.Webhooks;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Encore.Web.Tests;

/// <summary>Two Encore processes on one PostgreSQL behave as one shop: a buyer spread across both is charged once.</summary>
[Trait("Needs", "PostgreSQL")]
public sealed class TwoInstanceTests
{
    [Fact]
    public async Task A_buyer_spread_across_two_instances_is_charged_once_with_one_line_and_one_consent_record()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var first = await EncoreProcess.StartAsync(database.ConnectionString);
        await using var second = await EncoreProcess.StartAsync(database.ConnectionString);

        // Checkout on the first instance, the offer page's data on the second.
        var one = new Buyer(first.CreateClient());
        await one.CheckoutAsync();
        var two = new Buyer(second.CreateClient());
        two.UseToken(one.Token!);
        var hash = (await two.GetOfferAsync())["step"]!["disclosure"]!["sha256"]!.GetValue<string>();

        // Twenty accepts at once, half on each instance, each with its own key.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? one : two).AcceptAsync(Buyer.OfferStep, hash)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.Gone }));

        var order = await two.GetOrderAsync();
        Assert.Equal(["main", "bump", "offer"], order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM consent_records WHERE \"OrderId\" = '{one.OrderId}'"));
        Assert.Equal(2L, await ScalarAsync(connection, $"SELECT count(*) FROM charges WHERE \"OrderId\" = '{one.OrderId}' AND \"Status\" = 'Succeeded'"));
        Assert.Equal(2L, await ScalarAsync(connection,
            $"SELECT count(*) FROM sandbox_payment_intents i WHERE i.\"Status\" = 'Succeeded' AND i.\"IdempotencyKey\" IN (SELECT \"IdempotencyKey\" FROM charges WHERE \"OrderId\" = '{one.OrderId}')"));
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM order_lines WHERE \"OrderId\" = '{one.OrderId}' AND \"Kind\" = 'Offer'"));
    }

    [Fact]
    public async Task Background_work_runs_in_both_instances_and_sends_each_webhook_and_each_mail_once()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var receiver = await CountingReceiver.StartAsync();
        await using var smtp = new TestSmtpServer(TestSmtpServer.FreePort());
        await smtp.StartAsync();
        // Both instances run every background job, each every second, against the same rows.
        var settings = new Dictionary<string, string>
        {
            ["Encore__Jobs__WebhookDispatcherSeconds"] = "1", ["Encore__Jobs__EmailSenderSeconds"] = "1", ["Encore__Jobs__ReconcilerSeconds"] = "1",
            ["Encore__Smtp__Host"] = "127.0.0.1", ["Encore__Smtp__Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Encore__Smtp__UseTls"] = "false", ["Encore__Smtp__From"] = "Encore <receipts@encore.test>",
        };
        await using var first = await EncoreProcess.StartAsync(database.ConnectionString, settings);
        await using var second = await EncoreProcess.StartAsync(database.ConnectionString, settings);

        // The demo seller subscribes an endpoint (on the first instance's pages).
        var seller = first.CreateClient();
        var signIn = await FormPage.GetAsync(seller, "/seller/sign-in");
        Assert.Equal(HttpStatusCode.Redirect, (await signIn.PostAsync(seller, "/seller/sign-in",
            ("Email", Encore.Web.Data.DemoSeed.DemoLoginEmail), ("Password", Encore.Web.Data.DemoSeed.DefaultDemoPassword))).StatusCode);
        var hooks = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.OK, (await hooks.PostAsync(seller, "/seller/webhooks?handler=create", ("url", receiver.Url))).StatusCode);

        // Ten buyers, each checking out on one instance and saying yes on the other.
        for (var i = 0; i < 10; i++)
        {
            var (a, b) = i % 2 == 0 ? (first, second) : (second, first);
            var buyer = new Buyer(a.CreateClient());
            await buyer.CheckoutAsync(withBump: false);
            var there = new Buyer(b.CreateClient());
            there.UseToken(buyer.Token!);
            await there.AcceptCurrentAsync(Buyer.OfferStep);
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var deliveries = await ScalarAsync(connection, "SELECT count(*) FROM webhook_deliveries");
        var mails = await ScalarAsync(connection, "SELECT count(*) FROM email_messages");
        Assert.Equal(20L, deliveries); // order.paid and offer.accepted for each buyer
        Assert.Equal(20L, mails);      // the checkout receipt and the final receipt for each order
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline &&
               (await ScalarAsync(connection, "SELECT count(*) FROM webhook_deliveries WHERE \"Status\" <> 'Delivered'") > 0 ||
                await ScalarAsync(connection, "SELECT count(*) FROM email_messages WHERE \"Status\" <> 'Delivered'") > 0))
            await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few more passes of both instances: nothing may be sent again

        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM webhook_deliveries WHERE \"Status\" <> 'Delivered' OR \"Attempts\" <> 1"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM email_messages WHERE \"Status\" <> 'Delivered' OR \"Attempts\" <> 1"));
        var received = receiver.EventIds;
        Assert.Equal(20, received.Count);
        Assert.Equal(20, received.Distinct().Count());
        var sent = smtp.Messages.ToList();
        Assert.Equal(20, sent.Count);
        Assert.Equal(20, sent.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Billing_runs_in_both_instances_and_charges_each_due_period_once()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        // Both instances run billing (and the reconciler) every second against the same subscriptions.
        var settings = new Dictionary<string, string> { ["Encore__Jobs__BillingSeconds"] = "1", ["Encore__Jobs__ReconcilerSeconds"] = "1" };
        await using var first = await EncoreProcess.StartAsync(database.ConnectionString, settings);
        await using var second = await EncoreProcess.StartAsync(database.ConnectionString, settings);

        // Twelve buyers take the demo's trial membership with one click, spread over both instances.
        for (var i = 0; i < 12; i++)
        {
            var buyer = new Buyer((i % 2 == 0 ? first : second).CreateClient());
            var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(buyer.Client, new
            {
                funnel = Encore.Web.Data.DemoSeed.MembershipFunnelSlug, email = $"member{i}@example.com", name = "Member",
                paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
            }), HttpStatusCode.Created);
            buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
            await buyer.AcceptCurrentAsync(Encore.Web.Data.DemoSeed.MembershipStepId);
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM subscriptions WHERE \"Status\" = 'Trialing'"));
        // The trials end now: both instances find every first payment due at once.
        await using (var due = new NpgsqlCommand("UPDATE subscriptions SET \"NextChargeAt\" = now() - interval '1 minute'", connection))
            await due.ExecuteNonQueryAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && await ScalarAsync(connection, "SELECT count(*) FROM subscriptions WHERE \"Status\" <> 'Active'") > 0)
            await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(3)); // more passes of both instances: nothing may be charged again

        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM subscriptions WHERE \"Status\" = 'Active' AND \"PaymentsMade\" = 1"));
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM charges WHERE \"Kind\" = 'Renewal'"));
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM charges WHERE \"Kind\" = 'Renewal' AND \"Status\" = 'Succeeded' AND \"Amount\" = 2900"));
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(DISTINCT \"SubscriptionId\") FROM charges WHERE \"Kind\" = 'Renewal'"));
        // The gateway's own ledger: one succeeded payment per renewal key, none without a charge row.
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM sandbox_payment_intents WHERE \"IdempotencyKey\" LIKE 'encore:renewal:%' AND \"Status\" = 'Succeeded'"));
        Assert.Equal(0L, await ScalarAsync(connection,
            "SELECT count(*) FROM sandbox_payment_intents i WHERE i.\"IdempotencyKey\" LIKE 'encore:renewal:%' AND NOT EXISTS (SELECT 1 FROM charges c WHERE c.\"IdempotencyKey\" = i.\"IdempotencyKey\")"));
        Assert.Equal(12L, await ScalarAsync(connection, "SELECT count(*) FROM orders WHERE \"SubscriptionId\" IS NOT NULL AND \"Status\" = 'Paid'"));
    }

    [Fact]
    [Trait("Needs", "Node")]
    public async Task Two_instances_on_one_bucket_deliver_what_was_uploaded_through_the_other()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        S3rver.EnsureAvailable();
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var bucket = await S3rver.StartAsync();
        await bucket.CreateBucketAsync("two-instances");
        var settings = new Dictionary<string, string>
        {
            ["Encore__Files__S3__Bucket"] = "two-instances", ["Encore__Files__S3__ServiceUrl"] = bucket.Url,
            ["Encore__Files__S3__AccessKey"] = S3rver.AccessKey, ["Encore__Files__S3__SecretKey"] = S3rver.SecretKey,
        };
        await using var first = await EncoreProcess.StartAsync(database.ConnectionString, settings);
        await using var second = await EncoreProcess.StartAsync(database.ConnectionString, settings);

        // The demo seller adds a file to the demo course through the first instance.
        var seller = first.CreateClient();
        var signIn = await FormPage.GetAsync(seller, "/seller/sign-in");
        Assert.Equal(HttpStatusCode.Redirect, (await signIn.PostAsync(seller, "/seller/sign-in",
            ("Email", Encore.Web.Data.DemoSeed.DemoLoginEmail), ("Password", Encore.Web.Data.DemoSeed.DefaultDemoPassword))).StatusCode);
        var api = first.CreateClient();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Sellers.CreateApiKeyAsync(seller));
        var products = await Buyer.ReadAsync(await api.GetAsync("/api/v1/seller/products"), HttpStatusCode.OK);
        var course = products.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Calm Your Anxiety")!["id"]!.GetValue<Guid>();
        var audio = new byte[300_000];
        new Random(13).NextBytes(audio);
        using var form = new MultipartFormDataContent { { new StringContent("Guided breathing (MP3)"), "title" }, { new ByteArrayContent(audio), "file", "breathing.mp3" } };
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/products/{course}/deliverables/files", form), HttpStatusCode.Created);

        // A buyer checks out and downloads through the second: both the seeded workbook and the new file come from the bucket.
        var buyer = second.CreateClient();
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(buyer, new
        {
            funnel = "calm-your-anxiety", email = "two@example.com", name = "Two Instances", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var page = WebUtility.HtmlDecode(await buyer.GetStringAsync(checkout["receiptUrl"]!.GetValue<string>()));
        string Link(string title) => new Uri(System.Text.RegularExpressions.Regex.Match(page,
            $"href=\"(http://localhost:5080/d/[^\"]+)\"[^>]*>Download {System.Text.RegularExpressions.Regex.Escape(title)}<").Groups[1].Value).PathAndQuery;
        using var browser = new HttpClient();
        foreach (var (title, check) in new (string, Action<byte[]>)[]
                 {
                     ("Guided breathing (MP3)", bytes => Assert.Equal(audio, bytes)),
                     ("Workbook (PDF)", bytes => Assert.StartsWith("%PDF-1.4", System.Text.Encoding.ASCII.GetString(bytes, 0, 8))),
                 })
        {
            var redirect = await buyer.GetAsync(Link(title));
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal(bucket.Port, redirect.Headers.Location!.Port);
            check(await browser.GetByteArrayAsync(redirect.Headers.Location));
        }
    }

    /// <summary>A seller's webhook endpoint on loopback that answers 200 and counts what it was sent.</summary>
    private sealed class CountingReceiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _eventIds = new();
        private WebApplication? _app;

        public string Url { get; private set; } = "";

        public IReadOnlyList<string> EventIds => [.. _eventIds];

        public static async Task<CountingReceiver> StartAsync()
        {
            var receiver = new CountingReceiver();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost("/hook", (HttpContext context) =>
            {
                receiver._eventIds.Enqueue(context.Request.Headers[WebhookSignature.EventIdHeader].ToString());
                return Results.Ok();
            });
            await app.StartAsync();
            receiver._app = app;
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null) await _app.DisposeAsync();
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
