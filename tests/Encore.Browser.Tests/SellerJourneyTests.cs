using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>A new coach in a real browser: sign up, products, a funnel with an offer and a downsell, the linter, publish, a sale, the order and its figures.</summary>
public sealed class SellerJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_new_seller_builds_publishes_and_sells_a_funnel_then_sees_the_order_and_its_analytics()
    {
        var seller = await app.NewBuyerAsync();
        seller.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "Publish this version?" and the like
        var email = $"coach-{Guid.NewGuid():N}@example.com";
        await app.SignUpSellerAsync(seller, "Sleep Well Studio", email, "a long enough password");

        await AddProductAsync(seller, "Deep Sleep Course", "sleep, rest", "47");
        await AddProductAsync(seller, "Sleep audio program", "sleep, audio", "97");
        await AddProductAsync(seller, "Sleep audio starter", "sleep, audio", "37");

        var slug = $"deep-sleep-{Guid.NewGuid():N}"[..20];
        await seller.GotoAsync("/seller/funnels/new");
        await seller.GetByLabel("Name (for you)").FillAsync("Deep Sleep");
        await seller.GetByLabel("Address: /f/…").FillAsync(slug);
        await seller.GetByLabel("Main product and price").SelectOptionAsync(new SelectOptionValue { Label = "Deep Sleep Course: $47.00" });
        await seller.GetByRole(AriaRole.Button, new() { Name = "Create funnel" }).ClickAsync();
        await Assertions.Expect(seller.GetByText("Not published yet")).ToBeVisibleAsync();

        await AddStepAsync(seller, "program", "Sleep audio program: $97.00", "Last chance: add the sleep audio program", "Thirty nights of guided audio.");
        await AddStepAsync(seller, "starter", "Sleep audio starter: $37.00", "Or start with seven nights", "The first week of the program.");
        var program = seller.Locator("#step-program");
        await program.GetByLabel("After “no thanks”").SelectOptionAsync("starter");
        await Assertions.Expect(seller.GetByText("Unsaved changes")).ToBeVisibleAsync();
        await seller.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(seller.GetByText("Saved.", new() { Exact = true })).ToBeVisibleAsync();

        // Leaving with an unsaved edit asks first; leaving anyway drops it.
        var editorUrl = seller.Url;
        await program.GetByLabel("Headline").FillAsync("Not kept");
        var asked = new TaskCompletionSource<string>();
        seller.Dialog += (_, dialog) => asked.TrySetResult(dialog.Type); // the handler above accepts it (one accept per dialog)
        await seller.EvaluateAsync("() => { setTimeout(() => { window.location.href = '/seller'; }, 0); }");
        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        await seller.WaitForURLAsync("**/seller");
        await seller.GotoAsync(editorUrl);
        await Assertions.Expect(program.GetByLabel("Headline")).ToHaveValueAsync("Last chance: add the sleep audio program");

        var map = seller.GetByTestId("funnel-map");
        await Assertions.Expect(map.Locator("[data-step=step-program]")).ToBeVisibleAsync();
        await Assertions.Expect(map.Locator("[data-step=step-starter]")).ToBeVisibleAsync();
        await Assertions.Expect(map.Locator("path.edge.decline")).ToHaveCountAsync(2);
        var warning = seller.Locator(".finding[data-code=fake-urgency]");
        await Assertions.Expect(warning).ToContainTextAsync("Warning");
        await Screenshot(seller, "seller-editor");

        await seller.GetByRole(AriaRole.Button, new() { Name = "Publish version 1" }).ClickAsync();
        await Assertions.Expect(seller.GetByText("Live: version 1")).ToBeVisibleAsync();

        // A buyer declines the offer, takes the downsell.
        var buyer = await app.NewBuyerAsync();
        await buyer.GotoAsync($"/f/{slug}");
        await buyer.GetByLabel("E-mail (for your receipt)").FillAsync("sleepy@example.com");
        await buyer.GetByLabel("Name").FillAsync("Sleepy Buyer");
        await buyer.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await buyer.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await buyer.GetByLabel("Security code (CVC)").FillAsync("123");
        await buyer.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
        await Assertions.Expect(buyer.GetByRole(AriaRole.Heading, new() { Name = "Last chance: add the sleep audio program" })).ToBeVisibleAsync();
        await buyer.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();
        await buyer.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $37.00" }).ClickAsync();
        await Assertions.Expect(buyer.GetByTestId("total-paid")).ToHaveTextAsync("$84.00");

        // The seller sees the order, the consent behind the one-click charge, and the funnel's figures.
        await seller.GotoAsync("/seller/orders");
        await seller.GetByRole(AriaRole.Row, new() { Name = "sleepy@example.com" }).GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(seller.GetByText("Sleep audio starter").First).ToBeVisibleAsync();
        await Assertions.Expect(seller.GetByText("Visa ending in 4242, the card you just used").First).ToBeVisibleAsync();
        await Screenshot(seller, "seller-order");
        await seller.GetByRole(AriaRole.Link, new() { Name = "Consent record" }).First.ClickAsync();
        await Assertions.Expect(seller.GetByText("sha256sum").First).ToBeVisibleAsync();

        await seller.GotoAsync("/seller");
        await seller.GetByRole(AriaRole.Row, new() { Name = "Deep Sleep" }).GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();
        await Assertions.Expect(seller.Locator("svg.chart").First).ToBeVisibleAsync();
        await Assertions.Expect(seller.GetByText("$84.00").First).ToBeVisibleAsync();
        await Screenshot(seller, "seller-analytics");
    }

    private static async Task AddProductAsync(IPage seller, string name, string topics, string amount)
    {
        await seller.GotoAsync("/seller/products");
        await seller.GetByLabel("Name").FillAsync(name);
        await seller.GetByLabel("Topics, separated by commas").FillAsync(topics);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Add product" }).ClickAsync();
        await Assertions.Expect(seller.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        await seller.GetByLabel("Amount").FillAsync(amount);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Add price" }).ClickAsync();
        await Assertions.Expect(seller.GetByRole(AriaRole.Cell, new() { Name = $"${amount}.00" })).ToBeVisibleAsync();
    }

    private static async Task AddStepAsync(IPage seller, string id, string price, string headline, string body)
    {
        var form = seller.Locator("#add-step");
        await form.GetByLabel("Step name").FillAsync(id);
        await form.GetByLabel("Product and price").SelectOptionAsync(new SelectOptionValue { Label = price });
        await form.GetByLabel("Headline").FillAsync(headline);
        await form.GetByLabel("Offer copy").FillAsync(body);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Assertions.Expect(seller.Locator($"#step-{id}")).ToBeVisibleAsync();
    }

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), FullPage = true });
}
