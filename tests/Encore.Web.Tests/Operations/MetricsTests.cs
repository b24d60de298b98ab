using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Operations;

/// <summary>
/// <c>/metrics</c> (Prometheus) after real purchases through the API: each counter moves by exactly what was done, and
/// the gauges say what the database holds. The meter is process-wide, so these classes run alone (no other test class
/// buys meanwhile) and the deltas are exact.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

public abstract class MetricsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_checkout_and_its_offers_move_the_counters_by_exactly_what_happened()
    {
        var before = await ScrapeAsync();

        var accepting = new Buyer(app.CreateClient());
        await accepting.CheckoutAsync();
        await accepting.AcceptCurrentAsync(Buyer.OfferStep);

        var declining = new Buyer(app.CreateClient());
        await declining.CheckoutAsync();
        Assert.Equal(HttpStatusCode.OK, (await declining.DeclineAsync(Buyer.OfferStep)).StatusCode);

        var declined = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email = "d@example.com", name = "D", paymentMethod = "pm_card_chargeDeclined", bumps = Array.Empty<Guid>(),
        });
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);

        var after = await ScrapeAsync();
        Assert.Equal(2, Delta(before, after, "encore_checkouts_total", ("outcome", "paid")));
        Assert.Equal(1, Delta(before, after, "encore_checkouts_total", ("outcome", "declined")));
        Assert.Equal(3, Delta(before, after, "encore_checkouts_total"));
        Assert.Equal(3, Delta(before, after, "encore_charges_total", ("kind", "checkout"), ("status", "pending")));
        Assert.Equal(2, Delta(before, after, "encore_charges_total", ("kind", "checkout"), ("status", "succeeded")));
        Assert.Equal(1, Delta(before, after, "encore_charges_total", ("kind", "checkout"), ("status", "failed")));
        Assert.Equal(1, Delta(before, after, "encore_offers_accepts_total", ("outcome", "accepted")));
        Assert.Equal(1, Delta(before, after, "encore_offers_declines_total", ("outcome", "declined")));
        Assert.Equal(1, Delta(before, after, "encore_charges_total", ("kind", "offer"), ("status", "pending")));
        Assert.Equal(1, Delta(before, after, "encore_charges_total", ("kind", "offer"), ("status", "succeeded")));
        Assert.Equal(0, Delta(before, after, "encore_charges_total", ("status", "unknown")));

        // The receipts wait in the outbox (the sender is off in tests): the gauge says what the table holds.
        var pendingMail = await app.QueryAsync(db => db.EmailMessages.LongCountAsync(m => m.Status == DeliveryStatus.Pending));
        Assert.True(pendingMail >= 2, $"{pendingMail} mails pending");
        Assert.Equal(pendingMail, Value(after, "encore_outbox_backlog", ("outbox", "email")));
        Assert.Equal(0, Value(after, "encore_outbox_backlog", ("outbox", "webhook")));
        Assert.True(Value(after, "encore_outbox_oldest_age_seconds", ("outbox", "email")) >= 0);
    }

    [Fact]
    public async Task A_lost_answer_shows_as_an_unknown_charge_waiting_until_the_reconciler_settles_it()
    {
        var before = await ScrapeAsync();
        Assert.Equal(0, Value(before, "encore_charges_unsettled", ("status", "unknown")));

        app.Faults.OnSessionFault = ChargeFault.AnswerLostAfterCharging;
        try
        {
            var checkout = await new Buyer(app.CreateClient()).CheckoutAsync(saveCard: false);
            Assert.Equal("processing", checkout["next"]!["kind"]!.GetValue<string>());
        }
        finally
        {
            app.Faults.OnSessionFault = ChargeFault.None;
        }
        var waiting = await ScrapeAsync();
        Assert.Equal(1, Delta(before, waiting, "encore_checkouts_total", ("outcome", "processing")));
        Assert.Equal(1, Delta(before, waiting, "encore_charges_total", ("kind", "checkout"), ("status", "unknown")));
        Assert.Equal(1, Value(waiting, "encore_charges_unsettled", ("status", "unknown")));

        Assert.Equal(1, await app.ReconcileAsync());
        var settled = await ScrapeAsync();
        Assert.Equal(0, Value(settled, "encore_charges_unsettled", ("status", "unknown")));
        Assert.Equal(1, Delta(waiting, settled, "encore_charges_total", ("kind", "checkout"), ("status", "succeeded")));
    }

    [Fact]
    public async Task A_billing_run_counts_itself_and_its_renewals()
    {
        // The demo membership: a 7-day free trial accepted with one click, its first $29.00 charged by the billing run.
        var buyer = new Buyer(app.CreateClient());
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(buyer.Client, new
        {
            funnel = DemoSeed.MembershipFunnelSlug, email = "m@example.com", name = "M", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
        }), HttpStatusCode.Created);
        buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
        await buyer.AcceptCurrentAsync(DemoSeed.MembershipStepId);

        var before = await ScrapeAsync();
        app.Clock.Advance(TimeSpan.FromDays(8));
        var summary = await SubscriptionShop.BillAsync(app);
        Assert.Equal(1, summary.Charged);
        var after = await ScrapeAsync();
        Assert.Equal(1, Delta(before, after, "encore_billing_runs_total", ("outcome", "completed")));
        Assert.Equal(1, Delta(before, after, "encore_billing_run_duration_seconds_count"));
        Assert.Equal(1, Delta(before, after, "encore_billing_renewals_total"));
        Assert.Equal(1, Delta(before, after, "encore_charges_total", ("kind", "renewal"), ("status", "pending")));
        Assert.Equal(1, Delta(before, after, "encore_charges_total", ("kind", "renewal"), ("status", "succeeded")));
    }

    /// <summary>The scrape as Prometheus reads it (after the exporter's 300 ms response cache has passed).</summary>
    private async Task<string> ScrapeAsync()
    {
        await Task.Delay(350);
        var response = await app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "");
        return await response.Content.ReadAsStringAsync();
    }

    private static double Delta(string before, string after, string name, params (string Key, string Value)[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    /// <summary>The sum of every series of <paramref name="name"/> carrying these labels (0 when there is none yet).</summary>
    internal static double Value(string scrape, string name, params (string Key, string Value)[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

/// <summary>Encore with the Prometheus endpoint on and the gauges read afresh at every scrape.</summary>
public class PrometheusApp(DatabaseKind kind) : EncoreApp(kind)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Encore:Metrics:Prometheus", "true");
        builder.UseSetting("Encore:Metrics:GaugeCacheSeconds", "0");
    }
}

public sealed class PrometheusSqliteApp() : PrometheusApp(DatabaseKind.Sqlite);

public sealed class PrometheusPostgresApp() : PrometheusApp(DatabaseKind.Postgres);

[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests_Sqlite(PrometheusSqliteApp app) : MetricsTests<PrometheusSqliteApp>(app);

[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests_Postgres(PrometheusPostgresApp app) : MetricsTests<PrometheusPostgresApp>(app);
