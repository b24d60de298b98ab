using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Payments;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// A gateway that takes no real money never passes for one: Production refuses to start on the Sandbox unless the operator
/// says so, and then (as on the Sandbox or Stripe's test mode anywhere) every page, webhook and mail says "test mode".
/// </summary>
public sealed partial class TestModeStartTests
{
    [Fact]
    public async Task Production_without_Stripe_keys_exits_with_a_clear_message()
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-no-gateway-{Guid.NewGuid():N}.db");
        var (exitCode, output) = await EncoreProcess.RunUntilExitAsync($"Data Source={file}", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Encore__DemoPassword"] = "a production-grade password",
        }, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Refusing to start", output);
        Assert.Contains("ENCORE_STRIPE_SECRET_KEY", output);
        Assert.Contains(PaymentMode.AllowSandboxInProduction + "=true", output);
        Assert.DoesNotContain("Unhandled exception", output); // a message, not a stack trace
        Assert.False(File.Exists(file), "nothing was started: not even the database was created");
    }

    [Fact]
    public async Task Production_on_the_Sandbox_when_allowed_shows_the_test_mode_banner_on_buyer_and_seller_pages()
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-sandbox-production-{Guid.NewGuid():N}.db");
        await using var factory = Production(file, ("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true"), ("Encore:DemoPassword", DemoPassword));
        var client = Https(factory);
        foreach (var page in new[] { "/f/calm-your-anxiety", "/account", "/seller/sign-in", "/seller/sign-up" })
            AssertBanner(await client.GetStringAsync(page), page);

        var signIn = await FormPage.GetAsync(client, "/seller/sign-in");
        var signedIn = await signIn.PostAsync(client, "/seller/sign-in", ("Email", DemoSeed.DemoLoginEmail), ("Password", DemoPassword));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        foreach (var page in new[] { "/seller", "/seller/orders", "/seller/webhooks" })
            AssertBanner(await client.GetStringAsync(page), page);
        Delete(file);
    }

    [Fact]
    public async Task A_live_Stripe_key_shows_no_banner()
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-live-{Guid.NewGuid():N}.db");
        await using var factory = Production(file, ("ENCORE_STRIPE_SECRET_KEY", "sk_live_abc"), ("ENCORE_STRIPE_PUBLISHABLE_KEY", "pk_live_abc"),
            ("Encore:SeedDemo", "false"));
        var client = Https(factory);
        var html = await client.GetStringAsync("/seller/sign-in");
        Assert.Contains("Sign in", html);
        Assert.DoesNotContain("data-testid=\"test-mode\"", html);
        Assert.DoesNotContain(PaymentMode.TestModeNotice, html);
        Delete(file);
    }

    private const string DemoPassword = "a production-grade password";

    private static void AssertBanner(string html, string page)
    {
        Assert.True(html.Contains("data-testid=\"test-mode\"") && html.Contains(PaymentMode.TestModeNotice), $"{page} shows no test-mode banner");
        Assert.Contains("Sandbox", Banner().Match(html).Value);
    }

    private static WebApplicationFactory<Program> Production(string file, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={file}");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunBilling", "false");
            builder.UseSetting("Encore:RateLimits:Enabled", "false");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        });

    private static HttpClient Https(WebApplicationFactory<Program> factory) => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://shop.example/"), AllowAutoRedirect = false, HandleCookies = true,
    });

    private static void Delete(string file)
    {
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(path); } catch (IOException) { }
    }

    [GeneratedRegex("<div class=\"test-mode\"[^>]*>.*?</div>", RegexOptions.Singleline)]
    private static partial Regex Banner();
}

/// <summary>On the tests' Sandbox: webhooks carry <c>livemode: false</c>, and every mail opens with the test-mode line.</summary>
public abstract class TestModeTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : EncoreApp
{
    private TestSmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        if (app.Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return;
        _smtp = new TestSmtpServer(app.SmtpPort);
        await _smtp.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Webhooks_say_livemode_false_and_mails_say_test_mode()
    {
        var seller = await app.SignInAsDemoAsync();
        var url = $"https://hooks.example/{Guid.NewGuid():N}";
        var page = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.OK, (await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", url))).StatusCode);

        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await app.DispatchWebhooksAsync();
        var hook = Assert.Single(app.Webhooks.For(url));
        var body = JsonNode.Parse(hook.Body)!;
        Assert.Equal("order.paid", body["type"]!.GetValue<string>());
        Assert.False(body["livemode"]!.GetValue<bool>());

        await app.SendEmailsAsync();
        var mailId = await app.QueryAsync(db => db.EmailMessages.Where(m => m.OrderId == buyer.OrderId).Select(m => m.Id).SingleAsync());
        var mail = Assert.Single(_smtp.Messages, m => m.Headers["X-Encore-Mail-Id"] == mailId.ToString());
        Assert.StartsWith(PaymentMode.TestModeNotice, mail.TextBody);
        Assert.Contains(PaymentMode.TestModeNotice, mail.HtmlBody);
        Assert.Contains("Sandbox", mail.TextBody);
        // The row keeps what was sent, the line included.
        Assert.StartsWith(PaymentMode.TestModeNotice, await app.QueryAsync(db => db.EmailMessages.Where(m => m.Id == mailId).Select(m => m.TextBody).SingleAsync()));
    }
}

public sealed class TestModeTests_Sqlite(SqliteApp app) : TestModeTests<SqliteApp>(app);

public sealed class TestModeTests_Postgres(PostgresApp app) : TestModeTests<PostgresApp>(app);
