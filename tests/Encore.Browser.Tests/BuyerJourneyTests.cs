using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>Real buyers in a real browser: checkout, one-click offers, the bank, the receipt.</summary>
public sealed class BuyerJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Buying_main_and_bump_then_accepting_the_offer_ends_on_one_receipt()
    {
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/f/calm-your-anxiety");
        await Screenshot(page, "checkout");
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("$47.00");
        await page.GetByLabel("Yes, add Printable calm-down worksheets for $17.00").CheckAsync();
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("$64.00");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pay $64.00" })).ToBeVisibleAsync();
        await FillCheckoutAsync(page, "4242 4242 4242 4242");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Visa ending 4242")).ToBeVisibleAsync();
        await Screenshot(page, "offer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $97.00" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
        await Screenshot(page, "receipt");
        var receipt = page.Locator("section[aria-labelledby=receipt-title]");
        await Assertions.Expect(receipt.Locator("tbody").First.Locator("tr")).ToHaveCountAsync(3);
        await Assertions.Expect(receipt).ToContainTextAsync("Calm Your Anxiety");
        await Assertions.Expect(receipt).ToContainTextAsync("Printable calm-down worksheets");
        await Assertions.Expect(receipt).ToContainTextAsync("4-week guided audio program");
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$161.00");

        var consent = await QueryAsync(db => db.ConsentRecords.OrderByDescending(c => c.AgreedAt).FirstAsync());
        Assert.Equal("page", consent.Channel);
        Assert.False(string.IsNullOrEmpty(consent.IpAddress)); // real Kestrel knows the buyer's address
        Assert.Contains("Chrome", consent.UserAgent);
    }

    [Fact]
    public async Task Declining_shows_the_downsell_and_the_back_button_cannot_charge_it_twice()
    {
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/f/calm-your-anxiety");
        await FillCheckoutAsync(page, "5555555555554444");
        await page.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();

        var accept = page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $37.00" });
        await Assertions.Expect(accept).ToBeVisibleAsync();
        await accept.ClickAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$84.00");

        await page.GoBackAsync(); // the browser may show its cached copy of the downsell page
        if (await accept.IsVisibleAsync()) await accept.ClickAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$84.00");
        var orderId = await QueryAsync(db => db.Orders.Where(o => o.Lines.Any(l => l.Name == "Calm Your Anxiety")).OrderByDescending(o => o.CreatedAt).Select(o => o.Id).FirstAsync());
        Assert.Equal(1, await QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == orderId && l.Kind == OrderLineKind.Downsell)));
        Assert.Equal(2, await QueryAsync(db => db.Charges.CountAsync(c => c.OrderId == orderId && c.Status == ChargeStatus.Succeeded)));
    }

    [Fact]
    public async Task A_card_that_asks_for_authentication_goes_through_the_bank_twice()
    {
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/f/calm-your-anxiety");
        await FillCheckoutAsync(page, "4000 0027 6000 3184");

        await Assertions.Expect(page.GetByText("Encore Sandbox Bank: test authentication")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();
        var accept = page.GetByRole(AriaRole.Button, new() { Name = "Yes, add it for $97.00" });
        await Assertions.Expect(accept).ToBeVisibleAsync();
        await accept.ClickAsync();

        await Assertions.Expect(page.GetByText("Confirm a payment of $97.00 USD")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$144.00");
    }

    [Fact]
    public async Task After_a_declined_card_the_next_card_goes_through_on_the_same_page()
    {
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/f/calm-your-anxiety");
        await FillCheckoutAsync(page, "4000 0000 0000 0002");
        await Assertions.Expect(page.GetByText("Your card was declined. Nothing was charged.")).ToBeVisibleAsync();

        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = PayButton }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByText("Visa ending 4242")).ToBeVisibleAsync();
    }

    /// <summary>The Pay button, which names the amount ("Pay $64.00").</summary>
    internal static readonly Regex PayButton = new(@"^Pay \$");

    private static async Task FillCheckoutAsync(IPage page, string card)
    {
        await page.GetByLabel("E-mail (for your receipt)").FillAsync("buyer@example.com");
        await page.GetByLabel("Name").FillAsync("Browser Buyer");
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = PayButton }).ClickAsync();
    }

    private async Task<T> QueryAsync<T>(Func<EncoreDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
    }

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), FullPage = true });
}
