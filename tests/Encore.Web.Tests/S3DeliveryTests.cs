using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// Delivery with the files in an S3-compatible bucket (s3rver), through the real HTTP pipeline: the seller uploads
/// through the seller API, the buyer's download link is checked and recorded by Encore and then redirected to a
/// presigned URL that the bucket serves; uploads past the limit, and a bucket that goes down mid-upload or
/// mid-download, leave nothing half-written and count nothing.
/// </summary>
[Trait("Needs", "Node")]
public abstract class S3DeliveryTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : S3App
{
    private const int MiB = 1024 * 1024;

    /// <summary>Two parts' worth (5 MiB + 1 MiB and a bit): stored by a multipart upload.</summary>
    private static readonly byte[] Workbook = "%PDF-1.4\n% Encore S3 test workbook\n"u8.ToArray().Concat(Bytes(6 * MiB + 321, seed: 1)).ToArray();

    [Fact]
    public async Task A_buyer_is_sent_to_a_presigned_url_serving_the_exact_bytes_once_the_download_is_recorded()
    {
        var shop = await ShopAsync();
        const string name = "Calm workbook – édition 2.pdf";
        var file = await UploadAsync(shop, name, Workbook, title: "Workbook (PDF)");
        Assert.Equal((Workbook.Length, Convert.ToHexStringLower(SHA256.HashData(Workbook))),
            (file["file"]!["size"]!.GetValue<long>(), file["file"]!["sha256"]!.GetValue<string>()));
        var key = $"sellers/{shop.SellerId:N}/{file["file"]!["id"]!.GetValue<Guid>():N}";
        Assert.Equal([key], await app.Store.KeysAsync(app.Bucket, $"sellers/{shop.SellerId:N}/"));
        Assert.False(Directory.Exists(app.FilesFolder)); // nothing went to a folder

        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var link = DownloadLink(WebUtility.HtmlDecode(await client.GetStringAsync(receiptUrl)));
        var redirect = await GetAsync(client, link, from: "203.0.113.7");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.True(redirect.Headers.CacheControl?.NoStore, "a redirect to a presigned URL is never cached");
        var presigned = redirect.Headers.Location!;
        Assert.Equal((app.Store.Port, $"/{app.Bucket}/{key}"), (presigned.Port, presigned.AbsolutePath));
        Assert.True(PresignedUrls.IsSignedBy(presigned, S3rver.SecretKey));
        Assert.InRange(int.Parse(HttpUtility.ParseQueryString(presigned.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture), 14 * 60, 15 * 60 + 1);

        // Recorded before the browser left for the bucket: the time and the buyer's address.
        var recorded = await app.QueryAsync(db => db.Downloads.AsNoTracking().SingleAsync(d => d.OrderId == orderId));
        Assert.Equal((file["id"]!.GetValue<Guid>(), "203.0.113.7", app.Clock.GetUtcNow()), (recorded.DeliverableId, recorded.IpAddress, recorded.At));

        // The bucket serves the exact bytes, as an attachment with the file's name and type; Encore carried none of them.
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(presigned);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Workbook, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(name, response.Content.Headers.ContentDisposition!.FileNameStar);

        // A player asking for a later part is sent on too, and is not another download.
        var ranged = new HttpRequestMessage(HttpMethod.Get, link);
        ranged.Headers.Range = new RangeHeaderValue(1000, null);
        var rangedRedirect = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.Redirect, rangedRedirect.StatusCode);
        var part = new HttpRequestMessage(HttpMethod.Get, rangedRedirect.Headers.Location) { Headers = { Range = new RangeHeaderValue(1000, null) } };
        using var partResponse = await browser.SendAsync(part);
        Assert.Equal(HttpStatusCode.PartialContent, partResponse.StatusCode);
        Assert.Equal(Workbook[1000..], await partResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));

        // A full refund closes the link before any redirect.
        await RefundAsync(shop, orderId);
        var refused = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.Contains("It was refunded on", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));
    }

    [Fact]
    public async Task A_download_limit_is_counted_before_the_redirect()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop, "workbook.pdf", Bytes(4000, seed: 2));
        await Buyer.ReadAsync(await shop.Api.PutAsJsonAsync($"/api/v1/seller/products/{shop.Product}/deliverables/{file["id"]}", new { title = "Workbook", downloadLimit = 1 }), HttpStatusCode.OK);
        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var link = DownloadLink(await client.GetStringAsync(receiptUrl));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(link)).StatusCode);
        var second = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Null(second.Headers.Location);
        Assert.Contains("the most the seller allows", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));
    }

    [Fact]
    public async Task An_upload_past_the_limit_or_empty_is_refused_with_nothing_left_in_the_bucket_and_no_row()
    {
        var shop = await ShopAsync();
        var partsBefore = StoredParts();
        var tooLarge = await Buyer.ProblemAsync(await SendFileAsync(shop.Api, HttpMethod.Post, FilesPath(shop), "big.zip", Bytes((int)S3App.S3MaxFileBytes + 1, seed: 3)), HttpStatusCode.BadRequest);
        Assert.Contains("the most one upload may be", tooLarge["errors"]!["file"]![0]!.GetValue<string>());
        Assert.True(StoredParts() - partsBefore >= 2); // refused mid-upload, after two parts had gone up
        var empty = await Buyer.ProblemAsync(await SendFileAsync(shop.Api, HttpMethod.Post, FilesPath(shop), "empty.pdf", []), HttpStatusCode.BadRequest);
        Assert.Equal("The file is empty.", empty["errors"]!["file"]![0]!.GetValue<string>());

        Assert.Empty(await app.Store.KeysAsync(app.Bucket, $"sellers/{shop.SellerId:N}/"));
        Assert.Equal(0, await app.QueryAsync(db => db.StoredFiles.CountAsync(f => f.SellerId == shop.SellerId)));
        Assert.Empty(await ListAsync(shop));
    }

    [Fact]
    public async Task A_bucket_that_goes_down_mid_upload_gets_the_clear_answer_and_nothing_half_written_is_ever_offered()
    {
        var shop = await ShopAsync();
        var file = Bytes(5 * MiB + 512 * 1024, seed: 4);
        var partsBefore = StoredParts();
        var upload = new HttpRequestMessage(HttpMethod.Post, FilesPath(shop))
        {
            // The first part goes up; then the bucket goes down while the rest of the file is still coming in.
            Content = new PausingUpload("outage.pdf", file, pauseAt: 5 * MiB + 64 * 1024, atPause: async () =>
            {
                await WaitForAsync(() => StoredParts() > partsBefore, "s3rver to store the first part");
                await app.Store.StopAsync();
            }),
        };
        HttpResponseMessage response;
        try
        {
            response = await shop.Api.SendAsync(upload);
        }
        finally
        {
            await app.Store.StartAgainAsync();
        }
        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("The file store did not take the file; nothing was saved. Try again in a moment.", problem["errors"]!["file"]![0]!.GetValue<string>());
        // It failed on the second part, with the first already in the bucket's hands.
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error &&
            e.Message.Contains("Upload of outage.pdf", StringComparison.Ordinal) && e.Message.Contains("did not store part 2", StringComparison.Ordinal));

        // Back up: nothing under the seller's keys (the parts sent were never completed), no row, nothing to buy.
        Assert.Empty(await app.Store.KeysAsync(app.Bucket, $"sellers/{shop.SellerId:N}/"));
        Assert.Equal(0, await app.QueryAsync(db => db.StoredFiles.CountAsync(f => f.SellerId == shop.SellerId)));
        Assert.Empty(await ListAsync(shop));
        var client = app.CreateClient();
        var (_, receiptUrl) = await BuyAsync(shop, client);
        Assert.DoesNotContain("/d/", await client.GetStringAsync(receiptUrl));

        // The seller loses nothing: the same upload again goes through whole.
        var again = await UploadAsync(shop, "outage.pdf", file);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), again["file"]!["sha256"]!.GetValue<string>());
        Assert.Single(await app.Store.KeysAsync(app.Bucket, $"sellers/{shop.SellerId:N}/"));
    }

    [Fact]
    public async Task A_download_while_the_bucket_is_down_says_so_and_counts_nothing()
    {
        var shop = await ShopAsync();
        await UploadAsync(shop, "workbook.pdf", Bytes(3000, seed: 5));
        var client = app.CreateClient();
        var (orderId, receiptUrl) = await BuyAsync(shop, client);
        var link = DownloadLink(await client.GetStringAsync(receiptUrl));
        await app.Store.StopAsync();
        HttpResponseMessage down;
        try
        {
            down = await client.GetAsync(link);
        }
        finally
        {
            await app.Store.StartAgainAsync();
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Null(down.Headers.Location);
        Assert.Contains("cannot be reached right now", await down.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));

        var back = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));
    }

    [Fact]
    public async Task Replacing_a_file_keeps_earlier_buyers_links_working_with_the_new_file()
    {
        var shop = await ShopAsync();
        var file = await UploadAsync(shop, "workbook-v1.pdf", Bytes(5000, seed: 6));
        var client = app.CreateClient();
        var (_, receiptUrl) = await BuyAsync(shop, client);
        var link = DownloadLink(await client.GetStringAsync(receiptUrl));

        var second = Bytes(5 * MiB + 7000, seed: 7);
        var replaced = await Buyer.ReadAsync(await SendFileAsync(shop.Api, HttpMethod.Put, $"/api/v1/seller/products/{shop.Product}/deliverables/{file["id"]}/file", "workbook-v2.pdf", second), HttpStatusCode.OK);
        var secondKey = $"sellers/{shop.SellerId:N}/{replaced["file"]!["id"]!.GetValue<Guid>():N}";
        var redirect = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal($"/{app.Bucket}/{secondKey}", redirect.Headers.Location!.AbsolutePath);
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(redirect.Headers.Location);
        Assert.Equal(second, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("workbook-v2.pdf", response.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task The_demo_course_delivers_its_workbook_from_the_bucket()
    {
        var client = app.CreateClient();
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = "calm-your-anxiety", email = $"demo-{Guid.NewGuid():N}@example.com", name = "Dee Demo", paymentMethod = "pm_card_visa",
            bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(checkout["receiptUrl"]!.GetValue<string>()));
        Assert.Contains("Download Workbook (PDF)", page);
        var redirect = await client.GetAsync(DownloadLink(page));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith($"/{app.Bucket}/sellers/{DemoSeed.SellerId:N}/", redirect.Headers.Location!.AbsolutePath);
        using var browser = new HttpClient();
        var pdf = await browser.GetByteArrayAsync(redirect.Headers.Location);
        await using var embedded = typeof(DemoSeed).Assembly.GetManifestResourceStream("Encore.Demo.Workbook.pdf")!;
        using var expected = new MemoryStream();
        await embedded.CopyToAsync(expected);
        Assert.Equal(expected.ToArray(), pdf);
    }

    private int StoredParts() => app.Store.Output.Count(line => line.Contains("Stored part", StringComparison.Ordinal));

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(20);
        }
    }

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string DownloadLink(string page) =>
        new Uri(Regex.Match(page, "href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value is { Length: > 0 } link
            ? link
            : throw new InvalidOperationException("The page has no download link.")).PathAndQuery;

    /// <summary>A GET from the buyer's own address (as a socket from it would be; no proxy is trusted by default).</summary>
    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string from)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestRemoteAddress.Header, from);
        return client.SendAsync(request);
    }

    private static string FilesPath(WorkbookShop shop) => $"/api/v1/seller/products/{shop.Product}/deliverables/files";

    private Task<WorkbookShop> ShopAsync() => WorkbookShop.PublishAsync(app, "s3-");

    private static Task<(Guid OrderId, string ReceiptUrl)> BuyAsync(WorkbookShop shop, HttpClient client) => shop.BuyAsync(client);

    private static async Task RefundAsync(WorkbookShop shop, Guid orderId)
    {
        var order = await Buyer.ReadAsync(await shop.Api.GetAsync($"/api/v1/seller/orders/{orderId}"), HttpStatusCode.OK);
        var lineId = order["lines"]![0]!["id"]!.GetValue<Guid>();
        var refund = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/seller/orders/{orderId}/lines/{lineId}/refunds") { Content = JsonContent.Create(new { reason = "asked" }) };
        refund.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await Buyer.ReadAsync(await shop.Api.SendAsync(refund), HttpStatusCode.Created);
    }

    private static async Task<List<JsonNode>> ListAsync(WorkbookShop shop) =>
        (await Buyer.ReadAsync(await shop.Api.GetAsync($"/api/v1/seller/products/{shop.Product}/deliverables"), HttpStatusCode.OK)).AsArray().Select(n => n!).ToList();

    private static async Task<JsonNode> UploadAsync(WorkbookShop shop, string name, byte[] content, string? title = null) =>
        await Buyer.ReadAsync(await SendFileAsync(shop.Api, HttpMethod.Post, FilesPath(shop), name, content, title), HttpStatusCode.Created);

    private static Task<HttpResponseMessage> SendFileAsync(HttpClient api, HttpMethod method, string path, string name, byte[] content, string? title = null)
    {
        var form = new MultipartFormDataContent();
        if (title is not null) form.Add(new StringContent(title), "title");
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", name);
        return api.SendAsync(new HttpRequestMessage(method, path) { Content = form });
    }

    /// <summary>A multipart/form-data body with one file part that stops after <paramref name="pauseAt"/> bytes until told to go on.</summary>
    private sealed class PausingUpload : HttpContent
    {
        private const string Boundary = "encore-test-boundary";
        private readonly string _fileName;
        private readonly byte[] _content;
        private readonly int _pauseAt;
        private readonly Func<Task> _atPause;

        public PausingUpload(string fileName, byte[] content, int pauseAt, Func<Task> atPause)
        {
            (_fileName, _content, _pauseAt, _atPause) = (fileName, content, pauseAt, atPause);
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{_fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            await stream.WriteAsync(_content.AsMemory(0, _pauseAt));
            await stream.FlushAsync();
            await _atPause();
            await stream.WriteAsync(_content.AsMemory(_pauseAt));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}

public sealed class S3DeliveryTests_Sqlite(SqliteS3App app) : S3DeliveryTests<SqliteS3App>(app);

public sealed class S3DeliveryTests_Postgres(PostgresS3App app) : S3DeliveryTests<PostgresS3App>(app);
