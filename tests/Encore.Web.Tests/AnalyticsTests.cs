using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Funnels;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Analytics of the demo funnel from real buyers' paths. The tests of a class share one app and database, so
/// each first moves the clock to days of its own and asks only about those days.
/// </summary>
public abstract class AnalyticsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static readonly Guid Demo = DemoSeed.FunnelId;

    [Fact]
    public async Task Real_buyers_paths_add_up_on_the_api_the_page_and_the_csv()
    {
        var day = Analytics.MoveToFreshDay(app);
        // a: bump, sees the offer and takes it.
        var a = await Analytics.CheckoutAsync(app, "a@example.com", withBump: true);
        await a.AcceptCurrentAsync(Buyer.OfferStep);
        // b: no bump, sees and declines the offer, sees and takes the downsell.
        var b = await Analytics.CheckoutAsync(app, "b@example.com", withBump: false);
        await Analytics.ViewAndDeclineAsync(b, Buyer.OfferStep);
        await b.AcceptCurrentAsync(Buyer.DownsellStep);
        // c: bump, sees and declines both; later refunded the bump.
        var c = await Analytics.CheckoutAsync(app, "c@example.com", withBump: true);
        await Analytics.ViewAndDeclineAsync(c, Buyer.OfferStep);
        await Analytics.ViewAndDeclineAsync(c, Buyer.DownsellStep);
        // d: declines the offer unseen, never opens the downsell.
        var d = await Analytics.CheckoutAsync(app, "d@example.com", withBump: false);
        Assert.Equal(HttpStatusCode.OK, (await d.DeclineAsync(Buyer.OfferStep)).StatusCode);
        // a again (same buyer, other case), no card kept: no offers.
        await Analytics.CheckoutAsync(app, "A@Example.com", withBump: false, saveCard: false);
        // e: the card is declined; not a checkout.
        var failed = await Buyer.PostCheckoutAsync(app.CreateClient(), Analytics.CheckoutBody("e@example.com", true, "pm_card_chargeDeclined"));
        Assert.Equal(HttpStatusCode.PaymentRequired, failed.StatusCode);

        var cOrder = await Analytics.OrderIdAsync(app, "c@example.com");
        await Analytics.AddRefundAsync(app, cOrder, OrderLineKind.Bump, RefundStatus.Succeeded);
        await Analytics.AddRefundAsync(app, cOrder, OrderLineKind.Main, RefundStatus.Failed); // refused by the gateway: not counted

        var (from, to) = (Analytics.Date(day), Analytics.Date(day.AddDays(1)));
        var api = await Analytics.DemoApiAsync(app);
        var report = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics?from={from}&to={to}"), HttpStatusCode.OK);

        Assert.Equal("USD", report["currency"]!.GetValue<string>());
        Assert.Equal(from, report["from"]!.GetValue<string>());
        Assert.Equal(to, report["to"]!.GetValue<string>());
        Assert.Null(report["versionId"]);
        Assert.Equal(5, report["checkouts"]!.GetValue<int>());
        Assert.Equal(4, report["buyers"]!.GetValue<int>());
        Assert.Equal(40300, report["grossRevenue"]!.GetValue<long>()); // 16100 + 8400 + 6400 + 4700 + 4700
        Assert.Equal(23500, report["mainRevenue"]!.GetValue<long>());
        Assert.Equal(1, report["refunds"]!.GetValue<int>());
        Assert.Equal(1700, report["refundedAmount"]!.GetValue<long>());
        Assert.Equal(38600, report["netRevenue"]!.GetValue<long>());
        Assert.Equal(8060m, report["averageOrderValue"]!.GetValue<decimal>());
        Assert.Equal(0.7149m, report["aovLift"]!.GetValue<decimal>()); // 40300 / 23500 - 1
        Assert.Equal(9650m, report["revenuePerBuyer"]!.GetValue<decimal>()); // 38600 / 4

        var bump = Assert.Single(report["bumps"]!.AsArray())!;
        Assert.Equal("Printable calm-down worksheets", bump["name"]!.GetValue<string>());
        Assert.Equal(5, bump["checkouts"]!.GetValue<int>());
        Assert.Equal(2, bump["taken"]!.GetValue<int>());
        Assert.Equal(0.4m, bump["takeRate"]!.GetValue<decimal>());
        Assert.Equal(3400, bump["revenue"]!.GetValue<long>());

        var steps = report["steps"]!.AsArray();
        Assert.Equal(["audio-program", "audio-starter"], steps.Select(s => s!["key"]!.GetValue<string>()));
        Analytics.AssertStep(steps[0]!, "4-week guided audio program", "offer", offered: 4, views: 3, accepts: 1, declines: 3, unseen: 1, takeRate: 0.3333m, revenue: 9700);
        Analytics.AssertStep(steps[1]!, "7-day guided audio starter", "downsell", offered: 3, views: 2, accepts: 1, declines: 1, unseen: 1, takeRate: 0.5m, revenue: 3700);

        var days = report["revenueByDay"]!.AsArray();
        var only = Assert.Single(days)!;
        Assert.Equal(from, only["day"]!.GetValue<string>());
        Assert.Equal(40300, only["revenue"]!.GetValue<long>());

        // The page shows the same figures, with its charts.
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/funnels/{Demo}/analytics?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-testid=\"checkouts\">5<", page.Html);
        Assert.Contains("data-testid=\"buyers\">4<", page.Html);
        Assert.Contains("data-testid=\"gross\">$403.00<", page.Html);
        Assert.Contains("data-testid=\"refunds\">$17.00<", page.Html);
        Assert.Contains("data-testid=\"net\">$386.00<", page.Html);
        Assert.Contains("data-testid=\"aov\">$80.60<", page.Html);
        Assert.Contains("data-testid=\"aov-lift\">71.5%<", page.Html);
        Assert.Contains("data-testid=\"revenue-per-buyer\">$96.50<", page.Html);
        Assert.Contains("<td class=\"num\">33.3%</td>", page.Html);
        Assert.Contains("<td class=\"num\">40.0%</td>", page.Html);
        Assert.Contains("data-testid=\"take-rate-chart\"", page.Html);
        Assert.Contains("data-testid=\"revenue-chart\"", page.Html);
        Assert.Equal(2, CountOf(page.Html, "role=\"img\""));
        Assert.Contains("aria-label=\"Take rate per step and bump: Offer: 4-week guided audio program: 33.3% (1 accepted of 3 views); Downsell: 7-day guided audio starter: 50.0% (1 accepted of 2 views); Bump: Printable calm-down worksheets: 40.0% (2 taken of 5 checkouts)\"", page.Html);
        Assert.Contains($"aria-label=\"Gross revenue per day (UTC) from {from} to {from}: $403.00 in all, highest day $403.00\"", page.Html);
        Assert.Contains("<title>Offer: 4-week guided audio program: 33.3% (1 accepted of 3 views)</title>", page.Html);
        Assert.Contains($"<title>{from}: $403.00</title>", page.Html);
        Assert.DoesNotContain("style=", page.Html);
        Assert.DoesNotContain("<script>", page.Html);

        // The CSV: the same numbers, one per row.
        var csvResponse = await seller.GetAsync($"/seller/funnels/{Demo}/analytics?handler=csv&from={from}&to={to}&version=");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", csvResponse.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"calm-your-anxiety-analytics-{from}-{to}.csv", csvResponse.Content.Headers.ContentDisposition.FileNameStar ?? csvResponse.Content.Headers.ContentDisposition.FileName);
        var csv = Analytics.ParseCsv(await csvResponse.Content.ReadAsStringAsync());
        Assert.Equal("5", csv[("summary", "", "checkouts")]);
        Assert.Equal("4", csv[("summary", "", "buyers")]);
        Assert.Equal("40300", csv[("summary", "", "gross_revenue_minor")]);
        Assert.Equal("1700", csv[("summary", "", "refunded_minor")]);
        Assert.Equal("38600", csv[("summary", "", "net_revenue_minor")]);
        Assert.Equal("8060", csv[("summary", "", "average_order_value_minor")]);
        Assert.Equal("0.7149", csv[("summary", "", "aov_lift")]);
        Assert.Equal("9650", csv[("summary", "", "revenue_per_buyer_minor")]);
        Assert.Equal("0.4", csv[("bump", "Printable calm-down worksheets", "take_rate")]);
        Assert.Equal("3", csv[("step", "audio-program", "views")]);
        Assert.Equal("0.3333", csv[("step", "audio-program", "take_rate")]);
        Assert.Equal("1", csv[("step", "audio-starter", "accepts")]);
        Assert.Equal("3700", csv[("step", "audio-starter", "revenue_minor")]);
        Assert.Equal("40300", csv[("day", from, "gross_revenue_minor")]);
    }

    [Fact]
    public async Task A_date_range_counts_orders_by_the_day_they_were_paid()
    {
        var first = Analytics.MoveToFreshDay(app);
        await Analytics.CheckoutAsync(app, "day1@example.com", withBump: true); // 6400
        app.Clock.Advance(TimeSpan.FromDays(1));
        await Analytics.CheckoutAsync(app, "day2@example.com", withBump: false); // 4700
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Analytics.CheckoutAsync(app, "day4@example.com", withBump: false, saveCard: false); // 4700
        var api = await Analytics.DemoApiAsync(app);

        async Task<JsonNode> Report(DateOnly from, DateOnly to) => await Buyer.ReadAsync(
            await api.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics?from={Analytics.Date(from)}&to={Analytics.Date(to)}"), HttpStatusCode.OK);

        var day1 = await Report(first, first.AddDays(1));
        Assert.Equal(1, day1["checkouts"]!.GetValue<int>());
        Assert.Equal(6400, day1["grossRevenue"]!.GetValue<long>());
        var day2 = await Report(first.AddDays(1), first.AddDays(2));
        Assert.Equal(1, day2["checkouts"]!.GetValue<int>());
        Assert.Equal(4700, day2["grossRevenue"]!.GetValue<long>());
        Assert.Equal(1, day2["steps"]![0]!["offered"]!.GetValue<int>());

        var all = await Report(first, first.AddDays(4));
        Assert.Equal(3, all["checkouts"]!.GetValue<int>());
        Assert.Equal(15800, all["grossRevenue"]!.GetValue<long>());
        Assert.Equal(new long[] { 6400, 4700, 0, 4700 }, all["revenueByDay"]!.AsArray().Select(d => d!["revenue"]!.GetValue<long>()));
        Assert.Equal(Analytics.Date(first.AddDays(2)), all["revenueByDay"]![2]!["day"]!.GetValue<string>());
        var none = await Report(first.AddDays(-3), first);
        Assert.Equal(0, none["checkouts"]!.GetValue<int>());
        Assert.Null(none["averageOrderValue"]);
        Assert.Null(none["steps"]![0]!["takeRate"]);

        // No dates: the last 30 days, today included.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var byDefault = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics"), HttpStatusCode.OK);
        Assert.Equal(Analytics.Date(today.AddDays(-29)), byDefault["from"]!.GetValue<string>());
        Assert.Equal(Analytics.Date(today.AddDays(1)), byDefault["to"]!.GetValue<string>());
        Assert.Equal(30, byDefault["revenueByDay"]!.AsArray().Count);
        Assert.Equal(4700, byDefault["revenueByDay"]![29]!["revenue"]!.GetValue<long>());

        // Invalid ranges: a 400 naming the field on the API, a readable message on the page and for the CSV.
        var bad = new (string Query, string Field)[]
        {
            ("from=2026-13-01&to=2026-12-01", "from"),
            ("from=2026-01-01&to=yesterday", "to"),
            ("from=2026-03-02&to=2026-03-01", "from"),
            ("from=2026-03-01&to=2026-03-01", "from"),
            ("from=2025-01-01&to=2026-01-03", "to"),
            ("versionId=not-a-guid", "versionId"),
        };
        foreach (var (query, field) in bad)
        {
            var problem = await Buyer.ProblemAsync(await api.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics?{query}"), HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]![field]);
        }
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics?from=2025-01-01&to=2026-01-02")).StatusCode); // 366 days

        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/funnels/{Demo}/analytics?from=2026-03-02&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("The start date must be before the end date", page.Html);
        Assert.DoesNotContain("data-testid=\"checkouts\"", page.Html);
        var csv = await seller.GetAsync($"/seller/funnels/{Demo}/analytics?handler=csv&from=2025-01-01&to=2026-06-01");
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains("at most 366 days", await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_seller_gets_404_for_the_page_the_csv_and_the_api()
    {
        var (stranger, _) = await app.SignUpAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/seller/funnels/{Demo}/analytics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/seller/funnels/{Demo}/analytics?handler=csv")).StatusCode);
        var strangerApi = app.ApiClient(await Sellers.CreateApiKeyAsync(stranger));
        await Buyer.ProblemAsync(await strangerApi.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await strangerApi.GetAsync($"/api/v1/seller/funnels/{Guid.NewGuid()}/analytics"), HttpStatusCode.NotFound);

        // The owner gets a 404 for a version of another funnel; nobody signed in gets nothing.
        var demoApi = await Analytics.DemoApiAsync(app);
        await Buyer.ProblemAsync(await demoApi.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics?versionId={Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await demoApi.GetAsync($"/api/v1/seller/funnels/{Demo}/analytics")).StatusCode);
        await Buyer.ProblemAsync(await app.CreateClient().GetAsync($"/api/v1/seller/funnels/{Demo}/analytics"), HttpStatusCode.Unauthorized);
        var anonymous = await app.CreateClient().GetAsync($"/seller/funnels/{Demo}/analytics?handler=csv");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/seller/sign-in", anonymous.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_analytics_endpoint()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operation = document["paths"]!["/api/v1/seller/funnels/{funnelId}/analytics"]!["get"]!;
        Assert.Equal("GetFunnelAnalytics", operation["operationId"]!.GetValue<string>());
        Assert.StartsWith("A funnel's analytics", operation["summary"]!.GetValue<string>());
        var parameters = operation["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["funnelId", "from", "to", "versionId"], parameters);
        Assert.NotNull(operation["responses"]!["200"]);
        Assert.NotNull(operation["responses"]!["400"]);
        Assert.NotNull(operation["responses"]!["404"]);
    }

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "").Length) / value.Length;
}

public sealed class AnalyticsTests_Sqlite(SqliteApp app) : AnalyticsTests<SqliteApp>(app);

public sealed class AnalyticsTests_Postgres(PostgresApp app) : AnalyticsTests<PostgresApp>(app);

/// <summary>
/// A second version of the demo funnel, published after some sales: figures per version and for all of them,
/// steps compared by key and named as in the newest version. A class of its own: it changes what the demo sells.
/// </summary>
public abstract class AnalyticsVersionTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Figures_per_version_and_for_all_versions()
    {
        var day = Analytics.MoveToFreshDay(app);
        var v1a = await Analytics.CheckoutAsync(app, "v1a@example.com", withBump: true);
        await v1a.AcceptCurrentAsync(Buyer.OfferStep); // 4700 + 1700 + 9700
        var v1b = await Analytics.CheckoutAsync(app, "v1b@example.com", withBump: false);
        await Analytics.ViewAndDeclineAsync(v1b, Buyer.OfferStep); // 4700; downsell left offered, unseen

        var v2 = await PublishSecondVersionAsync();
        var v2a = await Analytics.CheckoutAsync(app, "v2a@example.com", withBump: true, bumpId: v2.BumpId);
        await Analytics.ViewAndDeclineAsync(v2a, v2.OfferStepId);
        await v2a.AcceptCurrentAsync(v2.DownsellStepId); // 5700 + 1700 + 3700

        var api = await Analytics.DemoApiAsync(app);
        var range = $"from={Analytics.Date(day)}&to={Analytics.Date(day.AddDays(1))}";
        var all = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{DemoSeed.FunnelId}/analytics?{range}"), HttpStatusCode.OK);
        Assert.Equal(3, all["checkouts"]!.GetValue<int>());
        Assert.Equal(31900, all["grossRevenue"]!.GetValue<long>());
        Assert.Equal(15100, all["mainRevenue"]!.GetValue<long>());
        Assert.Equal([1, 2], all["versions"]!.AsArray().Select(v => v!["number"]!.GetValue<int>()));
        var bump = Assert.Single(all["bumps"]!.AsArray())!;
        Assert.Equal(2, bump["taken"]!.GetValue<int>());
        Assert.Equal(0.6667m, bump["takeRate"]!.GetValue<decimal>());
        var steps = all["steps"]!.AsArray();
        Assert.Equal(["audio-program", "audio-starter"], steps.Select(s => s!["key"]!.GetValue<string>()));
        Analytics.AssertStep(steps[0]!, "4-week guided audio program, 2nd edition", "offer", offered: 3, views: 3, accepts: 1, declines: 2, unseen: 0, takeRate: 0.3333m, revenue: 9700);
        Analytics.AssertStep(steps[1]!, "7-day guided audio starter", "downsell", offered: 2, views: 1, accepts: 1, declines: 0, unseen: 1, takeRate: 1m, revenue: 3700);

        var first = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{DemoSeed.FunnelId}/analytics?{range}&versionId={DemoSeed.VersionId}"), HttpStatusCode.OK);
        Assert.Equal(1, first["versionNumber"]!.GetValue<int>());
        Assert.Equal(2, first["checkouts"]!.GetValue<int>());
        Assert.Equal(20800, first["grossRevenue"]!.GetValue<long>());
        Assert.Equal(0.5m, first["bumps"]![0]!["takeRate"]!.GetValue<decimal>());
        Analytics.AssertStep(first["steps"]![0]!, "4-week guided audio program", "offer", offered: 2, views: 2, accepts: 1, declines: 1, unseen: 0, takeRate: 0.5m, revenue: 9700);
        Analytics.AssertStep(first["steps"]![1]!, "7-day guided audio starter", "downsell", offered: 1, views: 0, accepts: 0, declines: 0, unseen: 1, takeRate: null, revenue: 0);

        var second = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{DemoSeed.FunnelId}/analytics?{range}&versionId={v2.VersionId}"), HttpStatusCode.OK);
        Assert.Equal(2, second["versionNumber"]!.GetValue<int>());
        Assert.Equal(1, second["checkouts"]!.GetValue<int>());
        Assert.Equal(11100, second["grossRevenue"]!.GetValue<long>());
        Assert.Equal(5700, second["mainRevenue"]!.GetValue<long>());
        Assert.Equal(0.9474m, second["aovLift"]!.GetValue<decimal>()); // 11100 / 5700 - 1
        Assert.Equal(1m, second["bumps"]![0]!["takeRate"]!.GetValue<decimal>());
        Assert.Equal(11100, Assert.Single(second["revenueByDay"]!.AsArray())!["revenue"]!.GetValue<long>());

        // The page's select offers every version, and the page and CSV take a version by id or by number.
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/funnels/{DemoSeed.FunnelId}/analytics?{range}&version={v2.VersionId}");
        Assert.Contains($"<option value=\"{v2.VersionId}\" selected=\"selected\">v2 (published)</option>", page.Html);
        Assert.Contains($"<option value=\"{DemoSeed.VersionId}\">v1 (retired)</option>", page.Html);
        Assert.Contains("data-testid=\"checkouts\">1<", page.Html);
        var csv = await seller.GetAsync($"/seller/funnels/{DemoSeed.FunnelId}/analytics?handler=csv&{range}&version=1");
        var rows = Analytics.ParseCsv(await csv.Content.ReadAsStringAsync());
        Assert.Equal("v1", rows[("summary", "", "version")]);
        Assert.Equal("2", rows[("summary", "", "checkouts")]);
        Assert.Contains("-v1-analytics-", csv.Content.Headers.ContentDisposition!.FileNameStar ?? csv.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(HttpStatusCode.NotFound, (await seller.GetAsync($"/seller/funnels/{DemoSeed.FunnelId}/analytics?version=7")).StatusCode);
    }

    private sealed record SecondVersion(Guid VersionId, Guid BumpId, Guid OfferStepId, Guid DownsellStepId);

    /// <summary>Publishes v2 as the seller's editor would: a $57 main price and a renamed offer, the same step keys.</summary>
    private async Task<SecondVersion> PublishSecondVersionAsync()
    {
        var ids = new SecondVersion(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await app.QueryAsync(async db =>
        {
            var v1 = await db.FunnelVersions.Include(v => v.Bumps).Include(v => v.Steps).SingleAsync(v => v.Id == DemoSeed.VersionId);
            var offer = v1.Steps.Single(s => s.Key == "audio-program");
            var downsell = v1.Steps.Single(s => s.Key == "audio-starter");
            var bump = v1.Bumps.Single();
            PriceTerms Price(long amount) => new() { Amount = amount, Currency = "USD" };
            OfferStep Step(Guid id, OfferStep from, string name, Guid? onDecline) => new()
            {
                Id = id, Position = from.Position, Key = from.Key, Kind = from.Kind, ProductId = from.ProductId, ProductName = name,
                Headline = from.Headline, Body = from.Body, Price = Price(from.Price.Amount), OnDeclineStepId = onDecline,
            };
            var now = app.Clock.GetUtcNow();
            db.FunnelVersions.Add(new FunnelVersion
            {
                Id = ids.VersionId, FunnelId = v1.FunnelId, SellerId = v1.SellerId, SellerName = v1.SellerName, SupportEmail = v1.SupportEmail,
                Number = 2, Status = FunnelVersionStatus.Published, PublishedAt = now, Currency = "USD", MainProductId = v1.MainProductId,
                MainName = v1.MainName, MainDescription = v1.MainDescription, MainPrice = Price(5700), WindowMinutes = v1.WindowMinutes,
                EntryStepId = ids.OfferStepId, UpdatedAt = now,
                Bumps = [new OrderBump { Id = ids.BumpId, Position = 0, ProductId = bump.ProductId, Name = bump.Name, Description = bump.Description, Price = Price(1700) }],
                Steps =
                [
                    Step(ids.OfferStepId, offer, "4-week guided audio program, 2nd edition", ids.DownsellStepId),
                    Step(ids.DownsellStepId, downsell, downsell.ProductName, null),
                ],
            });
            v1.Status = FunnelVersionStatus.Retired;
            (await db.Funnels.SingleAsync(f => f.Id == DemoSeed.FunnelId)).PublishedVersionId = ids.VersionId;
            return await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<PublishedFunnels>().ForgetSlug(DemoSeed.FunnelSlug);
        return ids;
    }
}

public sealed class AnalyticsVersionTests_Sqlite(SqliteApp app) : AnalyticsVersionTests<SqliteApp>(app);

public sealed class AnalyticsVersionTests_Postgres(PostgresApp app) : AnalyticsVersionTests<PostgresApp>(app);

/// <summary>The CSV's quoting and its defence against formulas in names a seller typed.</summary>
public sealed class AnalyticsCsvTests
{
    [Theory]
    [InlineData("Worksheets", "Worksheets")]
    [InlineData("=HYPERLINK(\"http://evil.example\")", "\"'=HYPERLINK(\"\"http://evil.example\"\")\"")]
    [InlineData("+1 bonus", "'+1 bonus")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTab", "'\tTab")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("", "")]
    public void Fields_are_quoted_and_formulas_neutralised(string value, string expected) =>
        Assert.Equal(expected, Encore.Web.Features.Analytics.AnalyticsCsv.Field(value));
}

/// <summary>Helpers of the analytics tests.</summary>
internal static class Analytics
{
    public static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Moves the shared clock to noon of a day no other test of the class has used, and returns that day.</summary>
    public static DateOnly MoveToFreshDay(EncoreApp app)
    {
        var now = app.Clock.GetUtcNow();
        var noon = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(10).AddHours(12);
        app.Clock.Advance(noon - now);
        return DateOnly.FromDateTime(noon.UtcDateTime);
    }

    public static object CheckoutBody(string email, bool withBump, string paymentMethod = "pm_card_visa", bool saveCard = true, Guid? bumpId = null) => new
    {
        funnel = Buyer.Funnel,
        email,
        name = "Analytics Buyer",
        paymentMethod,
        bumps = withBump ? new[] { bumpId ?? Buyer.Bump } : [],
        savePaymentMethodForOffers = saveCard,
    };

    /// <summary>A buyer with an e-mail of the test's choosing, checked out; with a kept card, on the offer.</summary>
    public static async Task<Buyer> CheckoutAsync(EncoreApp app, string email, bool withBump, bool saveCard = true, Guid? bumpId = null)
    {
        var buyer = new Buyer(app.CreateClient());
        var body = await Buyer.ReadAsync(
            await Buyer.PostCheckoutAsync(buyer.Client, CheckoutBody(email, withBump, saveCard: saveCard, bumpId: bumpId)), HttpStatusCode.Created);
        if (body["sessionToken"]?.GetValue<string>() is { } token) buyer.UseToken(token);
        return buyer;
    }

    /// <summary>Looks at the current step (which marks it viewed), then declines it.</summary>
    public static async Task ViewAndDeclineAsync(Buyer buyer, Guid stepId)
    {
        var offer = await buyer.GetOfferAsync();
        Assert.Equal(stepId, offer["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.OK, (await buyer.DeclineAsync(stepId)).StatusCode);
    }

    public static Task<Guid> OrderIdAsync(EncoreApp app, string email) =>
        app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());

    /// <summary>Records a refund of one line as the refund flow would leave it.</summary>
    public static Task AddRefundAsync(EncoreApp app, Guid orderId, OrderLineKind kind, RefundStatus status) =>
        app.QueryAsync(async db =>
        {
            var line = await db.OrderLines.SingleAsync(l => l.OrderId == orderId && l.Kind == kind);
            db.Refunds.Add(new Refund
            {
                Id = Guid.CreateVersion7(), SellerId = DemoSeed.SellerId, OrderId = orderId, OrderLineId = line.Id, ChargeId = line.ChargeId,
                Amount = line.Amount, Currency = line.Currency, IdempotencyKey = "test:" + Guid.NewGuid(), Status = status,
                CreatedAt = app.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });

    public static async Task<HttpClient> DemoApiAsync(EncoreApp app) =>
        app.ApiClient(await Sellers.CreateApiKeyAsync(await app.SignInAsDemoAsync()));

    public static void AssertStep(
        JsonNode step, string name, string kind, int offered, int views, int accepts, int declines, int unseen, decimal? takeRate, long revenue)
    {
        Assert.Equal(name, step["name"]!.GetValue<string>());
        Assert.Equal(kind, step["kind"]!.GetValue<string>());
        Assert.Equal(offered, step["offered"]!.GetValue<int>());
        Assert.Equal(views, step["views"]!.GetValue<int>());
        Assert.Equal(accepts, step["accepts"]!.GetValue<int>());
        Assert.Equal(declines, step["declines"]!.GetValue<int>());
        Assert.Equal(unseen, step["unseen"]!.GetValue<int>());
        Assert.Equal(takeRate, step["takeRate"]?.GetValue<decimal>());
        Assert.Equal(revenue, step["revenue"]!.GetValue<long>());
    }

    /// <summary>The CSV's rows by (section, item, metric); fails on a malformed row.</summary>
    public static Dictionary<(string, string, string), string> ParseCsv(string csv)
    {
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("section,item,metric,value", lines[0]);
        var rows = new Dictionary<(string, string, string), string>();
        foreach (var line in lines.Skip(1))
        {
            var fields = SplitCsvLine(line);
            Assert.Equal(4, fields.Count);
            rows.Add((fields[0], fields[1], fields[2]), fields[3]);
        }
        return rows;
    }

    public static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(ch);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
