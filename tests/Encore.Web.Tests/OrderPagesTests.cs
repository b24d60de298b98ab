using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Orders;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>The seller's order list, order page and consent records: search, filters, pages, walls between sellers, evidence.</summary>
public abstract class OrderPagesTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string url) =>
        await Buyer.ReadAsync(await client.GetAsync(url), HttpStatusCode.OK);

    private static List<Guid> Ids(JsonNode list) => list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

    [Fact]
    public async Task The_list_finds_an_order_by_buyer_email_any_case_and_by_order_id()
    {
        var (first, firstEmail, _) = await Orders.BuyAsync(app);
        var (second, secondEmail, _) = await Orders.BuyAsync(app);
        var api = await Orders.DemoApiAsync(app);

        var byEmail = await GetJsonAsync(api, $"/api/v1/seller/orders?q={Uri.EscapeDataString(firstEmail.ToUpperInvariant())}");
        Assert.Equal(1, byEmail["total"]!.GetValue<int>());
        Assert.Equal([first], Ids(byEmail));
        var item = byEmail["items"]![0]!;
        Assert.Equal(firstEmail, item["email"]!.GetValue<string>());
        Assert.Equal("paid", item["status"]!.GetValue<string>());
        Assert.Equal(6400, item["charged"]!["amount"]!.GetValue<long>());
        Assert.Equal(0, item["refunded"]!["amount"]!.GetValue<long>());
        Assert.Equal("Calm Your Anxiety", item["funnel"]!.GetValue<string>());

        var byId = await GetJsonAsync(api, $"/api/v1/seller/orders?q={second}");
        Assert.Equal([second], Ids(byId));

        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/orders?q={Uri.EscapeDataString(secondEmail)}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"/seller/orders/{second}", page.Html);
        Assert.Contains(secondEmail, page.Html);
        Assert.DoesNotContain(firstEmail, page.Html);
        Assert.Contains("$64.00", page.Html);
    }

    [Fact]
    public async Task Each_filter_narrows_the_list_dates_funnel_and_status()
    {
        var email = $"filters-{Guid.NewGuid():N}@example.com";
        var (early, _, _) = await Orders.BuyAsync(app, email);
        var earlyDay = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd");
        app.Clock.Advance(TimeSpan.FromDays(3));
        var (late, _, _) = await Orders.BuyAsync(app, email);
        var lateDay = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd");
        var (declined, _, _) = await Orders.BuyAsync(app, email, paymentMethod: SandboxTestCards.ChargeDeclined);
        var otherFunnel = Guid.NewGuid();
        await Orders.InsertOrdersAsync(app, email, app.Clock.GetUtcNow(), 1, otherFunnel);
        var inOtherFunnel = await app.QueryAsync(db => db.Orders.Where(o => o.FunnelId == otherFunnel).Select(o => o.Id).SingleAsync());
        var api = await Orders.DemoApiAsync(app);
        var q = "q=" + Uri.EscapeDataString(email);

        Assert.Equal(4, (await GetJsonAsync(api, $"/api/v1/seller/orders?{q}"))["total"]!.GetValue<int>());
        Assert.Equal([early], Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&to={earlyDay}")));
        Assert.Equal(new[] { late, declined, inOtherFunnel }.Order(), Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&from={lateDay}")).Order());
        Assert.Equal([declined], Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&status=payment_failed")));
        Assert.Equal(new[] { early, late, inOtherFunnel }.Order(), Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&status=paid")).Order());
        Assert.Equal([inOtherFunnel], Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&funnelId={otherFunnel}")));
        Assert.Equal(new[] { early, late, declined }.Order(), Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&funnelId={DemoSeed.FunnelId}")).Order());

        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, $"/seller/orders?{q}&status=payment_failed&from={lateDay}&funnel={DemoSeed.FunnelId}");
        Assert.Contains($"data-order-id=\"{declined}\"", page.Html);
        Assert.DoesNotContain($"data-order-id=\"{late}\"", page.Html);
        Assert.DoesNotContain($"data-order-id=\"{early}\"", page.Html);

        var bad = await Buyer.ProblemAsync(await api.GetAsync($"/api/v1/seller/orders?from=yesterday&status=lost"), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["from"]);
        Assert.NotNull(bad["errors"]!["status"]);
    }

    [Fact]
    public async Task The_list_is_paged_newest_first_with_links_that_keep_the_search()
    {
        var email = $"paging-{Guid.NewGuid():N}@example.com";
        var start = app.Clock.GetUtcNow().AddDays(-10);
        await Orders.InsertOrdersAsync(app, email, start, 7);
        var expected = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).OrderByDescending(o => o.CreatedAt).Select(o => o.Id).ToListAsync());
        var api = await Orders.DemoApiAsync(app);
        var q = "q=" + Uri.EscapeDataString(email);

        var pages = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&pageSize=3&page={page}");
            Assert.Equal(7, body["total"]!.GetValue<int>());
            Assert.Equal(3, body["pageSize"]!.GetValue<int>());
            Assert.Equal(page, body["page"]!.GetValue<int>());
            pages.AddRange(Ids(body));
        }
        Assert.Equal(expected, pages);
        Assert.Empty(Ids(await GetJsonAsync(api, $"/api/v1/seller/orders?{q}&pageSize=3&page=4")));
        await Buyer.ProblemAsync(await api.GetAsync($"/api/v1/seller/orders?pageSize=500"), HttpStatusCode.BadRequest);

        var seller = await app.SignInAsDemoAsync();
        var first = await FormPage.GetAsync(seller, $"/seller/orders?{q}&pageSize=3");
        Assert.Contains($"data-order-id=\"{expected[0]}\"", first.Html);
        Assert.DoesNotContain($"data-order-id=\"{expected[3]}\"", first.Html);
        var next = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(first.Html, "rel=\"next\" href=\"([^\"]+)\"").Groups[1].Value);
        Assert.Contains("q=" + email, Uri.UnescapeDataString(next));
        Assert.Contains("page=2", next);
        Assert.DoesNotContain("rel=\"prev\"", first.Html);
        var second = await FormPage.GetAsync(seller, next);
        Assert.Contains($"data-order-id=\"{expected[3]}\"", second.Html);
        Assert.DoesNotContain($"data-order-id=\"{expected[0]}\"", second.Html);
        Assert.Contains("rel=\"prev\"", second.Html);

        // 50 a page by default: 51 orders make two pages.
        var many = $"many-{Guid.NewGuid():N}@example.com";
        await Orders.InsertOrdersAsync(app, many, start, 51);
        var defaultPage = await GetJsonAsync(api, $"/api/v1/seller/orders?q={Uri.EscapeDataString(many)}");
        Assert.Equal(50, Ids(defaultPage).Count);
        Assert.Equal(51, defaultPage["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Another_seller_gets_404_for_the_order_its_consent_and_refunds_and_sees_none_in_the_list()
    {
        var (orderId, email, _) = await Orders.BuyAsync(app, acceptOffer: true);
        var consentId = await app.QueryAsync(db => db.ConsentRecords.Where(c => c.OrderId == orderId).Select(c => c.Id).SingleAsync());
        var line = await Orders.LineAsync(app, orderId, OrderLineKind.Main);
        var demoApi = await Orders.DemoApiAsync(app);
        var refund = await Buyer.ReadAsync(await Orders.RefundAsync(demoApi, orderId, line.Id, 100, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        var refundId = refund["id"]!.GetValue<Guid>();

        var (otherPages, _) = await app.SignUpAsync("Another Store");
        var otherApi = app.ApiClient(await Sellers.CreateApiKeyAsync(otherPages));

        await Buyer.ProblemAsync(await otherApi.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await otherApi.GetAsync($"/api/v1/seller/consent-records/{consentId}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await otherApi.GetAsync($"/api/v1/seller/refunds/{refundId}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await Orders.RefundAsync(otherApi, orderId, line.Id, 100, Guid.NewGuid().ToString()), HttpStatusCode.NotFound);
        var list = await GetJsonAsync(otherApi, $"/api/v1/seller/orders?q={Uri.EscapeDataString(email)}");
        Assert.Equal(0, list["total"]!.GetValue<int>());
        Assert.Equal(0, (await GetJsonAsync(otherApi, "/api/v1/seller/orders"))["total"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.NotFound, (await otherPages.GetAsync($"/seller/orders/{orderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherPages.GetAsync($"/seller/consent/{consentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherPages.GetAsync($"/seller/consent/{consentId}?handler=json")).StatusCode);
        var otherList = await FormPage.GetAsync(otherPages, "/seller/orders");
        Assert.DoesNotContain(email, otherList.Html);
        Assert.Contains("0 orders", otherList.Html);
        var form = await FormPage.GetAsync(otherPages, "/seller/api-keys");
        var post = await form.PostAsync(otherPages, $"/seller/orders/{orderId}?handler=refund",
            ("lineId", line.Id.ToString()), ("amount", "1.00"), ("key", Guid.NewGuid().ToString("N")));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.DoesNotContain(email, await post.Content.ReadAsStringAsync());

        // The owner still sees it all, and only the one refund moved.
        Assert.Equal(HttpStatusCode.OK, (await demoApi.GetAsync($"/api/v1/seller/orders/{orderId}")).StatusCode);
        Assert.Equal(100, (await Orders.LineAsync(app, orderId, OrderLineKind.Main)).RefundedAmount);
        Assert.Equal(1, await app.QueryAsync(db => db.Refunds.CountAsync(r => r.OrderId == orderId)));
    }

    [Fact]
    public async Task The_order_page_shows_lines_charges_the_consent_text_and_hash_and_totals()
    {
        var (orderId, email, _) = await Orders.BuyAsync(app, acceptOffer: true);
        var consent = await app.QueryAsync(db => db.ConsentRecords.SingleAsync(c => c.OrderId == orderId));
        Assert.Equal(Sha256(consent.DisclosureText), consent.DisclosureSha256);
        var seller = await app.SignInAsDemoAsync();

        var page = await FormPage.GetAsync(seller, $"/seller/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(email, page.Html);
        Assert.Contains("Calm Your Anxiety, version 1", page.Html);
        Assert.Contains(WebUtility.HtmlEncode(consent.DisclosureText), page.Html);
        Assert.Contains(consent.DisclosureSha256, page.Html);
        Assert.Contains(WebUtility.HtmlEncode(consent.AcceptLabel), page.Html);
        Assert.Contains($"/seller/consent/{consent.Id}?handler=json", page.Html);
        Assert.Contains("data-testid=\"total-charged\">$161.00<", page.Html);
        Assert.Contains("data-testid=\"total-net\">$161.00<", page.Html);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(page.Html, "class=\"refund-form\""));
        Assert.Contains("value=\"97.00\"", page.Html);
        Assert.DoesNotContain("style=", page.Html);

        var api = await Orders.DemoApiAsync(app);
        var order = await GetJsonAsync(api, $"/api/v1/seller/orders/{orderId}");
        Assert.Equal(3, order["lines"]!.AsArray().Count);
        Assert.Equal(2, order["charges"]!.AsArray().Count);
        Assert.Equal(1, order["funnelVersion"]!.GetValue<int>());
        Assert.Equal(consent.DisclosureText, order["consentRecords"]![0]!["disclosureText"]!.GetValue<string>());
        Assert.Equal(16100, order["totals"]!["charged"]!["amount"]!.GetValue<long>());
        Assert.Equal(16100, order["totals"]!["net"]!["amount"]!.GetValue<long>());
        var offerCharge = order["charges"]!.AsArray().Single(c => c!["kind"]!.GetValue<string>() == "offer")!;
        Assert.Equal(consent.Id, offerCharge["consentRecordId"]!.GetValue<Guid>());
        Assert.StartsWith("pi_", offerCharge["gatewayPaymentId"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await seller.GetAsync($"/seller/orders/{Guid.NewGuid()}")).StatusCode);
        await Buyer.ProblemAsync(await api.GetAsync($"/api/v1/seller/orders/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_consent_record_exports_as_html_and_json_with_the_exact_text_and_its_sha256()
    {
        var (orderId, email, _) = await Orders.BuyAsync(app, acceptOffer: true);
        var consent = await app.QueryAsync(db => db.ConsentRecords.SingleAsync(c => c.OrderId == orderId));
        var charge = await app.QueryAsync(db => db.Charges.SingleAsync(c => c.ConsentRecordId == consent.Id));
        var seller = await app.SignInAsDemoAsync();

        var html = await FormPage.GetAsync(seller, $"/seller/consent/{consent.Id}");
        Assert.Equal(HttpStatusCode.OK, html.Status);
        Assert.Contains(WebUtility.HtmlEncode(consent.DisclosureText), html.Html);
        Assert.Contains($"data-testid=\"disclosure-sha256\">{Sha256(consent.DisclosureText)}<", html.Html);
        Assert.Contains("sha256sum", html.Html);
        Assert.Contains("Calm Mind Coaching", html.Html);
        Assert.Contains(email, html.Html);
        Assert.Contains(orderId.ToString(), html.Html);
        Assert.Contains(charge.GatewayPaymentId!, html.Html);
        Assert.Contains($"{consent.CardBrand} ending in {consent.CardLast4}", html.Html);
        Assert.Contains(consent.AgreedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), html.Html);
        Assert.Contains("$97.00 USD", html.Html);

        var download = await seller.GetAsync($"/seller/consent/{consent.Id}?handler=json");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(await download.Content.ReadAsStringAsync())!;
        Assert.Equal(consent.DisclosureText, json["disclosure"]!["text"]!.GetValue<string>());
        Assert.Equal(Sha256(json["disclosure"]!["text"]!.GetValue<string>()), json["disclosure"]!["sha256"]!.GetValue<string>());
        Assert.Equal(email, json["buyer"]!["email"]!.GetValue<string>());
        Assert.Equal(9700, json["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal(charge.GatewayPaymentId, json["charge"]!["gatewayPaymentId"]!.GetValue<string>());
        Assert.Equal("succeeded", json["charge"]!["status"]!.GetValue<string>());
        Assert.Equal(consent.AcceptLabel, json["acceptLabel"]!.GetValue<string>());

        // The verification command printed on the record really prints the hash (where a POSIX shell is at hand).
        if (OperatingSystem.IsLinux() && File.Exists("/bin/sh"))
        {
            var shell = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh")
            {
                ArgumentList = { "-c", json["disclosure"]!["verify"]!.GetValue<string>() },
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var output = await shell.StandardOutput.ReadToEndAsync();
            await shell.WaitForExitAsync();
            Assert.StartsWith(consent.DisclosureSha256 + " ", output);
        }

        var api = await Orders.DemoApiAsync(app);
        var fromApi = await GetJsonAsync(api, $"/api/v1/seller/consent-records/{consent.Id}");
        Assert.Equal(consent.DisclosureText, fromApi["disclosure"]!["text"]!.GetValue<string>());
        Assert.Equal(consent.DisclosureSha256, fromApi["disclosure"]!["sha256"]!.GetValue<string>());
        Assert.Equal(orderId, fromApi["orderId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_seller_order_endpoints_with_their_parameter_names()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.NotNull(paths["/api/v1/seller/orders"]!["get"]);
        Assert.NotNull(paths["/api/v1/seller/orders/{orderId}"]!["get"]);
        Assert.Equal("RefundSellerOrderLine", paths["/api/v1/seller/orders/{orderId}/lines/{lineId}/refunds"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(paths["/api/v1/seller/refunds/{refundId}"]!["get"]);
        Assert.NotNull(paths["/api/v1/seller/consent-records/{consentId}"]!["get"]);
    }

    [Theory]
    [InlineData("17", "USD", 1700L)]
    [InlineData("17.5", "USD", 1750L)]
    [InlineData("0.01", "USD", 1L)]
    [InlineData("1200", "JPY", 1200L)]
    public void Refund_amounts_parse_exactly_in_the_currency_minor_units(string text, string currency, long expected)
    {
        Assert.True(OrderModel.TryParseAmount(text, currency, out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("17.505", "USD")]
    [InlineData("12.5", "JPY")]
    [InlineData("17,50", "USD")]
    [InlineData("-5", "USD")]
    [InlineData("abc", "USD")]
    [InlineData("", "USD")]
    [InlineData("1.", "USD")]
    public void Refund_amounts_that_are_not_exact_are_refused(string text, string currency) =>
        Assert.False(OrderModel.TryParseAmount(text, currency, out _));
}

public sealed class OrderPagesTests_Sqlite(SqliteApp app) : OrderPagesTests<SqliteApp>(app);

public sealed class OrderPagesTests_Postgres(PostgresApp app) : OrderPagesTests<PostgresApp>(app);
