using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Encore.Web.Data;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// Issue 15's buyer, at 1280 px and on a phone (390 × 844): the demo seller's branded path, checkout → offer → "No thanks" →
/// downsell → "No thanks" → thank-you → the buyer's purchases page (the receipt, signed in from the mail's link). Every page
/// is scanned with axe-core (no violation), and kept as a screenshot under the test output's <c>screenshots/branded-{width}</c>;
/// on the phone the offer's price, disclosure and "Yes" button are on the first screen; the offer page weighs under 15 KB
/// without images and runs no script but Encore's own few lines.
/// </summary>
public sealed class BrandedJourneyTests(MailBrowserApp app) : IClassFixture<MailBrowserApp>
{
    private const long OfferPageBudget = 15 * 1024;

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task The_branded_buyer_path_passes_axe_keeps_the_offer_above_the_fold_and_under_15_KB(int width, int height)
    {
        BrowserApp.EnsureChromium();
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots", $"branded-{width}");
        Directory.CreateDirectory(folder);
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshots of the branded buyer path at {width} × {height}: {folder}");
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl, ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var email = $"branded-{width}-{Guid.NewGuid():N}@example.com";

        // Checkout: the seller's logo and colour, the product's image, the order summary, the amount on the button.
        await page.GotoAsync("/f/calm-your-anxiety");
        await Assertions.Expect(page.GetByTestId("seller-logo")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("product-image")).ToBeVisibleAsync();
        Assert.Equal("rgb(47, 93, 138)", await page.GetByRole(AriaRole.Button, new() { Name = "Pay $47.00" }).EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
        var bump = page.GetByLabel("Yes, add Printable calm-down worksheets for $17.00");
        var bumpLine = page.GetByTestId("order-summary").GetByRole(AriaRole.Row, new() { Name = "Printable calm-down worksheets" });
        await Assertions.Expect(bumpLine).ToBeHiddenAsync();
        await bump.CheckAsync();
        await Assertions.Expect(bumpLine).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay $64.00" })).ToBeVisibleAsync();
        await bump.UncheckAsync(); // nothing optional ticked
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay $47.00" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("refund-policy")).ToContainTextAsync("full refund");
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(1); // the bump's: no opt-in box
        await ScanAndKeepAsync(page, folder, "1-checkout");
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Bea Branded");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay $47.00" }).ClickAsync();

        // The offer: price, the disclosure in full right above it, and the "Yes" button, on the first screen; and light.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByTestId("offer-opening")).ToHaveTextAsync("Your order is confirmed. One more thing, shown only now:");
        await AssertFirstScreenAsync(page, "Yes, add it for $97.00");
        await AssertLightAsync(page);
        await ScanAndKeepAsync(page, folder, "2-offer");
        await page.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();

        // The downsell, with its own opening line.
        await Assertions.Expect(page.GetByTestId("offer-opening")).ToHaveTextAsync("Not the full program? Here is a smaller step.");
        await AssertFirstScreenAsync(page, "Yes, add it for $37.00");
        await ScanAndKeepAsync(page, folder, "3-downsell");
        await page.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();

        // Thank-you: what was bought, the receipt, the seller's links at the foot.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$47.00");
        await Assertions.Expect(page.GetByTestId("seller-logo")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Terms" })).ToHaveAttributeAsync("href", "https://calmmind.example/terms");
        await ScanAndKeepAsync(page, folder, "4-thank-you");

        // The receipt, later: the buyer's purchases page, signed in from the mail's link, wearing the seller's brand.
        await page.GotoAsync("/account");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await app.SendEmailsAsync();
        var mail = Assert.Single(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == email) && m.Subject == "Your sign-in link to your purchases");
        Assert.Contains("/media/", mail.HtmlBody); // the mail wears the logo too
        await page.GotoAsync(Regex.Match(mail.TextBody!, @"(http://127\.0\.0\.1:\d+/account/\S+)").Groups[1].Value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("buyer-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.GetByTestId("seller-logo")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("section[data-seller]")).ToContainTextAsync("Calm Your Anxiety");
        await ScanAndKeepAsync(page, folder, "5-receipt");

        Assert.Empty(errors);
        await context.CloseAsync();
    }

    /// <summary>Without scrolling: the price, the whole disclosure, and the button that names the charge, the disclosure right above it.</summary>
    private static async Task AssertFirstScreenAsync(IPage page, string yes)
    {
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.scrollY"));
        var button = page.GetByRole(AriaRole.Button, new() { Name = yes });
        await Assertions.Expect(page.GetByTestId("offer-price")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(page.Locator("#disclosure")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Assertions.Expect(button).ToBeInViewportAsync(new() { Ratio = 1 });
        var disclosure = (await page.Locator("#disclosure").BoundingBoxAsync())!;
        var box = (await button.BoundingBoxAsync())!;
        Assert.InRange(box.Y - (disclosure.Y + disclosure.Height), 0, 40); // nothing between them
    }

    /// <summary>
    /// The offer page's weight as a buyer with an empty cache would fetch it, images left out: the document and every
    /// stylesheet and script, each counted at what crossed the network (or, when it came from this browser's cache, its
    /// body). And no script but Encore's own.
    /// </summary>
    private static async Task AssertLightAsync(IPage page)
    {
        var entries = await page.EvaluateAsync<JsonElement>("""
            () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                .map(e => ({ name: e.name, type: e.initiatorType, transfer: e.transferSize, body: e.encodedBodySize }))
            """);
        var counted = entries.EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() != "img")
            .Select(e => (Name: e.GetProperty("name").GetString()!, Bytes: Math.Max(e.GetProperty("transfer").GetInt64(), e.GetProperty("body").GetInt64())))
            .ToList();
        var total = counted.Sum(e => e.Bytes);
        TestContext.Current.TestOutputHelper?.WriteLine($"Offer page without images: {total:N0} bytes ({string.Join(", ", counted.Select(e => $"{new Uri(e.Name).AbsolutePath} {e.Bytes:N0}"))})");
        Assert.True(total < OfferPageBudget, $"The offer page weighs {total:N0} bytes without images; the budget is {OfferPageBudget:N0}.");
        var scripts = await page.EvaluateAsync<string[]>("() => [...document.scripts].map(s => s.src ? new URL(s.src).pathname : 'inline')");
        Assert.Equal(["/js/encore.js"], scripts);
    }

    private static async Task ScanAndKeepAsync(IPage page, string folder, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0,
            $"axe-core on {name} ({page.Url}): " + string.Join("; ", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }
}
