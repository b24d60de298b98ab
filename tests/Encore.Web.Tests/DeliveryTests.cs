using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Delivery;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// What the buyer gets: a seller's files, links, text and licence keys on the thank-you page and through signed,
/// expiring download links; access ends with a full refund; bad uploads and altered or expired links change nothing.
/// </summary>
public abstract partial class DeliveryTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static readonly byte[] Pdf = "%PDF-1.4\n% Encore test workbook\n"u8.ToArray().Concat(Enumerable.Range(0, 5000).Select(i => (byte)(i % 251))).ToArray();

    [Fact]
    public async Task A_buyer_downloads_the_file_from_the_thank_you_page_and_a_refund_closes_it_with_the_reason()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop.Api, shop.Product, "Calm workbook.pdf", Pdf, title: "Workbook (PDF)");
        Assert.Equal(("file", Pdf.Length, Convert.ToHexStringLower(SHA256.HashData(Pdf))),
            (file["kind"]!.GetValue<string>(), file["file"]!["size"]!.GetValue<long>(), file["file"]!["sha256"]!.GetValue<string>()));
        Assert.Equal("application/pdf", file["file"]!["contentType"]!.GetValue<string>());
        await CreateAsync(shop.Api, shop.Product, new { kind = "link", title = "Open your course", url = "https://learn.example.com/calm", signLink = true });
        await CreateAsync(shop.Api, shop.Product, new { kind = "text", title = "How to start", text = "Begin with lesson one, ten minutes a day." });

        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(receiptUrl));
        Assert.Contains("Download Workbook (PDF)", page);
        Assert.Contains("Begin with lesson one, ten minutes a day.", page);
        var download = Regex.Match(page, "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(download);

        // The seller's platform can check the course link: the order, the buyer and an HMAC of both.
        var course = Regex.Match(page, "href=\"(https://learn.example.com/calm[^\"]+)\"").Groups[1].Value;
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(course).Query);
        Assert.Equal(orderId.ToString("N"), query["encore_order"]);
        var secret = (await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/signing-secret"), HttpStatusCode.OK))["secret"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret),
            System.Text.Encoding.UTF8.GetBytes($"{orderId:N}|{query["encore_email"]}")));
        Assert.Equal(expected, query["encore_signature"]);

        var response = await client.GetAsync(new Uri(download).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Calm workbook.pdf", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        Assert.Equal(Pdf, await response.Content.ReadAsByteArrayAsync());
        var recorded = await app.QueryAsync(db => db.Downloads.AsNoTracking().SingleAsync(d => d.OrderId == orderId));
        Assert.Equal(file["id"]!.GetValue<Guid>(), recorded.DeliverableId);
        Assert.Equal(1, (await ListAsync(shop.Api, shop.Product)).Single(d => d["kind"]!.GetValue<string>() == "file")["downloads"]!.GetValue<int>());

        // A full refund takes the product's access away, and the link and the page say why.
        var order = await Buyer.ReadAsync(await shop.Api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);
        var lineId = order["lines"]![0]!["id"]!.GetValue<Guid>();
        var refund = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/seller/orders/{orderId}/lines/{lineId}/refunds") { Content = JsonContent.Create(new { reason = "asked" }) };
        refund.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await Buyer.ReadAsync(await shop.Api.SendAsync(refund), HttpStatusCode.Created);
        var refused = await client.GetAsync(new Uri(download).PathAndQuery);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("It was refunded on", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        page = WebUtility.HtmlDecode(await client.GetStringAsync(receiptUrl));
        Assert.DoesNotContain("/d/", page);
        Assert.Contains("It was refunded on", page);
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));
    }

    [Fact]
    public async Task The_demo_course_delivers_its_workbook_pdf_and_its_lessons_link()
    {
        var client = app.CreateClient();
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = "calm-your-anxiety", email = $"demo-{Guid.NewGuid():N}@example.com", name = "Dee Demo", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(checkout["receiptUrl"]!.GetValue<string>()));
        Assert.Contains("Download Workbook (PDF)", page);
        Assert.Matches("href=\"https://calmmind.example/lessons\\?encore_order=", page);
        var link = new Uri(Regex.Match(page, "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;
        var pdf = await client.GetByteArrayAsync(link);
        Assert.StartsWith("%PDF-1.4", System.Text.Encoding.ASCII.GetString(pdf, 0, 8));
    }

    [Fact]
    public async Task The_receipt_mail_carries_the_download_link_and_the_purchases_page()
    {
        await using var smtp = new TestSmtpServer(app.SmtpPort);
        await smtp.StartAsync();
        var shop = await ShopAsync();
        await UploadAsync(shop.Api, shop.Product, "workbook.pdf", Pdf, title: "Workbook (PDF)");
        var client = app.CreateClient();
        var (orderId, _) = await BuyAsync(shop, client);
        await app.SendEmailsAsync();
        var mail = Assert.Single(smtp.Messages, m => m.TextBody?.Contains(orderId.ToString(), StringComparison.Ordinal) == true);
        var link = Regex.Match(mail.TextBody!, "Workbook \\(PDF\\): (http://localhost:5080/d/\\S+)").Groups[1].Value;
        Assert.NotEmpty(link);
        Assert.Contains("Your purchases page: http://localhost:5080/account", mail.TextBody);
        Assert.Contains(">Download Workbook (PDF)</a>", mail.HtmlBody);
        Assert.Equal(Pdf, await client.GetByteArrayAsync(new Uri(link).PathAndQuery));
    }

    [Fact]
    public async Task The_sellers_order_page_counts_the_buyers_downloads_and_resends_the_access_mail()
    {
        var client = app.CreateClient();
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = "calm-your-anxiety", email = $"resend-{Guid.NewGuid():N}@example.com", name = "Rae Send", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        var page = await client.GetStringAsync(checkout["receiptUrl"]!.GetValue<string>());
        await client.GetByteArrayAsync(new Uri(Regex.Match(page, "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery);

        var seller = await app.SignInAsDemoAsync();
        var order = await FormPage.GetAsync(seller, $"/seller/orders/{orderId}");
        Assert.Matches("Workbook \\(PDF\\) <span class=\"muted\">\\(file\\)</span></td>\\s*<td class=\"num\">1</td>", order.Html);
        var before = await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == orderId));
        var resent = await order.PostAsync(seller, $"/seller/orders/{orderId}?handler=resend");
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(before + 1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == orderId)));
        Assert.Equal(1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == orderId && m.Reference.StartsWith("resend:"))));
    }

    [Fact]
    public async Task An_expired_or_altered_link_is_refused_with_a_readable_page_and_records_nothing()
    {
        var shop = await ShopAsync();
        await UploadAsync(shop.Api, shop.Product, "workbook.pdf", Pdf);
        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var link = new Uri(Regex.Match(await client.GetStringAsync(receiptUrl), "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;

        var altered = await client.GetAsync(link[..^3] + (link[^3] == 'A' ? "B" : "A") + link[^2..]);
        Assert.Equal(HttpStatusCode.NotFound, altered.StatusCode);
        Assert.Contains("This download link is not valid", await altered.Content.ReadAsStringAsync());

        app.Clock.Advance(TimeSpan.FromHours(25));
        var expired = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var expiredPage = await expired.Content.ReadAsStringAsync();
        Assert.Contains("This download link has expired", expiredPage);
        Assert.Contains("Links work for 24 hours", expiredPage); // what the setting makes true, not a fixed "a day"
        Assert.Equal(0, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));

        // The receipt page hands out a fresh one, which works.
        var fresh = new Uri(Regex.Match(await client.GetStringAsync(receiptUrl), "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task A_download_limit_is_kept_and_says_whom_to_ask()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop.Api, shop.Product, "workbook.pdf", Pdf);
        await Buyer.ReadAsync(await shop.Api.PutAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{file["id"]}", new { title = "Workbook", downloadLimit = 2 }), HttpStatusCode.OK);
        var client = app.CreateClient();
        var (_, receiptUrl) = await BuyAsync(shop, client);
        var link = new Uri(Regex.Match(await client.GetStringAsync(receiptUrl), "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
        var third = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        Assert.Contains("the most the seller allows", await third.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Twenty_simultaneous_downloads_take_exactly_the_limit_and_the_rest_are_refused()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop.Api, shop.Product, "workbook.pdf", Pdf);
        await Buyer.ReadAsync(await shop.Api.PutAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{file["id"]}", new { title = "Workbook", downloadLimit = 3 }), HttpStatusCode.OK);
        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var link = new Uri(Regex.Match(await client.GetStringAsync(receiptUrl), "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await app.CreateClient().GetAsync(link);
            return response.StatusCode;
        }));
        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(17, answers.Count(s => s == HttpStatusCode.Forbidden));
        var numbers = await app.QueryAsync(db => db.Downloads.Where(d => d.OrderId == orderId).OrderBy(d => d.Number).Select(d => d.Number).ToListAsync());
        Assert.Equal([1, 2, 3], numbers);
    }

    [Fact]
    public async Task Replacing_a_file_keeps_earlier_buyers_links_working_with_the_new_file()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop.Api, shop.Product, "workbook-v1.pdf", Pdf);
        var client = app.CreateClient();
        var (_, receiptUrl) = await BuyAsync(shop, client);
        var link = new Uri(Regex.Match(await client.GetStringAsync(receiptUrl), "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value).PathAndQuery;

        var second = Pdf.Concat("% second edition"u8.ToArray()).ToArray();
        var replaced = await SendFileAsync(shop.Api, HttpMethod.Put, $"/api/v1/seller/products/{shop.Product}/deliverables/{file["id"]}/file", "workbook-v2.pdf", second);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var response = await client.GetAsync(link);
        Assert.Equal(second, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("workbook-v2.pdf", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
    }

    [Theory]
    [InlineData("../../etc/passwd", "slashes")]
    [InlineData("a\\b.pdf", "slashes")]
    [InlineData("bell\u0007.pdf", "control characters")]
    public async Task A_file_name_with_a_path_or_control_characters_is_refused_and_nothing_is_stored(string name, string reason)
    {
        var shop = await ShopAsync();
        var response = await SendFileAsync(shop.Api, HttpMethod.Post, $"/api/v1/seller/products/{shop.Product}/deliverables/files", name, Pdf);
        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem["errors"]!["file"]![0]!.GetValue<string>());
        await NothingStoredAsync(shop);
    }

    [Fact]
    public async Task An_empty_file_or_one_over_the_limit_is_refused_and_nothing_half_written_is_kept()
    {
        var shop = await ShopAsync();
        var empty = await Buyer.ProblemAsync(await SendFileAsync(shop.Api, HttpMethod.Post, $"/api/v1/seller/products/{shop.Product}/deliverables/files", "empty.pdf", []), HttpStatusCode.BadRequest);
        Assert.Equal("The file is empty.", empty["errors"]!["file"]![0]!.GetValue<string>());
        var large = new byte[EncoreApp.MaxFileBytes + 1];
        var tooLarge = await Buyer.ProblemAsync(await SendFileAsync(shop.Api, HttpMethod.Post, $"/api/v1/seller/products/{shop.Product}/deliverables/files", "big.zip", large), HttpStatusCode.BadRequest);
        Assert.Contains("the most one upload may be", tooLarge["errors"]!["file"]![0]!.GetValue<string>());
        await NothingStoredAsync(shop);
        Assert.DoesNotContain(Directory.EnumerateFiles(app.FilesFolder, "*", SearchOption.AllDirectories),
            f => f.Contains(shop.SellerId.ToString("N"), StringComparison.Ordinal) || f.Contains(".incoming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Licence_keys_go_to_twenty_concurrent_buyers_once_each_and_the_next_buyer_is_told_one_will_follow()
    {
        var shop = await ShopAsync();
        var keys = Enumerable.Range(1, 20).Select(i => $"CALM-{i:D4}").ToArray();
        var list = await CreateAsync(shop.Api, shop.Product, new { kind = "licence_key", title = "Your licence key", text = "Enter it in the app's settings.", keys });
        Assert.Equal((20, 20), (list["keysTotal"]!.GetValue<int>(), list["keysLeft"]!.GetValue<int>()));

        var buyers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var client = app.CreateClient();
            var (_, receiptUrl) = await BuyAsync(shop, client);
            // Each buyer opens the thank-you page twice at once: still one key.
            var pages = await Task.WhenAll(client.GetStringAsync(receiptUrl), client.GetStringAsync(receiptUrl));
            var shown = pages.Select(p => Regex.Match(p, "data-licence-key>([^<]+)<").Groups[1].Value).Distinct().ToList();
            return Assert.Single(shown);
        }));
        Assert.Equal(keys.Order(), buyers.Order());
        Assert.Equal(20, await app.QueryAsync(db => db.LicenceKeys.CountAsync(k => k.DeliverableId == list["id"]!.GetValue<Guid>() && k.OrderLineId != null)));

        var late = app.CreateClient();
        var (_, lateReceipt) = await BuyAsync(shop, late);
        Assert.Contains("keys have run out for the moment", await late.GetStringAsync(lateReceipt));
        Assert.Equal(0, (await ListAsync(shop.Api, shop.Product)).Single()["keysLeft"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_seller_is_mailed_once_when_keys_run_low_once_when_they_run_out_and_again_after_adding_more()
    {
        await using var smtp = new TestSmtpServer(app.SmtpPort);
        await smtp.StartAsync();
        var shop = await ShopAsync();
        var sellerEmail = await app.QueryAsync(db => db.Users.Where(u => u.SellerId == shop.SellerId).Select(u => u.Email!).SingleAsync());
        var list = await CreateAsync(shop.Api, shop.Product, new { kind = "licence_key", title = "Your licence key", keys = Enumerable.Range(1, 8).Select(i => $"LOW-{i}").ToArray() });
        var listId = list["id"]!.GetValue<Guid>();
        Task<List<string>> WarningsAsync() => app.QueryAsync(db => db.EmailMessages
            .Where(m => m.SellerId == shop.SellerId && m.Kind == EmailKind.LicenceKeysLow).OrderBy(m => m.CreatedAt).Select(m => m.Reference).ToListAsync());
        async Task BuyersTakeKeysAsync(int buyers) => await Task.WhenAll(Enumerable.Range(0, buyers).Select(async _ =>
        {
            var client = app.CreateClient();
            var (_, receiptUrl) = await BuyAsync(shop, client);
            await client.GetStringAsync(receiptUrl);
        }));

        await BuyersTakeKeysAsync(2); // 6 left: no mail yet
        Assert.Empty(await WarningsAsync());
        await BuyersTakeKeysAsync(4); // 2 left, four buyers at once: one mail
        var low = Assert.Single(await WarningsAsync());
        Assert.StartsWith($"keys:{listId:N}:", low);
        await BuyersTakeKeysAsync(3); // out (and one buyer without a key): one more mail
        Assert.Equal([low, $"keys:{listId:N}:0"], await WarningsAsync());

        await app.SendEmailsAsync();
        var mails = smtp.Messages.Where(m => m.To.Mailboxes.Any(b => b.Address == sellerEmail)).ToList();
        Assert.Equal(2, mails.Count);
        Assert.Contains(mails, m => m.Subject == "Licence keys for Calm Workbook have run out" && m.TextBody!.Contains($"/seller/products/{shop.Product}"));
        Assert.Contains(mails, m => m.Subject!.StartsWith("Licence keys for Calm Workbook: ", StringComparison.Ordinal) && m.TextBody!.Contains("left of \"Your licence key\""));

        // Keys added: the seller is warned again when the fuller list runs low.
        await Buyer.ReadAsync(await shop.Api.PutAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{listId}",
            new { keys = Enumerable.Range(1, 6).Select(i => $"MORE-{i}").ToArray() }), HttpStatusCode.OK);
        await BuyersTakeKeysAsync(1); // 5 of the 6 new keys left (the buyer without a key did not come back)
        Assert.Equal(3, (await WarningsAsync()).Count);
    }

    [Fact]
    public async Task The_product_page_uploads_a_file_with_its_token_and_lists_it_with_keys_left()
    {
        var (seller, _) = await app.SignUpAsync();
        var products = await FormPage.GetAsync(seller, "/seller/products");
        var productUrl = (await products.PostAsync(seller, "/seller/products", ("Name", "Sleep course"), ("Description", "Sleep."), ("Topics", "sleep"))).Headers.Location!.OriginalString;
        var productId = Guid.Parse(productUrl.Split('/').Last());
        var page = await FormPage.GetAsync(seller, productUrl);

        // Without the page's token the upload is refused and nothing is stored.
        var refused = await SendFileAsync(seller, HttpMethod.Post, $"/seller/products/{productId}/deliverables/upload", "sleep.pdf", Pdf);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(0, await app.QueryAsync(db => db.Deliverables.CountAsync(d => d.ProductId == productId)));

        var form = new MultipartFormDataContent { { new StringContent("Sleep workbook"), "title" }, { new ByteArrayContent(Pdf), "file", "sleep.pdf" } };
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/seller/products/{productId}/deliverables/upload") { Content = form };
        upload.Headers.Add("RequestVerificationToken", page.AntiforgeryToken);
        Assert.Equal(HttpStatusCode.Created, (await seller.SendAsync(upload)).StatusCode);

        var keys = await page.PostAsync(seller, productUrl + "?handler=deliverable", ("kind", "licence_key"), ("title", "Your key"), ("keys", "K-1\nK-2\n"));
        Assert.Equal(HttpStatusCode.Redirect, keys.StatusCode);
        var html = WebUtility.HtmlDecode(await seller.GetStringAsync(productUrl));
        Assert.Contains("Sleep workbook", html);
        Assert.Contains("sleep.pdf", html);
        Assert.Contains("2 of 2 keys left", html);
    }

    [Fact]
    public async Task Another_seller_cannot_see_or_change_a_products_deliverables()
    {
        var shop = await ShopAsync();
        var text = await CreateAsync(shop.Api, shop.Product, new { kind = "text", title = "Start", text = "Lesson one." });
        var stranger = await app.NewSellerApiAsync();
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/products/{shop.Product}/deliverables"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.PutAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{text["id"]}", new { title = "Mine" }), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.DeleteAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{text["id"]}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await SendFileAsync(stranger, HttpMethod.Post, $"/api/v1/seller/products/{shop.Product}/deliverables/files", "x.pdf", Pdf), HttpStatusCode.NotFound);
        Assert.Equal("Start", (await ListAsync(shop.Api, shop.Product)).Single()["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_deliverables_get_a_reason_per_field_and_change_nothing()
    {
        var shop = await ShopAsync();
        async Task Refused(object body, string field) =>
            Assert.NotNull((await Buyer.ProblemAsync(await shop.Api.PostAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables", body), HttpStatusCode.BadRequest))["errors"]![field]);
        await Refused(new { kind = "video", title = "x" }, "kind");
        await Refused(new { kind = "link", title = "Course", url = "javascript:alert(1)" }, "url");
        await Refused(new { kind = "link", title = "", url = "https://learn.example.com" }, "title");
        await Refused(new { kind = "text", title = "Start", text = "" }, "text");
        await Refused(new { kind = "licence_key", title = "Key", keys = Array.Empty<string>() }, "keys");
        await Refused(new { kind = "licence_key", title = "Key", keys = new[] { "A", "A" } }, "keys");
        await Refused(new { kind = "text", title = "Start", text = "x", downloadLimit = 3 }, "downloadLimit");
        Assert.Empty(await ListAsync(shop.Api, shop.Product));
    }

    private async Task NothingStoredAsync(WorkbookShop shop)
    {
        Assert.Equal(0, await app.QueryAsync(db => db.StoredFiles.CountAsync(f => f.SellerId == shop.SellerId)));
        Assert.Empty(await ListAsync(shop.Api, shop.Product));
    }

    private Task<WorkbookShop> ShopAsync() => WorkbookShop.PublishAsync(app, "deliver-");

    private static Task<(Guid OrderId, string ReceiptUrl)> BuyAsync(WorkbookShop shop, HttpClient client) => shop.BuyAsync(client);

    private static async Task<JsonNode> CreateAsync(HttpClient api, Guid product, object body) =>
        await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/deliverables", body), HttpStatusCode.Created);

    private static async Task<List<JsonNode>> ListAsync(HttpClient api, Guid product) =>
        (await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/products/{product}/deliverables"), HttpStatusCode.OK)).AsArray().Select(n => n!).ToList();

    private static async Task<JsonNode> UploadAsync(HttpClient api, Guid product, string name, byte[] content, string? title = null) =>
        await Buyer.ReadAsync(await SendFileAsync(api, HttpMethod.Post, $"/api/v1/seller/products/{product}/deliverables/files", name, content, title), HttpStatusCode.Created);

    private static Task<HttpResponseMessage> SendFileAsync(HttpClient api, HttpMethod method, string path, string name, byte[] content, string? title = null)
    {
        var form = new MultipartFormDataContent();
        if (title is not null) form.Add(new StringContent(title), "title");
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // Set by hand: MultipartFormDataContent would strip the path from the name before Encore could refuse it.
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"" + name.Replace("\\", "\\\\") + "\"" };
        form.Add(part);
        return api.SendAsync(new HttpRequestMessage(method, path) { Content = form });
    }
}

public sealed class DeliveryTests_Sqlite(SqliteApp app) : DeliveryTests<SqliteApp>(app);

public sealed class DeliveryTests_Postgres(PostgresApp app) : DeliveryTests<PostgresApp>(app);
