using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// A seller's branding, through the real pages: what the checkout shows with it, what the branding page refuses (and then
/// changes nothing), how images are served, that one seller cannot touch another's, and a downsell's own opening line.
/// </summary>
public abstract class BrandingTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private const string Demo = "/f/calm-your-anxiety";

    [Fact]
    public async Task The_checkout_shows_the_sellers_brand_the_product_image_the_order_summary_and_the_amount_on_the_Pay_button()
    {
        var seller = await app.QueryAsync(db => db.Sellers.SingleAsync(s => s.Id == DemoSeed.SellerId));
        var courseImage = await app.QueryAsync(db => db.Products.Where(p => p.Name == "Calm Your Anxiety" && p.SellerId == DemoSeed.SellerId).Select(p => p.ImageSha256).SingleAsync());
        var client = app.CreateClient();
        var page = await FormPage.GetAsync(client, Demo);
        var html = WebUtility.HtmlDecode(page.Html);

        Assert.Contains($"src=\"/media/{seller.LogoSha256}\"", html);
        Assert.Contains("href=\"/brand/2f5d8a.css\"", html);
        Assert.Contains($"src=\"/media/{courseImage}\"", html);
        Assert.Contains("Order summary", html);
        Assert.Contains(">Pay $47.00</button>", html);
        Assert.Contains("<span>Visa</span>", html); // the brands the Sandbox takes, and no other
        Assert.Contains("<span>Mastercard</span>", html);
        Assert.DoesNotContain("American Express", html);
        Assert.Contains(seller.RefundPolicy!, html);
        Assert.Contains("href=\"https://calmmind.example/help\"", html);
        Assert.Contains("href=\"https://calmmind.example/terms\"", html);
        Assert.Contains("href=\"https://calmmind.example/privacy\"", html);
        // No opt-in box: one sentence by the Pay button says what the card is kept for, and until when.
        Assert.DoesNotContain("Input.SaveCard", html);
        Assert.Contains("Your card is kept for this order's one-time offers: it is never charged for one without your click on its \"Yes\" button, " +
                        "and it is forgotten when the offer window closes, 30 minutes after you pay.", html);
        // Where an offer is a subscription or a payment plan, taking it keeps the card for its payments (CardReleaseTests).
        var membership = WebUtility.HtmlDecode((await FormPage.GetAsync(client, "/f/" + DemoSeed.MembershipFunnelSlug)).Html);
        Assert.Contains("30 minutes after you pay, unless you take an offer paid over time, which keeps it for its payments until they end.", membership);
        // The bump's line is in the summary, hidden until ticked.
        Assert.Matches($"<tr data-summary-bump=\"{Buyer.Bump}\" hidden=\"hidden\">", html);

        // A re-rendered form (here a card the Sandbox does not know) keeps the ticked bump: its line shows, the button names the sum.
        var again = await page.PostAsync(client, Demo, ("Input.CheckoutKey", page.Value("Input.CheckoutKey")), ("Input.Email", "brand@example.com"),
            ("Input.Name", "Bea Brand"), ("Input.CardNumber", "1234"), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"), ("Input.Bumps", Buyer.Bump.ToString()));
        var rerendered = WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync());
        Assert.Contains("Use one of the Sandbox test cards listed below.", rerendered); // the error message as before
        Assert.Contains($"<tr data-summary-bump=\"{Buyer.Bump}\">", rerendered);
        Assert.Contains(">Pay $64.00</button>", rerendered);

        var css = await client.GetAsync("/brand/2f5d8a.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Contains("--accent:#2f5d8a", await css.Content.ReadAsStringAsync());
        Assert.Contains("immutable", css.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task A_colour_white_text_cannot_be_read_on_or_a_link_that_is_not_https_is_refused_and_nothing_changes()
    {
        var (pages, email) = await app.SignUpAsync();
        var sellerId = await SellerIdAsync(email);
        var page = await FormPage.GetAsync(pages, "/seller/branding");
        Assert.Equal(HttpStatusCode.OK, page.Status);

        var yellow = await page.PostAsync(pages, "/seller/branding?handler=details", ("color", "#f0b429"), ("refundPolicy", "30 days, no questions."));
        Assert.Equal(HttpStatusCode.BadRequest, yellow.StatusCode);
        var refusal = WebUtility.HtmlDecode(await yellow.Content.ReadAsStringAsync());
        Assert.Contains("White text on #f0b429 has a contrast of 1.9:1; buttons need at least 4.5:1", refusal);
        Assert.Contains("Nothing was saved", refusal);
        var plainLink = await page.PostAsync(pages, "/seller/branding?handler=details", ("color", "#1f6f5c"), ("termsUrl", "http://sleepwell.example/terms"));
        Assert.Equal(HttpStatusCode.BadRequest, plainLink.StatusCode);
        Assert.Contains("https:// address of your terms", WebUtility.HtmlDecode(await plainLink.Content.ReadAsStringAsync()));
        var unchanged = await app.QueryAsync(db => db.Sellers.SingleAsync(s => s.Id == sellerId));
        Assert.Equal((null, null, null), (unchanged.BrandColor, unchanged.RefundPolicy, unchanged.TermsUrl));

        var saved = await page.PostAsync(pages, "/seller/branding?handler=details", ("color", "#1F6F5C"), ("refundPolicy", "30 days, no questions."),
            ("support", "help@sleepwell.example"), ("termsUrl", "https://sleepwell.example/terms"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await app.QueryAsync(db => db.Sellers.SingleAsync(s => s.Id == sellerId));
        Assert.Equal(("#1f6f5c", "30 days, no questions.", "help@sleepwell.example", "https://sleepwell.example/terms"),
            (after.BrandColor, after.RefundPolicy, after.SupportUrl, after.TermsUrl));
    }

    [Fact]
    public async Task A_logo_too_large_not_an_image_an_SVG_or_of_another_type_than_claimed_is_refused_and_a_good_one_is_served_by_its_hash()
    {
        var (pages, email) = await app.SignUpAsync();
        var sellerId = await SellerIdAsync(email);

        (byte[] Bytes, string Type, string Expected)[] refused =
        [
            (Png(200, 100, padding: 600 * 1024), "image/png", "the limit is 512 KB"),
            ("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "image/svg+xml", "SVG included, are not accepted"),
            (Png(200, 100), "image/jpeg", "says it is image/jpeg but its content is image/png"),
            (Png(5000, 100), "image/png", "5000 × 100 pixels; each side must be 16 to 4096 pixels"),
        ];
        foreach (var (bytes, type, expected) in refused)
        {
            var response = await UploadAsync(pages, "/seller/branding", "/seller/branding?handler=logo", "logo", bytes, type);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        Assert.Null(await app.QueryAsync(db => db.Sellers.Where(s => s.Id == sellerId).Select(s => s.LogoSha256).SingleAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.BrandImages.CountAsync(i => i.SellerId == sellerId)));

        var logo = Png(120, 40);
        var uploaded = await UploadAsync(pages, "/seller/branding", "/seller/branding?handler=logo", "logo", logo, "image/png");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var sha = Convert.ToHexStringLower(SHA256.HashData(logo));
        Assert.Equal(sha, await app.QueryAsync(db => db.Sellers.Where(s => s.Id == sellerId).Select(s => s.LogoSha256).SingleAsync()));

        var buyer = app.CreateClient();
        var served = await buyer.GetAsync($"/media/{sha}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal(logo, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("public, max-age=31536000, immutable", served.Headers.CacheControl!.ToString());
        var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/media/{sha}");
        revalidate.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await buyer.SendAsync(revalidate)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/media/{new string('0', 64)}")).StatusCode);

        // A new logo replaces it, and the old bytes (no longer used) are gone.
        var next = Png(64, 64);
        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(pages, "/seller/branding", "/seller/branding?handler=logo", "logo", next, "image/png")).StatusCode);
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(next))], await app.QueryAsync(db => db.BrandImages.Where(i => i.SellerId == sellerId).Select(i => i.Sha256).ToListAsync()));
    }

    [Fact]
    public async Task Another_seller_cannot_change_a_sellers_product_image()
    {
        var (owner, _) = await app.SignUpAsync();
        var ownerApi = app.ApiClient(await Sellers.CreateApiKeyAsync(owner));
        var productId = (await Buyer.ReadAsync(await ownerApi.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Sleep course", description = "Sleep.", topics = new[] { "sleep" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var image = Png(480, 240);
        var set = await UploadAsync(owner, $"/seller/products/{productId}", $"/seller/products/{productId}?handler=image", "image", image, "image/png");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));

        var (stranger, _) = await app.SignUpAsync("Other Studio");
        var page = await FormPage.GetAsync(stranger, "/seller/branding"); // a page of the stranger's own, for a valid form token
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(page.AntiforgeryToken), "__RequestVerificationToken");
        var file = new ByteArrayContent(Png(32, 32));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Add(file, "image", "other.png");
        var overwrite = await stranger.PostAsync($"/seller/products/{productId}?handler=image", content);
        Assert.Equal(HttpStatusCode.NotFound, overwrite.StatusCode);
        var remove = await page.PostAsync(stranger, $"/seller/products/{productId}?handler=image", ("remove", "true"));
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        Assert.Equal(sha, await app.QueryAsync(db => db.Products.Where(p => p.Id == productId).Select(p => p.ImageSha256).SingleAsync()));
    }

    [Fact]
    public async Task A_downsells_own_opening_line_is_saved_published_and_shown_and_a_branding_change_reaches_the_checkout_at_once()
    {
        var (pages, _) = await app.SignUpAsync();
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(pages));
        async Task<Guid> PriceAsync(string name, long amount)
        {
            var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
                new { name, description = name + ".", topics = new[] { "sleep" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
            return (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount, currency = "USD" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        }
        var slug = "sleep-" + Guid.NewGuid().ToString("N")[..10];
        const string opening = "Too much at once? Start with the first week.";
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", new
        {
            name = "Sleep", slug, windowMinutes = 45, main = new { priceId = await PriceAsync("Sleep course", 4700) },
            steps = new object[]
            {
                new { id = "program", priceId = await PriceAsync("Sleep program", 9700), headline = "Add the sleep program", body = "Four weeks.", onDecline = "week" },
                new { id = "week", priceId = await PriceAsync("Sleep week", 2700), headline = "Add the first week", body = "Seven days." },
            },
            entryStepId = "program",
        }), HttpStatusCode.Created);
        var funnelId = created["id"]!.GetValue<Guid>();
        // The seller writes the downsell's opening line in the editor's step form, then publishes.
        var editor = await EditorForm.OpenAsync(pages, $"/seller/funnels/{funnelId}");
        Assert.Contains("Opening line, shown first", editor.Html);
        var saved = await editor.Set("step-1-opening", opening).SubmitAsync(pages);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        // The one Save kept everything else the form showed: both steps, their copy and arrows, unchanged.
        var draft = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnelId}"), HttpStatusCode.OK);
        var steps = draft["draft"]!["definition"]!["steps"]!.AsArray();
        Assert.Equal(["program", "week"], steps.Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal("week", steps[0]!["onDecline"]!.GetValue<string>());
        Assert.Equal("Seven days.", steps[1]!["body"]!.GetValue<string>());
        Assert.Null(steps[0]!["opening"]);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);
        Assert.Equal(opening, await app.QueryAsync(db => db.OfferSteps
            .Where(s => s.Key == "week" && db.Funnels.Any(f => f.Id == funnelId && f.PublishedVersionId == s.FunnelVersionId)).Select(s => s.Opening).SingleAsync()));
        var funnel = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnelId}"), HttpStatusCode.OK);
        var version = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnelId}/versions/{funnel["published"]!["id"]}"), HttpStatusCode.OK);
        Assert.Equal(opening, version["definition"]!["steps"]![1]!["opening"]!.GetValue<string>()); // the definition reads back with it

        // The seller picks a colour: the next checkout on this instance wears it, without waiting for the cache.
        var branding = await FormPage.GetAsync(pages, "/seller/branding");
        Assert.Equal(HttpStatusCode.Redirect, (await branding.PostAsync(pages, "/seller/branding?handler=details", ("color", "#5b2a86"))).StatusCode);

        var buyer = app.CreateClient();
        var checkout = await FormPage.GetAsync(buyer, $"/f/{slug}");
        Assert.Contains("href=\"/brand/5b2a86.css\"", checkout.Html);
        Assert.Contains("forgotten when the offer window closes, 45 minutes after you pay.", WebUtility.HtmlDecode(checkout.Html)); // this funnel's window
        var placed = await checkout.PostAsync(buyer, $"/f/{slug}", ("Input.CheckoutKey", checkout.Value("Input.CheckoutKey")), ("Input.Email", "sleeper@example.com"),
            ("Input.Name", "Sam Sleeper"), ("Input.CardNumber", "4242424242424242"), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"));
        var offerUrl = placed.Headers.Location!.OriginalString;
        Assert.StartsWith("/o/", offerUrl);
        var offer = await FormPage.GetAsync(buyer, offerUrl);
        Assert.Contains("Your order is confirmed. One more thing, shown only now:", offer.Html);
        Assert.Contains("href=\"/brand/5b2a86.css\"", offer.Html);
        await offer.PostAsync(buyer, offerUrl + "?handler=decline", ("stepId", offer.Value("stepId")));
        var downsell = WebUtility.HtmlDecode((await FormPage.GetAsync(buyer, offerUrl)).Html);
        Assert.Contains(opening, downsell);
        Assert.Contains("Yes, add it for $27.00", downsell);
        Assert.DoesNotContain("One more thing", downsell);
    }

    private Task<Guid> SellerIdAsync(string email) =>
        app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.SellerId).SingleAsync());

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string pageUrl, string postUrl, string field, byte[] bytes, string contentType)
    {
        var page = await FormPage.GetAsync(client, pageUrl);
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(page.AntiforgeryToken), "__RequestVerificationToken");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(file, field, "upload.bin");
        return await client.PostAsync(postUrl, content);
    }

    /// <summary>A PNG's signature and header (what Encore reads), its size as given, and as many bytes after as asked.</summary>
    private static byte[] Png(int width, int height, int padding = 0)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' };
        bytes.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(width)));
        bytes.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(height)));
        bytes.AddRange([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes.AddRange(RandomNumberGenerator.GetBytes(16 + padding)); // unique bytes: each image its own hash
        return [.. bytes];
    }
}

public sealed class BrandingTests_Sqlite(SqliteApp app) : BrandingTests<SqliteApp>(app);

public sealed class BrandingTests_Postgres(PostgresApp app) : BrandingTests<PostgresApp>(app);
