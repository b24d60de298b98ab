using System.Net;
using Encore.Web.Infrastructure;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

public abstract class PlatformTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task The_OpenAPI_document_describes_the_buyer_api()
    {
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        foreach (var path in new[] { "/api/v1/funnels/{slug}", "/api/v1/checkouts", "/api/v1/offers/{token}", "/api/v1/offers/{token}/accept", "/api/v1/offers/{token}/decline", "/api/v1/offers/{token}/order" })
            Assert.Contains($"\"{path}\"", document);
    }

    [Fact]
    public async Task Responses_never_leak_the_offer_address_and_forbid_framing_and_inline_script()
    {
        var response = await app.CreateClient().GetAsync("/f/calm-your-anxiety");
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_api_answer_carries_the_security_headers_errors_included()
    {
        var client = app.CreateClient();
        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("funnel", await client.GetAsync("/api/v1/funnels/calm-your-anxiety")),
            ("unknown funnel", await client.GetAsync("/api/v1/funnels/no-such-funnel")),
            ("unknown offer", await client.GetAsync($"/api/v1/offers/{new string('a', 43)}")),
            ("invalid field", await Buyer.PostCheckoutAsync(client, new { funnel = Buyer.Funnel, email = "no-at-sign", name = "A", paymentMethod = "pm_card_visa" })),
            ("malformed body", await client.PostAsync("/api/v1/checkouts", new StringContent("{\"funnel\":", System.Text.Encoding.UTF8, "application/json"))),
            ("wrong type", await client.PostAsync("/api/v1/checkouts", new StringContent("{\"funnel\":\"calm-your-anxiety\",\"bumps\":5}", System.Text.Encoding.UTF8, "application/json"))),
            ("openapi", await client.GetAsync("/openapi/v1.json")),
        };
        Assert.All(answers, answer =>
        {
            Assert.True(answer.Response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer",
                $"{answer.What} ({(int)answer.Response.StatusCode}) has no Referrer-Policy: no-referrer");
            Assert.True(answer.Response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff",
                $"{answer.What} ({(int)answer.Response.StatusCode}) has no X-Content-Type-Options: nosniff");
        });
    }

    [Fact]
    public async Task Only_hashes_of_tokens_are_stored()
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await buyer.CheckoutAsync();
        var receiptToken = checkout["receiptUrl"]!.GetValue<string>()["/r/".Length..];
        Assert.True(SecretTokens.LooksValid(buyer.Token));
        Assert.True(SecretTokens.LooksValid(receiptToken));
        var (session, order) = await app.QueryAsync(async db => (
            await db.PostPurchaseSessions.SingleAsync(s => s.OrderId == buyer.OrderId),
            await db.Orders.SingleAsync(o => o.Id == buyer.OrderId)));
        Assert.Equal(SecretTokens.Hash(buyer.Token!), session.TokenHash);
        Assert.Equal(SecretTokens.Hash(receiptToken), order.ReceiptTokenHash);
        var rawTokenRows = await app.QueryAsync(db => db.PostPurchaseSessions.CountAsync(s => s.TokenHash == buyer.Token || s.BrowserBindingHash == buyer.Token));
        Assert.Equal(0, rawTokenRows);
    }

    [Fact]
    public async Task Encore_stores_only_hashes_of_session_and_receipt_tokens()
    {
        var (sessionToken, receiptToken) = await CheckOutWithAKeyAndAcceptAsync();
        var stored = await app.QueryAsync(db => StoredText.WhereAsync(db,
            sessionToken, receiptToken, SecretTokens.Hash(sessionToken), SecretTokens.Hash(receiptToken)));
        Assert.Empty(Ours(stored[sessionToken]));
        Assert.Empty(Ours(stored[receiptToken]));
        // The scan itself works: the hashes are found where they belong.
        Assert.Contains("post_purchase_sessions.TokenHash", stored[SecretTokens.Hash(sessionToken)]);
        Assert.Contains("orders.ReceiptTokenHash", stored[SecretTokens.Hash(receiptToken)]);
    }

    [Fact]
    public async Task The_gateway_is_never_handed_a_raw_token()
    {
        var (sessionToken, receiptToken) = await CheckOutWithAKeyAndAcceptAsync();
        var stored = await app.QueryAsync(db => StoredText.WhereAsync(db, sessionToken, receiptToken));
        Assert.Empty(stored[sessionToken]);
        Assert.Empty(stored[receiptToken]);
    }

    [Fact]
    public async Task Offer_and_receipt_tokens_never_appear_in_the_log()
    {
        var (sessionToken, receiptToken) = await CheckOutWithAKeyAndAcceptAsync();
        var client = app.CreateClient();
        await client.GetAsync($"/o/{sessionToken}"); // another browser: refused, and logged as nothing more than that
        await client.GetAsync($"/r/{receiptToken}");
        await client.GetAsync($"/api/v1/offers/{sessionToken}/order");
        Assert.NotEmpty(app.Logs.Entries);
        var leaks = app.Logs.Entries.Where(e => e.Message.Contains(sessionToken) || e.Message.Contains(receiptToken)).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Select(l => $"{l.Category}: {l.Message}")));
    }

    /// <summary>A checkout with an Idempotency-Key (its response is stored for replay) and an accepted offer.</summary>
    private async Task<(string SessionToken, string ReceiptToken)> CheckOutWithAKeyAndAcceptAsync()
    {
        var client = app.CreateClient();
        var response = await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "t@example.com", name = "T", paymentMethod = "pm_card_visa",
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        }, idempotencyKey: Guid.NewGuid().ToString());
        var checkout = await Buyer.ReadAsync(response, HttpStatusCode.Created);
        var sessionToken = checkout["sessionToken"]!.GetValue<string>();
        var buyer = new Buyer(client);
        buyer.UseToken(sessionToken);
        await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        return (sessionToken, checkout["receiptUrl"]!.GetValue<string>()["/r/".Length..]);
    }

    /// <summary>Encore's own tables: the Sandbox's <c>sandbox_*</c> tables stand for the gateway's storage.</summary>
    private static IEnumerable<string> Ours(IEnumerable<string> columns) => columns.Where(c => !c.StartsWith("sandbox_", StringComparison.Ordinal));

    [Fact]
    public void Tokens_are_unguessable()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SecretTokens.New()).ToList();
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Equal(43, t.Length)); // 256 bits of base64url
    }
}

public sealed class PlatformTests_Sqlite(SqliteApp app) : PlatformTests<SqliteApp>(app);

public sealed class PlatformTests_Postgres(PostgresApp app) : PlatformTests<PostgresApp>(app);

/// <summary>HSTS: sent on HTTPS in Production, so browsers stop trying plain HTTP; never in Development (a local http shop).</summary>
public sealed class HstsTests
{
    [Theory]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    public async Task Strict_transport_security_is_sent_in_production_over_https(string environment, bool expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-hsts-{Guid.NewGuid():N}.db");
        await using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={file}");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:SeedDemo", "false");
            builder.UseSetting("Encore:DemoPassword", "a production-grade password");
            builder.UseSetting("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true");
        });
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://shop.example/"), AllowAutoRedirect = false,
        });
        var response = await client.GetAsync("/api/v1/funnels/no-such-funnel");
        Assert.Equal(expected, response.Headers.TryGetValues("Strict-Transport-Security", out var values));
        if (expected) Assert.Contains("max-age=", values!.Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(path); } catch (IOException) { }
    }
}
