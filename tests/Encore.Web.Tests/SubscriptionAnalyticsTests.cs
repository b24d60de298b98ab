using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Analytics;
using Encore.Web.Features.Sellers.Subscriptions;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Subscription analytics over a small set whose figures are worked out by hand: MRR per currency with every interval
/// normalised to a month, subscribers now, new, churn by reason, trial conversion and revenue recovered by dunning,
/// in all, per product and per funnel; the same on the API, the page and the CSV, and nothing of another seller's.
/// </summary>
public abstract class SubscriptionAnalyticsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static JsonNode Totals(JsonNode report, string currency) =>
        report["totals"]!.AsArray().Single(t => t!["currency"]!.GetValue<string>() == currency)!;

    private static JsonNode Row(JsonNode report, string section, Guid id, string currency) =>
        report[section]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == id && r["figures"]!["currency"]!.GetValue<string>() == currency)!["figures"]!;

    private static int Int(JsonNode figures, string name) => figures[name]!.GetValue<int>();

    private static long Long(JsonNode figures, string name) => figures[name]!.GetValue<long>();

    [Fact]
    public async Task A_known_set_adds_up_in_all_per_product_and_per_funnel_on_the_api_page_and_csv()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var letters = await shop.SellAsync("=Calm Letters");
        var now = app.Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var club = shop.Main;
        var set = new KnownSet(shop.SellerId, now);

        // Sleep Club (USD unless said): MRR 2,900 + 1,000 + 2,166.67 + 2,900 (+ EUR 1,500).
        var renewed = set.Add(club, SubscriptionStatus.Active, 2900, BillingInterval.Month, startedDaysAgo: 5);
        set.Add(club, SubscriptionStatus.PastDue, 12000, BillingInterval.Year, startedDaysAgo: 400);
        set.Add(club, SubscriptionStatus.Active, 1000, BillingInterval.Week, startedDaysAgo: 40, intervalCount: 2);
        set.Add(club, SubscriptionStatus.Paused, 2900, BillingInterval.Month, startedDaysAgo: 50);
        set.Add(club, SubscriptionStatus.Canceled, 2900, BillingInterval.Month, startedDaysAgo: 100, endedDaysAgo: 3, cancelReason: "buyer");
        set.Add(club, SubscriptionStatus.Canceled, 2900, BillingInterval.Month, startedDaysAgo: 200, endedDaysAgo: 30, cancelReason: "seller"); // before the range
        set.Add(club, SubscriptionStatus.Active, 2900, BillingInterval.Month, startedDaysAgo: 11, trialDays: 7, paymentsMade: 1); // trial ended 4 days ago, paid
        set.Add(club, SubscriptionStatus.Canceled, 2900, BillingInterval.Month, startedDaysAgo: 9, trialDays: 7, paymentsMade: 0, endedDaysAgo: 3, cancelReason: "buyer"); // trial ended 2 days ago, unpaid
        set.Add(club, SubscriptionStatus.Active, 1500, BillingInterval.Month, startedDaysAgo: 3, currency: "EUR");
        // =Calm Letters (USD): MRR 333.33.
        set.Add(letters, SubscriptionStatus.Active, 1000, BillingInterval.Month, startedDaysAgo: 2, intervalCount: 3);
        set.Add(letters, SubscriptionStatus.Trialing, 2900, BillingInterval.Month, startedDaysAgo: 1, trialDays: 14, paymentsMade: 0);
        set.Add(letters, SubscriptionStatus.Canceled, 2900, BillingInterval.Month, startedDaysAgo: 60, endedDaysAgo: 1, cancelReason: "failed_payment");
        // Renewals of the first one: only a retry that succeeded in the range counts as recovered.
        set.Charge(renewed, attempt: 2, ChargeStatus.Succeeded, settledDaysAgo: 1);
        set.Charge(renewed, attempt: 1, ChargeStatus.Succeeded, settledDaysAgo: 1, payment: 2);
        set.Charge(renewed, attempt: 3, ChargeStatus.Failed, settledDaysAgo: 1, payment: 3);
        set.Charge(renewed, attempt: 2, ChargeStatus.Succeeded, settledDaysAgo: 20, payment: 4);
        await app.QueryAsync(set.SaveAsync);

        var from = today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = await Buyer.ReadAsync(await shop.Api.GetAsync($"/api/v1/seller/subscriptions/analytics?from={from}&to={to}"), HttpStatusCode.OK);
        Assert.Equal(from, report["from"]!.GetValue<string>());
        Assert.Equal(["EUR", "USD"], report["totals"]!.AsArray().Select(t => t!["currency"]!.GetValue<string>()));

        var usd = Totals(report, "USD");
        Assert.Equal(9300, Long(usd, "mrr")); // 2,900 + 1,000 + 1,000·52/24 + 2,900 + 1,000/3, rounded once
        Assert.Equal(4, Int(usd, "active"));
        Assert.Equal(1, Int(usd, "pastDue"));
        Assert.Equal(1, Int(usd, "trialing"));
        Assert.Equal(1, Int(usd, "paused"));
        Assert.Equal(4, Int(usd, "new"));
        Assert.Equal(2, Int(usd, "churnedVoluntary"));
        Assert.Equal(1, Int(usd, "churnedFailedPayment"));
        Assert.Equal(2, Int(usd, "trialsEnded"));
        Assert.Equal(1, Int(usd, "trialsConverted"));
        Assert.Equal(0.5m, usd["trialConversionRate"]!.GetValue<decimal>());
        Assert.Equal(1, Int(usd, "recoveredPayments"));
        Assert.Equal(2900, Long(usd, "recoveredRevenue"));

        var eur = Totals(report, "EUR");
        Assert.Equal(1500, Long(eur, "mrr"));
        Assert.Equal(1, Int(eur, "active"));
        Assert.Equal(1, Int(eur, "new"));
        Assert.Null(eur["trialConversionRate"]);

        var clubUsd = Row(report, "products", club.ProductId, "USD");
        Assert.Equal(8967, Long(clubUsd, "mrr")); // 8,966.67
        Assert.Equal(3, Int(clubUsd, "active"));
        Assert.Equal(2, Int(clubUsd, "new"));
        Assert.Equal(2, Int(clubUsd, "churnedVoluntary"));
        Assert.Equal(2900, Long(clubUsd, "recoveredRevenue"));
        Assert.Equal(1500, Long(Row(report, "products", club.ProductId, "EUR"), "mrr"));
        var lettersUsd = Row(report, "funnels", letters.FunnelId, "USD");
        Assert.Equal(333, Long(lettersUsd, "mrr"));
        Assert.Equal(1, Int(lettersUsd, "trialing"));
        Assert.Equal(1, Int(lettersUsd, "churnedFailedPayment"));
        Assert.Equal(0, Int(lettersUsd, "trialsEnded"));
        Assert.Equal("=Calm Letters funnel", report["funnels"]!.AsArray().First(f => f!["id"]!.GetValue<Guid>() == letters.FunnelId)!["name"]!.GetValue<string>());

        var page = await FormPage.GetAsync(shop.Pages, $"/seller/subscriptions/analytics?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("$93.00", html);
        Assert.Contains("€15.00", html);
        Assert.Contains("50.0%", html);
        Assert.Contains("=Calm Letters", html);

        var csv = await shop.Pages.GetAsync($"/seller/subscriptions/analytics?handler=csv&from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"subscriptions-{from}-{to}.csv", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("section,id,name,currency,metric,value\r\n", text);
        Assert.Contains("total,,,USD,mrr_minor,9300\r\n", text);
        Assert.Contains("total,,,USD,trial_conversion_rate,0.5\r\n", text);
        Assert.Contains("total,,,EUR,trial_conversion_rate,\r\n", text);
        Assert.Contains($"product,{club.ProductId},Sleep Club,USD,mrr_minor,8967\r\n", text);
        Assert.Contains($"product,{letters.ProductId},'=Calm Letters,USD,mrr_minor,333\r\n", text);
        Assert.DoesNotContain(",=Calm", text);

        var stranger = await app.NewSellerApiAsync();
        var nothing = await Buyer.ReadAsync(await stranger.GetAsync($"/api/v1/seller/subscriptions/analytics?from={from}&to={to}"), HttpStatusCode.OK);
        Assert.Empty(nothing["totals"]!.AsArray());
        Assert.Empty(nothing["products"]!.AsArray());
    }

    [Fact]
    public async Task A_bad_range_is_400_naming_the_field_on_the_api_and_a_message_on_the_page()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var from = await Buyer.ProblemAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions/analytics?from=yesterday"), HttpStatusCode.BadRequest);
        Assert.NotNull(from["errors"]!["from"]);
        var backwards = await Buyer.ProblemAsync(await shop.Api.GetAsync("/api/v1/seller/subscriptions/analytics?from=2026-05-02&to=2026-05-01"), HttpStatusCode.BadRequest);
        Assert.NotNull(backwards["errors"]!["from"]);
        var page = await FormPage.GetAsync(shop.Pages, "/seller/subscriptions/analytics?to=someday");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("data-testid=\"analytics-error\"", page.Html);
        Assert.Equal(HttpStatusCode.BadRequest, (await shop.Pages.GetAsync("/seller/subscriptions/analytics?handler=csv&to=someday")).StatusCode);
    }

    [Fact]
    public async Task The_figures_take_seven_queries_whatever_the_number_of_subscriptions()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        var other = await shop.SellAsync("Calm Letters");
        var range = AnalyticsRange.Default(app.Clock);
        var counts = new List<int>();
        foreach (var size in new[] { 3, 120 })
        {
            var set = new KnownSet(shop.SellerId, app.Clock.GetUtcNow());
            for (var i = 0; i < size; i++)
            {
                var status = (SubscriptionStatus)(i % 6);
                var subscription = set.Add(i % 2 == 0 ? shop.Main : other, status, 1000 + i, (BillingInterval)(i % 4), startedDaysAgo: i % 40,
                    trialDays: i % 3 == 0 ? 7 : 0, endedDaysAgo: status == SubscriptionStatus.Canceled ? i % 20 : null,
                    cancelReason: status == SubscriptionStatus.Canceled ? (i % 4 == 0 ? "failed_payment" : "buyer") : null, currency: i % 7 == 0 ? "EUR" : "USD");
                if (i % 5 == 0) set.Charge(subscription, attempt: 2, ChargeStatus.Succeeded, settledDaysAgo: i % 10);
            }
            await app.QueryAsync(set.SaveAsync);

            await using var scope = app.Services.CreateAsyncScope();
            using var queries = new QueryCounter(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
            var report = await scope.ServiceProvider.GetRequiredService<SubscriptionAnalytics>().GetAsync(shop.SellerId, range, CancellationToken.None);
            Assert.NotEmpty(report.Products);
            counts.Add(queries.Count);
        }
        Assert.Equal([7, 7], counts);
    }

    /// <summary>Counts the commands one context sends, through EF Core's diagnostic events.</summary>
    private sealed class QueryCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly DbContext _context;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public QueryCounter(DbContext context)
        {
            _context = context;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => Volatile.Read(ref _count);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
                lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data && ReferenceEquals(data.Context, _context))
                Interlocked.Increment(ref _count);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var subscription in _subscriptions) subscription.Dispose();
        }
    }

    /// <summary>Subscriptions and renewal charges written straight to the database, relative to now.</summary>
    private sealed class KnownSet(Guid sellerId, DateTimeOffset now)
    {
        private readonly List<Subscription> _subscriptions = [];
        private readonly List<Charge> _charges = [];
        private readonly Guid _orderId = Guid.CreateVersion7();

        public Subscription Add(
            SellerSubscriptionShop.Funnel funnel, SubscriptionStatus status, long amount, BillingInterval interval, int startedDaysAgo,
            int intervalCount = 1, int trialDays = 0, int? paymentsMade = null, int? endedDaysAgo = null, string? cancelReason = null, string currency = "USD")
        {
            var started = now.AddDays(-startedDaysAgo);
            var subscription = new Subscription
            {
                Id = Guid.CreateVersion7(), SellerId = sellerId, OrderId = _orderId, FunnelId = funnel.FunnelId, FunnelVersionId = Guid.NewGuid(),
                ProductId = funnel.ProductId, ProductName = funnel.ProductName, Email = $"s{_subscriptions.Count}@example.com", BuyerName = "Set",
                Amount = amount, Currency = currency, Interval = interval, IntervalCount = intervalCount, TrialDays = trialDays,
                GatewayCustomerId = "cus_set", PaymentMethodId = "pm_set", Status = status, StartedAt = started, FirstPaymentAt = started.AddDays(trialDays),
                PaymentsMade = paymentsMade ?? 1, NextPayment = paymentsMade ?? 1, CurrentPeriodEnd = now.AddDays(10),
                NextChargeAt = status is SubscriptionStatus.Canceled or SubscriptionStatus.Paused ? null : now.AddDays(10),
                CanceledAt = endedDaysAgo is { } days ? now.AddDays(-days) : null, EndedAt = endedDaysAgo is { } ended ? now.AddDays(-ended) : null,
                CancelReason = cancelReason, CreatedAt = started,
            };
            _subscriptions.Add(subscription);
            return subscription;
        }

        public void Charge(Subscription subscription, int attempt, ChargeStatus status, int settledDaysAgo, int payment = 1) => _charges.Add(new Charge
        {
            Id = Guid.CreateVersion7(), OrderId = _orderId, Kind = ChargeKind.Renewal, SubscriptionId = subscription.Id, PaymentIndex = payment, Attempt = attempt,
            Amount = subscription.Amount, Currency = subscription.Currency, IdempotencyKey = $"set:{Guid.NewGuid():N}", Status = status,
            CreatedAt = now.AddDays(-settledDaysAgo), SettledAt = now.AddDays(-settledDaysAgo),
        });

        public async Task<int> SaveAsync(EncoreDbContext db)
        {
            db.Orders.Add(new Order
            {
                Id = _orderId, SellerId = sellerId, FunnelId = Guid.NewGuid(), FunnelVersionId = Guid.NewGuid(), Email = "set@example.com", BuyerName = "Set",
                Currency = "USD", Status = OrderStatus.Paid, ReceiptTokenHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                CreatedAt = now,
            });
            db.Subscriptions.AddRange(_subscriptions);
            db.Charges.AddRange(_charges);
            return await db.SaveChangesAsync();
        }
    }
}

public sealed class SqliteSubscriptionAnalyticsTests(SqliteApp app) : SubscriptionAnalyticsTests<SqliteApp>(app);

public sealed class PostgresSubscriptionAnalyticsTests(PostgresApp app) : SubscriptionAnalyticsTests<PostgresApp>(app);

/// <summary>The MRR normalisation alone: exact in decimal, rounded once to minor units, half away from zero.</summary>
public sealed class SubscriptionMrrTests
{
    [Theory]
    [InlineData(2900, BillingInterval.Month, 1, "2900")]
    [InlineData(9000, BillingInterval.Month, 3, "3000")]
    [InlineData(12000, BillingInterval.Year, 1, "1000")]
    [InlineData(12000, BillingInterval.Year, 2, "500")]
    [InlineData(300, BillingInterval.Week, 1, "1300")]
    [InlineData(120, BillingInterval.Day, 1, "3650")]
    [InlineData(1000, BillingInterval.Day, 365, "83.333333333333333333333333333")]
    public void Each_interval_is_normalised_to_a_month_exactly(long amount, BillingInterval interval, int count, string monthly) =>
        Assert.Equal(decimal.Parse(monthly, CultureInfo.InvariantCulture), SubscriptionAnalytics.MonthlyAmount(amount, interval, count));

    [Fact]
    public void The_sum_is_rounded_once_half_away_from_zero()
    {
        // Three subscriptions of 100 every 3 months: 33.33… each, 100 together (rounding each would give 99).
        var sum = Enumerable.Repeat(SubscriptionAnalytics.MonthlyAmount(100, BillingInterval.Month, 3), 3).Sum();
        Assert.Equal(100, SubscriptionAnalytics.ToMinor(sum));
        Assert.Equal(3, SubscriptionAnalytics.ToMinor(2.5m));
        Assert.Equal(2, SubscriptionAnalytics.ToMinor(2.49m));
    }
}
