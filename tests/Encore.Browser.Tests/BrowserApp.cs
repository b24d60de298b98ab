using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// Encore on real Kestrel at a loopback port, on a fresh SQLite file, and Debian's headless Chromium driven
/// by Playwright. Playwright never downloads a browser here: it is pointed at /usr/bin/chromium.
/// </summary>
public class BrowserApp : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), "encore-browser-tests", Guid.NewGuid().ToString("N") + ".db");
    private readonly string _filesFolder = Path.Combine(Path.GetTempPath(), "encore-browser-tests", Guid.NewGuid().ToString("N") + "-files");
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _factory!.Services;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("ENCORE_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Skips locally without Chromium; in CI (CI=true) its absence is a failure.</summary>
    public static void EnsureChromium()
    {
        if (File.Exists(ChromiumPath)) return;
        var message = $"Chromium not found at {ChromiumPath}: install it with 'apt-get install chromium' (or set ENCORE_CHROMIUM).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>Settings a derived fixture adds to Encore's (e.g. a payment gateway).</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={_databasePath}");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunBilling", "false"); // a test runs the billing job itself, when it wants renewals charged
            builder.UseSetting("Encore:RateLimits:Enabled", "false"); // every browser of the tests shares 127.0.0.1
            builder.UseSetting("Encore:Files:Folder", _filesFolder); // not the source tree's data/files
            ConfigureWebHost(builder);
        });
        // An explicit loopback listener on port 0: UseKestrel(0) alone may fall back to port 5000.
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');
        // Links in pages and mails (downloads, sign-in, manage pages) point at this server, wherever its port landed.
        _factory.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Encore:PublicUrl"] = BaseUrl;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new browser profile: its own cookies, like a new buyer.</summary>
    public async Task<IPage> NewBuyerAsync()
    {
        EnsureChromium();
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A new seller (signed up in a browser, an API key made on its page) publishes a funnel of one product, monthly, with
    /// a free trial of <paramref name="trialDays"/> days (0: none), through the seller API; its slug.
    /// </summary>
    public Task<string> PublishSubscriptionFunnelAsync(string name, long amount, int trialDays) =>
        PublishFunnelAsync(name, new { amount, currency = "USD", recurring = new { interval = "month", intervalCount = 1, trialDays } });

    /// <summary>A new seller's funnel of one product at a one-time price, without offers, published; its slug.</summary>
    public Task<string> PublishOneTimeFunnelAsync(string name, long amount) => PublishFunnelAsync(name, new { amount, currency = "USD" });

    private async Task<string> PublishFunnelAsync(string name, object priceBody)
    {
        var seller = await NewBuyerAsync();
        await SignUpSellerAsync(seller, name, $"seller-{Guid.NewGuid():N}@example.com", "a long enough password");
        await seller.GotoAsync("/seller/api-keys");
        await seller.GetByLabel("Name of the new key").FillAsync("browser tests");
        await seller.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = (await seller.GetByTestId("new-key").TextContentAsync())!.Trim();
        await seller.Context.CloseAsync();

        using var api = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var product = await PostAsync(api, "/api/v1/seller/products", new { name, description = "A guided session every week.", topics = new[] { "anxiety" } });
        var price = await PostAsync(api, $"/api/v1/seller/products/{product["id"]}/prices", priceBody);
        var slug = "monthly-" + Guid.NewGuid().ToString("N")[..10];
        var funnel = await PostAsync(api, "/api/v1/seller/funnels",
            new
            {
                name, slug, windowMinutes = 30, steps = Array.Empty<object>(), entryStepId = (string?)null,
                main = new { priceId = price["id"]!.GetValue<Guid>(), terms = price["recurring"] is null ? null : TermsOf(price) },
            });
        await PostAsync(api, $"/api/v1/seller/funnels/{funnel["id"]}/publish", null);
        return slug;
    }

    /// <summary>
    /// Signs a new seller up on the page, then confirms the address as the seller would, by the link of the mail Encore
    /// queued (composed by Encore's own composer, not sent over SMTP) and the password; the page ends on the seller's home.
    /// </summary>
    public async Task SignUpSellerAsync(IPage seller, string name, string email, string password)
    {
        await seller.GotoAsync("/seller/sign-up");
        await seller.GetByLabel("Business name (buyers see it)").FillAsync(name);
        await seller.GetByLabel("Support e-mail (buyers write here)").FillAsync($"help-{Guid.NewGuid():N}@example.com");
        await seller.GetByLabel("Your e-mail (to sign in)").FillAsync(email);
        await seller.GetByLabel("Password (at least 10 characters)").FillAsync(password);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(seller.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();

        string link;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
            var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Web.Data.Entities.SellerUser>>().FindByEmailAsync(email);
            var reference = user!.Id.ToString("N");
            var message = db.EmailMessages.Where(m => m.Kind == Encore.Web.Data.Entities.EmailKind.SellerConfirmEmail && m.Reference == reference)
                .OrderByDescending(m => m.CreatedAt).First();
            var (mail, _) = await scope.ServiceProvider.GetRequiredService<Encore.Web.Features.Sellers.Accounts.SellerAccountMail>().ComposeAsync(message, CancellationToken.None);
            link = new Uri(System.Text.RegularExpressions.Regex.Match(mail!.Text, @"https?://\S+/seller/confirm/\S+").Value).PathAndQuery;
        }
        await seller.GotoAsync(link);
        await seller.GetByLabel("Password").FillAsync(password);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();
        await Assertions.Expect(seller.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
    }

    /// <summary>The seller's terms for the price, complete enough for the linter's <c>recurring-terms-missing</c>.</summary>
    private static string TermsOf(JsonNode price) => price["recurring"]!["trialDays"]!.GetValue<int>() is > 0 and var days
        ? $"{price["description"]} after a {days}-day free trial; cancel before it ends by e-mailing our support address and you pay nothing."
        : $"{price["description"]}, first charged today; cancel any time by e-mailing our support address.";

    private static async Task<JsonNode> PostAsync(HttpClient api, string path, object? body)
    {
        var response = body is null ? await api.PostAsync(path, null) : await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
        try { if (Directory.Exists(_filesFolder)) Directory.Delete(_filesFolder, recursive: true); } catch (IOException) { }
    }
}
