using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>Sellers: accounts, API keys, the walls between sellers, and the offer linter over the API.</summary>
public abstract class SellerTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_new_seller_signs_up_and_sees_their_own_empty_store()
    {
        var (client, _) = await SignUpAsync();
        var home = await FormPage.GetAsync(client, "/seller");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.Contains("No funnels yet.", home.Html);
        Assert.DoesNotContain("Calm Your Anxiety", home.Html);

        var signOut = await home.PostAsync(client, "/seller/sign-out");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var after = await client.GetAsync("/seller");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/seller/sign-in", after.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_demo_seller_signs_in_with_the_documented_demo_login()
    {
        var client = await SignInAsync(DemoSeed.DemoLoginEmail, DemoSeed.DefaultDemoPassword);
        var home = await FormPage.GetAsync(client, "/seller");
        Assert.Contains("Calm Mind Coaching", home.Html);
        Assert.Contains("/f/calm-your-anxiety", home.Html);
    }

    [Fact]
    public async Task An_api_key_is_shown_once_stored_hashed_and_stops_working_when_revoked()
    {
        var (client, _) = await SignUpAsync();
        var key = await CreateApiKeyAsync(client);
        Assert.StartsWith("enc_sk_", key);
        Assert.False(await app.QueryAsync(db => db.SellerApiKeys.AnyAsync(k => k.KeyHash == key || k.Prefix == key)));

        var api = ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/seller/products")).StatusCode);
        var keysPage = await FormPage.GetAsync(client, "/seller/api-keys");
        Assert.DoesNotContain(key, keysPage.Html);

        var keyId = await app.QueryAsync(db => db.SellerApiKeys.Where(k => k.KeyHash == Encore.Web.Infrastructure.SecretTokens.Hash(key)).Select(k => k.Id).SingleAsync());
        var revoke = await keysPage.PostAsync(client, "/seller/api-keys?handler=revoke", ("id", keyId.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        await Buyer.ProblemAsync(await api.GetAsync("/api/v1/seller/products"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_seller_api_needs_a_valid_key()
    {
        var client = app.CreateClient();
        await Buyer.ProblemAsync(await client.GetAsync("/api/v1/seller/products"), HttpStatusCode.Unauthorized);
        await Buyer.ProblemAsync(await ApiClient("enc_sk_" + new string('x', 43)).GetAsync("/api/v1/seller/products"), HttpStatusCode.Unauthorized);
        await Buyer.ProblemAsync(await ApiClient("enc_sk_short").GetAsync("/api/v1/seller/products"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sellers_are_walled_off_from_each_other()
    {
        var demo = ApiClient(await CreateApiKeyAsync(await SignInAsync(DemoSeed.DemoLoginEmail, DemoSeed.DefaultDemoPassword)));
        var demoProducts = await Buyer.ReadAsync(await demo.GetAsync("/api/v1/seller/products"), HttpStatusCode.OK);
        Assert.Equal(5, demoProducts.AsArray().Count); // the two demo funnels: course, worksheets, program, starter, membership
        var demoProductId = demoProducts[0]!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync($"/api/v1/seller/products/{demoProductId}")).StatusCode);

        var (strangerPages, _) = await SignUpAsync();
        var stranger = ApiClient(await CreateApiKeyAsync(strangerPages));
        Assert.Empty((await Buyer.ReadAsync(await stranger.GetAsync("/api/v1/seller/products"), HttpStatusCode.OK)).AsArray());
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/products/{demoProductId}"), HttpStatusCode.NotFound);

        var demoKeyId = await app.QueryAsync(db => db.SellerApiKeys.Where(k => k.SellerId == DemoSeed.SellerId).Select(k => k.Id).FirstAsync());
        var keysPage = await FormPage.GetAsync(strangerPages, "/seller/api-keys");
        var revoke = await keysPage.PostAsync(strangerPages, "/seller/api-keys?handler=revoke", ("id", demoKeyId.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Null(await app.QueryAsync(db => db.SellerApiKeys.Where(k => k.Id == demoKeyId).Select(k => k.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_seller_adds_and_edits_products_that_only_they_can_see()
    {
        var owner = ApiClient(await CreateApiKeyAsync((await SignUpAsync()).Client));
        var created = await owner.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Deep Sleep Course", description = "Seven nights.", topics = new[] { " Sleep ", "rest", "sleep" } });
        var product = await Buyer.ReadAsync(created, HttpStatusCode.Created);
        var id = product["id"]!.GetValue<Guid>();
        Assert.Equal(["sleep", "rest"], product["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal($"/api/v1/seller/products/{id}", created.Headers.Location!.OriginalString);

        var updated = await Buyer.ReadAsync(await owner.PutAsJsonAsync($"/api/v1/seller/products/{id}",
            new { name = "Deep Sleep Course, 2nd edition", topics = new[] { "sleep" } }), HttpStatusCode.OK);
        Assert.Equal("Deep Sleep Course, 2nd edition", updated["name"]!.GetValue<string>());

        var stranger = ApiClient(await CreateApiKeyAsync((await SignUpAsync()).Client));
        await Buyer.ProblemAsync(await stranger.PutAsJsonAsync($"/api/v1/seller/products/{id}", new { name = "Mine now" }), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/products/{id}"), HttpStatusCode.NotFound);
        Assert.Equal("Deep Sleep Course, 2nd edition", await app.QueryAsync(db => db.Products.Where(p => p.Id == id).Select(p => p.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_product_without_a_name_or_with_blank_topics_is_refused_and_nothing_is_saved()
    {
        var api = ApiClient(await CreateApiKeyAsync((await SignUpAsync()).Client));
        var before = await app.QueryAsync(db => db.Products.CountAsync());
        var noName = await Buyer.ProblemAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name = " ", topics = new[] { "sleep" } }), HttpStatusCode.BadRequest);
        Assert.NotNull(noName["errors"]!["name"]);
        var blankTopic = await Buyer.ProblemAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name = "X", topics = new[] { "" } }), HttpStatusCode.BadRequest);
        Assert.NotNull(blankTopic["errors"]!["topics"]);
        Assert.Equal(before, await app.QueryAsync(db => db.Products.CountAsync()));
    }

    [Fact]
    public async Task Production_refuses_to_start_with_the_default_demo_password()
    {
        TestDatabase.EnsureAvailable(app.Kind);
        await using var database = await TestDatabase.CreateAsync(app.Kind);
        await using var production = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true"); // past the gateway's check, to the demo password's
            builder.UseSetting("ENCORE_DATABASE", database.ConnectionString);
            builder.UseSetting("Encore:RunReconciler", "false");
        });
        var error = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("default password", (error.InnerException ?? error).Message);
    }

    private const string Password = Sellers.Password;

    private Task<(HttpClient Client, string Email)> SignUpAsync() => app.SignUpAsync();

    private Task<HttpClient> SignInAsync(string email, string password) => app.SignInAsync(email, password);

    private static Task<string> CreateApiKeyAsync(HttpClient signedIn) => Sellers.CreateApiKeyAsync(signedIn);

    private HttpClient ApiClient(string key) => app.ApiClient(key);
}

public sealed class SellerTests_Sqlite(SqliteApp app) : SellerTests<SqliteApp>(app);

public sealed class SellerTests_Postgres(PostgresApp app) : SellerTests<PostgresApp>(app);
