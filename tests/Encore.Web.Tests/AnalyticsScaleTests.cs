using System.Diagnostics;
using System.Globalization;
using System.Net;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Analytics;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// 100,000 orders of one funnel, seeded with set-based SQL in one transaction by a deterministic generator
/// whose totals the test computes on its own; the analytics must equal them exactly, in a fixed number of
/// queries. Seeding and query times go to the test output (never asserted).
/// </summary>
public abstract class AnalyticsScaleTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private const int Orders = 100_000;
    private static readonly DateOnly Start = new(2026, 1, 1);

    [Fact]
    public async Task A_hundred_thousand_orders_add_up_exactly_in_a_fixed_number_of_queries()
    {
        var output = TestContext.Current.TestOutputHelper!;
        var (sellerClient, email) = await app.SignUpAsync("Scale Studio");
        var sellerId = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.SellerId).SingleAsync());
        var funnel = await CreateFunnelAsync(sellerId);

        var seeding = Stopwatch.StartNew();
        await app.QueryAsync(db => SeedAsync(db, sellerId, funnel));
        seeding.Stop();
        output.WriteLine($"{app.Kind}: seeded {Orders:N0} orders (with lines, sessions, visits, refunds) in {seeding.ElapsedMilliseconds} ms");

        var ranges = new[] { new AnalyticsRange(Start, Start.AddDays(60)), new AnalyticsRange(Start.AddDays(10), Start.AddDays(40)) };
        foreach (var range in ranges)
        {
            var expected = Expected.For(range);
            for (var run = 1; run <= 2; run++) // the first run also warms the caches; both are logged
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
                using var commands = new CommandCounter(db);
                var timer = Stopwatch.StartNew();
                var report = await scope.ServiceProvider.GetRequiredService<FunnelAnalytics>()
                    .GetAsync(sellerId, funnel.FunnelId, null, range, TestContext.Current.CancellationToken);
                timer.Stop();
                output.WriteLine($"{app.Kind}: analytics of {expected.Checkouts:N0} paid orders over {range.Days} days, run {run}: {timer.ElapsedMilliseconds} ms, {commands.Count} queries");
                foreach (var timing in commands.Timings) output.WriteLine("    " + timing);

                Assert.NotNull(report);
                Assert.Equal(9, commands.Count);
                Assert.Equal(expected.Checkouts, report.Checkouts);
                Assert.Equal(expected.Buyers, report.Buyers);
                Assert.Equal(expected.Gross, report.GrossRevenue);
                Assert.Equal(expected.Main, report.MainRevenue);
                Assert.Equal(expected.Refunds, report.Refunds);
                Assert.Equal(expected.Refunded, report.RefundedAmount);
                Assert.Equal(expected.Gross - expected.Refunded, report.NetRevenue);
                Assert.Equal(Math.Round((decimal)expected.Gross / expected.Checkouts, 2, MidpointRounding.AwayFromZero), report.AverageOrderValue);
                Assert.Equal(Math.Round((decimal)(expected.Gross - expected.Main) / expected.Main, 4, MidpointRounding.AwayFromZero), report.AovLift);
                Assert.Equal(Math.Round((decimal)(expected.Gross - expected.Refunded) / expected.Buyers, 2, MidpointRounding.AwayFromZero), report.RevenuePerBuyer);

                var bump = Assert.Single(report.Bumps);
                Assert.Equal(expected.Checkouts, bump.Checkouts);
                Assert.Equal(expected.Bumps, bump.Taken);
                Assert.Equal(expected.Bumps * 1700L, bump.Revenue);

                Assert.Equal(["seed-offer", "seed-downsell"], report.Steps.Select(s => s.Key));
                var offer = report.Steps[0];
                Assert.Equal(expected.Offer, StepCounts.Of(offer));
                Assert.Equal(expected.Offer.Accepts * 9700L, offer.Revenue);
                Assert.Equal(Math.Round((decimal)expected.Offer.Accepts / expected.Offer.Views, 4, MidpointRounding.AwayFromZero), offer.TakeRate);
                var downsell = report.Steps[1];
                Assert.Equal(expected.Downsell, StepCounts.Of(downsell));
                Assert.Equal(expected.Downsell.Accepts * 3700L, downsell.Revenue);

                Assert.Equal(range.Days, report.RevenueByDay.Count);
                Assert.Equal(expected.ByDay, report.RevenueByDay.Select(d => d.Revenue));
            }
        }

        // The API answers the same at this size.
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(sellerClient));
        var all = Expected.For(ranges[0]);
        var timerApi = Stopwatch.StartNew();
        var body = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnel.FunnelId}/analytics?from=2026-01-01&to=2026-03-02"), HttpStatusCode.OK);
        output.WriteLine($"{app.Kind}: the API over 60 days: {timerApi.ElapsedMilliseconds} ms");
        Assert.Equal(all.Checkouts, body["checkouts"]!.GetValue<int>());
        Assert.Equal(all.Gross, body["grossRevenue"]!.GetValue<long>());
    }

    private sealed record SeedFunnel(Guid FunnelId, Guid VersionId, Guid BumpId, Guid OfferId, Guid DownsellId);

    private async Task<SeedFunnel> CreateFunnelAsync(Guid sellerId)
    {
        var ids = new SeedFunnel(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        PriceTerms Usd(long amount) => new() { Amount = amount, Currency = "USD" };
        var now = app.Clock.GetUtcNow();
        await app.QueryAsync(db =>
        {
            db.Funnels.Add(new Funnel
            {
                Id = ids.FunnelId, SellerId = sellerId, Slug = "scale-" + ids.FunnelId.ToString("N")[..12], Name = "Scale", Currency = "USD",
                PublishedVersionId = ids.VersionId, CreatedAt = now,
            });
            db.FunnelVersions.Add(new FunnelVersion
            {
                Id = ids.VersionId, FunnelId = ids.FunnelId, SellerId = sellerId, SellerName = "Scale Studio", SupportEmail = "help@scale.example",
                Number = 1, Status = FunnelVersionStatus.Published, PublishedAt = now, Currency = "USD", MainProductId = Guid.CreateVersion7(),
                MainName = "Course", MainPrice = Usd(4700), EntryStepId = ids.OfferId, UpdatedAt = now,
                Bumps = [new OrderBump { Id = ids.BumpId, ProductId = Guid.CreateVersion7(), Name = "Worksheets", Price = Usd(1700) }],
                Steps =
                [
                    new OfferStep
                    {
                        Id = ids.OfferId, Position = 0, Key = "seed-offer", Kind = OfferStepKind.Offer, ProductId = Guid.CreateVersion7(), ProductName = "Program",
                        Headline = "Program", Price = Usd(9700), OnDeclineStepId = ids.DownsellId,
                    },
                    new OfferStep
                    {
                        Id = ids.DownsellId, Position = 1, Key = "seed-downsell", Kind = OfferStepKind.Downsell, ProductId = Guid.CreateVersion7(), ProductName = "Starter",
                        Headline = "Starter", Price = Usd(3700),
                    },
                ],
            });
            return db.SaveChangesAsync();
        });
        return ids;
    }

    /// <summary>
    /// Order <c>n</c> (0 ≤ n &lt; 100,000): paid on day <c>n % 60</c> unless <c>n % 50 = 49</c> (declined, never paid);
    /// buyer <c>n % 80,000</c>; the bump when <c>n % 3 = 0</c>; offers (a session) unless <c>n % 10 = 9</c>, where
    /// <c>n % 5</c> decides: 0 accepts the offer, 1 declines it and accepts the downsell, 2 declines both, 3 lets
    /// it expire unseen, 4 saw it and is still deciding (or its charge failed when <c>n % 4 = 0</c>); the main line
    /// refunded when <c>n % 100 = 0</c>, a refund refused by the gateway when <c>n % 100 = 50</c>.
    /// </summary>
    private static async Task<int> SeedAsync(EncoreDbContext db, Guid sellerId, SeedFunnel funnel)
    {
        var sqlite = db.IsSqlite;
        string Uuid(Guid id) => sqlite ? $"'{id.ToString().ToUpperInvariant()}'" : $"'{id}'::uuid";
        // Ids as 8-4-4-4-12 hex: a kind, then n. Upper case on SQLite, as EF stores a Guid there.
        string Id(int kind, string n) => sqlite
            ? $"printf('%08X-0000-4000-8000-%012X', {kind}, {n})"
            : $"(lpad(to_hex({kind}), 8, '0') || '-0000-4000-8000-' || lpad(to_hex({n}), 12, '0'))::uuid";
        var startTicks = new DateTimeOffset(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).UtcTicks;
        var startEpoch = new DateTimeOffset(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        string At(string seconds) => sqlite ? $"({startTicks} + ({seconds}) * 10000000)" : $"to_timestamp({startEpoch} + ({seconds}))";
        var paidAt = At("n % 60 * 86400 + n * 7919 % 86400");
        const string paid = "n % 50 <> 49";
        const string offers = "n % 50 <> 49 AND n % 10 <> 9";

        // SQLite's default page cache (2 MB) is far smaller than the indexes being filled: give this connection 256 MB while seeding.
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144");
        await using var transaction = await db.Database.BeginTransactionAsync();
        string[] statements =
        [
            sqlite ? """CREATE TEMP TABLE seed_n ("n" INTEGER PRIMARY KEY)""" : """CREATE TEMP TABLE seed_n ("n" bigint PRIMARY KEY)""",
            sqlite
                ? $"WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < {Orders - 1}) INSERT INTO seed_n SELECT n FROM c"
                : $"INSERT INTO seed_n SELECT generate_series(0, {Orders - 1})",
            $"""
            INSERT INTO orders ("Id", "SellerId", "FunnelId", "FunnelVersionId", "Email", "BuyerName", "Currency", "Status", "ReceiptTokenHash", "CreatedAt", "PaidAt")
            SELECT {Id(1, "n")}, {Uuid(sellerId)}, {Uuid(funnel.FunnelId)}, {Uuid(funnel.VersionId)}, 'buyer' || (n % 80000) || '@example.com', 'Seed Buyer', 'USD',
                   CASE WHEN {paid} THEN 'Paid' ELSE 'PaymentFailed' END, 'seed-receipt-' || n, {paidAt}, CASE WHEN {paid} THEN {paidAt} END
            FROM seed_n
            """,
            Lines(2, "'Main'", 4700, "NULL", "NULL", "1 = 1", "CASE WHEN n % 100 = 0 THEN 4700 ELSE 0 END"),
            Lines(3, "'Bump'", 1700, Uuid(funnel.BumpId), "NULL", "n % 3 = 0", "0"),
            Lines(4, "'Offer'", 9700, "NULL", Uuid(funnel.OfferId), $"{offers} AND n % 5 = 0", "0"),
            Lines(5, "'Downsell'", 3700, "NULL", Uuid(funnel.DownsellId), $"{offers} AND n % 5 = 1", "0"),
            $"""
            INSERT INTO post_purchase_sessions ("Id", "OrderId", "FunnelVersionId", "TokenHash", "BrowserBindingHash", "Status", "ExpiresAt", "GatewayCustomerId",
                                                "PaymentMethodId", "CardBrand", "CardLast4", "CreatedAt")
            SELECT {Id(6, "n")}, {Id(1, "n")}, {Uuid(funnel.VersionId)}, 'seed-session-' || n, 'seed-binding', 'Completed', {At("n % 60 * 86400 + n * 7919 % 86400 + 1800")},
                   'cus_seed', 'pm_seed', 'visa', '4242', {paidAt}
            FROM seed_n WHERE {offers}
            """,
            $"""
            INSERT INTO step_visits ("Id", "SessionId", "StepId", "State", "OfferedAt", "ViewedAt")
            SELECT {Id(7, "n")}, {Id(6, "n")}, {Uuid(funnel.OfferId)},
                   CASE n % 5 WHEN 0 THEN 'Accepted' WHEN 1 THEN 'Declined' WHEN 2 THEN 'Declined' WHEN 3 THEN 'Expired'
                        ELSE CASE WHEN n % 4 = 0 THEN 'Failed' ELSE 'Offered' END END,
                   {paidAt}, CASE WHEN n % 5 <> 3 THEN {paidAt} END
            FROM seed_n WHERE {offers}
            """,
            $"""
            INSERT INTO step_visits ("Id", "SessionId", "StepId", "State", "OfferedAt", "ViewedAt")
            SELECT {Id(8, "n")}, {Id(6, "n")}, {Uuid(funnel.DownsellId)}, CASE n % 5 WHEN 1 THEN 'Accepted' ELSE 'Declined' END, {paidAt}, {paidAt}
            FROM seed_n WHERE {offers} AND n % 5 IN (1, 2)
            """,
            $"""
            INSERT INTO refunds ("Id", "SellerId", "OrderId", "OrderLineId", "ChargeId", "Amount", "Currency", "Reason", "IdempotencyKey", "Status", "RequestedBy", "CreatedAt")
            SELECT {Id(9, "n")}, {Uuid(sellerId)}, {Id(1, "n")}, {Id(2, "n")}, {Id(10, "n")}, 4700, 'USD', 'seed', 'seed:refund:' || n,
                   CASE WHEN n % 100 = 0 THEN 'Succeeded' ELSE 'Failed' END, 'seed', {paidAt}
            FROM seed_n WHERE {paid} AND n % 100 IN (0, 50)
            """,
            "DROP TABLE seed_n",
            sqlite ? "ANALYZE" : "ANALYZE orders, order_lines, post_purchase_sessions, step_visits, refunds",
        ];
        var rows = 0;
        foreach (var statement in statements) rows += await db.Database.ExecuteSqlRawAsync(statement);
        await transaction.CommitAsync();
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -2000"); // back to the default for the pooled connection
        return rows;

        string Lines(int kind, string lineKind, long amount, string bumpId, string stepId, string where, string refunded) => $"""
            INSERT INTO order_lines ("Id", "OrderId", "Kind", "ProductId", "Name", "Amount", "Currency", "IntervalCount", "BumpId", "StepId", "ChargeId", "RefundedAmount", "CreatedAt")
            SELECT {Id(kind, "n")}, {Id(1, "n")}, {lineKind}, {Uuid(Guid.Empty)}, {lineKind}, {amount}, 'USD', 1, {bumpId}, {stepId}, {Id(10, "n")}, {refunded}, {paidAt}
            FROM seed_n WHERE {where}
            """;
    }

    private sealed record StepCounts(int Offered, int Views, int Accepts, int Declines, int Failed, int Expired, int Unseen)
    {
        public static StepCounts Of(StepAnalytics s) => new(s.Offered, s.Views, s.Accepts, s.Declines, s.Failed, s.Expired, s.Unseen);
    }

    /// <summary>The generator's figures, computed here without the database.</summary>
    private sealed record Expected(
        int Checkouts, int Buyers, long Gross, long Main, int Bumps, int Refunds, long Refunded,
        StepCounts Offer, StepCounts Downsell, long[] ByDay)
    {
        public static Expected For(AnalyticsRange range)
        {
            int checkouts = 0, bumps = 0, refunds = 0;
            long gross = 0, main = 0, refunded = 0;
            var buyers = new HashSet<int>();
            var byDay = new long[range.Days];
            int[] offer = new int[7], downsell = new int[7]; // offered, views, accepts, declines, failed, expired, unseen
            for (var n = 0; n < Orders; n++)
            {
                if (n % 50 == 49) continue;
                var day = Start.AddDays(n % 60);
                if (day < range.From || day >= range.To) continue;
                checkouts++;
                buyers.Add(n % 80000);
                long total = 4700;
                main += 4700;
                if (n % 3 == 0) { bumps++; total += 1700; }
                if (n % 10 != 9)
                {
                    offer[0]++;
                    if (n % 5 != 3) offer[1]++; else offer[6]++;
                    switch (n % 5)
                    {
                        case 0: offer[2]++; total += 9700; break;
                        case 1: offer[3]++; downsell[0]++; downsell[1]++; downsell[2]++; total += 3700; break;
                        case 2: offer[3]++; downsell[0]++; downsell[1]++; downsell[3]++; break;
                        case 3: offer[5]++; break;
                        default: if (n % 4 == 0) offer[4]++; break;
                    }
                }
                if (n % 100 == 0) { refunds++; refunded += 4700; }
                gross += total;
                byDay[day.DayNumber - range.From.DayNumber] += total;
            }
            return new Expected(checkouts, buyers.Count, gross, main, bumps, refunds, refunded,
                new StepCounts(offer[0], offer[1], offer[2], offer[3], offer[4], offer[5], offer[6]),
                new StepCounts(downsell[0], downsell[1], downsell[2], downsell[3], downsell[4], downsell[5], downsell[6]), byDay);
        }
    }

    /// <summary>Counts the commands one context sends, from EF Core's diagnostic events.</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly DbContext _context;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly Dictionary<Guid, long> _started = [];
        private int _count;

        public CommandCounter(DbContext context)
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
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData started && ReferenceEquals(started.Context, _context))
                lock (_subscriptions) _started[started.CommandId] = Stopwatch.GetTimestamp();
            if (value.Key == RelationalEventId.DataReaderClosing.Name && value.Value is DataReaderClosingEventData closing && ReferenceEquals(closing.Context, _context))
                lock (_subscriptions)
                    Timings.Add($"{Stopwatch.GetElapsedTime(_started.GetValueOrDefault(closing.CommandId, Stopwatch.GetTimestamp())).TotalMilliseconds:F0} ms: {OneLine(closing.Command.CommandText)}");
        }

        public List<string> Timings { get; } = [];

        private static string OneLine(string sql)
        {
            var line = string.Join(" ", sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            return line.Length > 160 ? line[..160] + "…" : line;
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var subscription in _subscriptions) subscription.Dispose();
        }
    }
}

public sealed class AnalyticsScaleTests_Sqlite(SqliteApp app) : AnalyticsScaleTests<SqliteApp>(app);

public sealed class AnalyticsScaleTests_Postgres(PostgresApp app) : AnalyticsScaleTests<PostgresApp>(app);
