using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// The seller's own thank-you page: a paid buyer whose path is over goes there with the order id, the time and a
/// signature the seller's site checks with the seller's signing secret (computed here as the docs tell a seller to);
/// Encore's page stays the fallback while a payment is being confirmed; bad addresses are refused and change nothing.
/// </summary>
public abstract class ThankYouPageTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private const string SellersPage = "https://coach.example.com/welcome?from=encore";

    [Fact]
    public async Task A_buyer_who_declines_the_offers_lands_on_the_sellers_page_with_a_signature_the_seller_can_check()
    {
        var shop = await ShopAsync(withOffer: true, SellersPage);
        var client = app.CreateClient();
        var offer = await CheckoutOnPageAsync(client, shop.Slug);
        Assert.StartsWith("/o/", offer);

        var page = await FormPage.GetAsync(client, offer);
        Assert.Equal(HttpStatusCode.OK, page.Status); // the offer itself is Encore's page
        var decline = await page.PostAsync(client, offer + "?handler=decline", ("stepId", page.Value("stepId")));
        Assert.Equal(HttpStatusCode.Redirect, decline.StatusCode);
        var afterDecline = await client.GetAsync(decline.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, afterDecline.StatusCode);

        var target = afterDecline.Headers.Location!;
        Assert.Equal("https://coach.example.com/welcome", target.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(target.Query);
        Assert.Equal("encore", query["from"]); // the seller's own parameters are kept
        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.FunnelId == shop.FunnelId).Select(o => o.Id).SingleAsync());
        Assert.Equal(orderId.ToString("N"), query["encore_order"]);
        var ts = long.Parse(query["encore_ts"]!);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ts, 0, 120);
        Assert.Equal(Hmac(await SecretAsync(shop.Api), $"thank-you|{query["encore_order"]}|{query["encore_ts"]}"), query["encore_signature"]);

        // The buyer's receipt link is still Encore's page, with what they bought.
        var receipt = await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync());
        Assert.Equal(Encore.Web.Data.Entities.OrderStatus.Paid, receipt);
    }

    [Fact]
    public async Task A_funnel_without_offers_sends_the_paid_buyer_straight_to_the_sellers_page_and_another_sellers_secret_does_not_sign_it()
    {
        var shop = await ShopAsync(withOffer: false, "https://coach.example.com/thanks");
        var client = app.CreateClient();
        var target = new Uri(await CheckoutOnPageAsync(client, shop.Slug));
        Assert.Equal("https://coach.example.com/thanks", target.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(target.Query);
        var message = $"thank-you|{query["encore_order"]}|{query["encore_ts"]}";
        Assert.Equal(Hmac(await SecretAsync(shop.Api), message), query["encore_signature"]);

        var stranger = await app.NewSellerApiAsync();
        var strangersSecret = await SecretAsync(stranger);
        Assert.NotEqual(await SecretAsync(shop.Api), strangersSecret);
        Assert.NotEqual(Hmac(strangersSecret, message), query["encore_signature"]);

        // A new secret: what was signed before no longer checks out, and the next buyer's redirect uses the new one.
        var rotated = (await Buyer.ReadAsync(await shop.Api.PostAsync("/api/v1/seller/signing-secret/rotate", null), HttpStatusCode.OK))["secret"]!.GetValue<string>();
        Assert.NotEqual(Hmac(rotated, message), query["encore_signature"]);
        var next = new Uri(await CheckoutOnPageAsync(app.CreateClient(), shop.Slug));
        var nextQuery = System.Web.HttpUtility.ParseQueryString(next.Query);
        Assert.Equal(Hmac(rotated, $"thank-you|{nextQuery["encore_order"]}|{nextQuery["encore_ts"]}"), nextQuery["encore_signature"]);
    }

    [Fact]
    public async Task While_the_bank_is_asked_the_buyer_sees_Encores_page_not_the_sellers()
    {
        var shop = await ShopAsync(withOffer: false, "https://coach.example.com/thanks");
        var client = app.CreateClient();
        // A card that needs the bank's authentication: the checkout goes to the bank, not to the seller's page.
        var target = await CheckoutOnPageAsync(client, shop.Slug, card: "4000002760003184");
        Assert.DoesNotContain("coach.example.com", target);
    }

    [Theory]
    [InlineData("http://coach.example.com/thanks")]
    [InlineData("/thanks")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://coach.example.com/thanks?encore_order=1")]
    [InlineData("https://user:pass@coach.example.com/thanks")]
    [InlineData("https://coach.example.com/thanks#top")]
    public async Task An_address_that_is_not_a_plain_https_page_is_refused_and_the_draft_is_unchanged(string url)
    {
        var shop = await ShopAsync(withOffer: false, null);
        var before = await app.QueryAsync(db => db.FunnelVersions.Where(v => v.FunnelId == shop.FunnelId).Select(v => new { v.Id, v.ThankYouUrl }).ToListAsync());
        var response = await shop.Api.PutAsJsonAsync($"/api/v1/seller/funnels/{shop.FunnelId}/draft",
            new { name = "Calm", windowMinutes = 30, main = new { priceId = shop.MainPrice }, thankYouUrl = url });
        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["thankYouUrl"]);
        var after = await app.QueryAsync(db => db.FunnelVersions.Where(v => v.FunnelId == shop.FunnelId).Select(v => new { v.Id, v.ThankYouUrl }).ToListAsync());
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task The_editor_saves_the_address_and_shows_the_secret_on_the_keys_page()
    {
        var (pages, _) = await app.SignUpAsync();
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(pages));
        var shop = await ShopAsync(withOffer: false, null, api);
        var editor = await EditorForm.OpenAsync(pages, $"/seller/funnels/{shop.FunnelId}");
        var saved = await editor.Set("thankYouUrl", "https://coach.example.com/from-the-editor").SubmitAsync(pages);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("https://coach.example.com/from-the-editor", await app.QueryAsync(db => db.FunnelVersions
            .Where(v => v.FunnelId == shop.FunnelId).OrderByDescending(v => v.Number).Select(v => v.ThankYouUrl).FirstAsync()));

        var refused = await editor.Set("thankYouUrl", "ftp://coach.example.com/x").SubmitAsync(pages);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("starting with https://", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));

        var keys = WebUtility.HtmlDecode(await pages.GetStringAsync("/seller/api-keys"));
        Assert.Contains(await SecretAsync(api), keys);
    }

    private static string Hmac(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    private static async Task<string> SecretAsync(HttpClient api) =>
        (await Buyer.ReadAsync(await api.GetAsync("/api/v1/seller/signing-secret"), HttpStatusCode.OK))["secret"]!.GetValue<string>();

    private sealed record Shop(HttpClient Api, Guid FunnelId, Guid MainPrice, string Slug);

    /// <summary>A seller's published funnel: a $47 course, optionally a $97 offer, and the seller's thank-you page.</summary>
    private async Task<Shop> ShopAsync(bool withOffer, string? thankYouUrl, HttpClient? api = null)
    {
        api ??= await app.NewSellerApiAsync();
        async Task<Guid> PriceAsync(string name, long amount)
        {
            var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
                new { name, description = name + ".", topics = new[] { "anxiety" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
            return (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount, currency = "USD" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        }
        var main = await PriceAsync("Calm course", 4700);
        var slug = "thanks-" + Guid.NewGuid().ToString("N")[..10];
        object[] steps = withOffer
            ? [new { id = "coaching", priceId = await PriceAsync("Calm coaching", 9700), headline = "Add calm coaching", body = "Four weeks of guided practice." }]
            : [];
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", new
        {
            name = "Calm", slug, windowMinutes = 30, main = new { priceId = main }, steps, entryStepId = withOffer ? "coaching" : null, thankYouUrl,
        }), HttpStatusCode.Created);
        var funnelId = created["id"]!.GetValue<Guid>();
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);
        return new Shop(api, funnelId, main, slug);
    }

    /// <summary>The checkout form posted as a browser without JavaScript would; the address it redirects to.</summary>
    private static async Task<string> CheckoutOnPageAsync(HttpClient client, string slug, string card = "4242424242424242")
    {
        var page = await FormPage.GetAsync(client, $"/f/{slug}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var fields = new List<(string, string)>
        {
            ("Input.CheckoutKey", page.Value("Input.CheckoutKey")), ("Input.Email", $"thanks-{Guid.NewGuid():N}@example.com"), ("Input.Name", "Tia Buyer"),
            ("Input.CardNumber", card), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"),
        };
        var response = await page.PostAsync(client, $"/f/{slug}", [.. fields]);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.OriginalString;
    }
}

public sealed class ThankYouPageTests_Sqlite(SqliteApp app) : ThankYouPageTests<SqliteApp>(app);

public sealed class ThankYouPageTests_Postgres(PostgresApp app) : ThankYouPageTests<PostgresApp>(app);
