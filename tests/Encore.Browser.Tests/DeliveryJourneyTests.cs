using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Features.Email;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>The browser fixture with a test SMTP server, so a test reads the mails a buyer gets.</summary>
public sealed class MailBrowserApp : BrowserApp
{
    public TestSmtpServer Smtp { get; } = new(TestSmtpServer.FreePort());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Encore:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Encore:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Encore:Smtp:UseTls", "false");
        builder.UseSetting("Encore:RunEmailSender", "false"); // the test sends the queued mails when it wants them
    }

    public override async ValueTask InitializeAsync()
    {
        await Smtp.StartAsync();
        await base.InitializeAsync();
    }

    /// <summary>Sends what the outbox holds, as the background sender would.</summary>
    public async Task SendEmailsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EmailSender>().RunOnceAsync(CancellationToken.None);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// Issue 13's journey in Chromium: a buyer buys the demo course and downloads its PDF from the thank-you page, later
/// signs in from the e-mail link on another browser and downloads it again; after the seller refunds it on the order
/// page, the download is refused with the reason.
/// </summary>
public sealed class DeliveryJourneyTests(MailBrowserApp app) : IClassFixture<MailBrowserApp>
{
    private static readonly byte[] Workbook = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "calm-your-anxiety-workbook.pdf"));

    [Fact]
    public async Task A_buyer_downloads_the_workbook_signs_in_from_the_mail_downloads_it_again_and_a_refund_closes_it()
    {
        var email = $"reader-{Guid.NewGuid():N}@example.com";
        var page = await app.NewBuyerAsync();
        await page.GotoAsync("/f/calm-your-anxiety");
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Robin Reader");
        await page.GetByLabel("Card number").FillAsync("4242424242424242");
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
        // The offer, then the downsell: "No thanks" to both.
        await page.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Not the full program? Here is a smaller step.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "No thanks" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();

        // The thank-you page delivers at once: the workbook's bytes, as the seller uploaded them.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download Workbook (PDF)" }).ClickAsync());
        Assert.Equal("calm-your-anxiety-workbook.pdf", download.SuggestedFilename);
        Assert.Equal(Workbook, await File.ReadAllBytesAsync((await download.PathAsync())!));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the five lessons" })).ToBeVisibleAsync();

        // Later, on another browser: the buyer's page, signed in from the link the mail brings.
        var later = await app.NewBuyerAsync();
        await later.GotoAsync("/account");
        await later.GetByLabel("E-mail").FillAsync(email);
        await later.GetByRole(AriaRole.Button, new() { Name = "Send me a sign-in link" }).ClickAsync();
        await app.SendEmailsAsync();
        var mail = Assert.Single(app.Smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == email) && m.Subject == "Your sign-in link to your purchases");
        var link = Regex.Match(mail.TextBody!, @"(http://127\.0\.0\.1:\d+/account/\S+)").Groups[1].Value;
        Assert.NotEmpty(link);
        await later.GotoAsync(link);
        await later.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(later.GetByTestId("buyer-email")).ToHaveTextAsync(email);
        var again = await later.RunAndWaitForDownloadAsync(() => later.GetByRole(AriaRole.Link, new() { Name = "Download Workbook (PDF)" }).ClickAsync());
        Assert.Equal(Workbook, await File.ReadAllBytesAsync((await again.PathAsync())!));
        var held = await later.GetByRole(AriaRole.Link, new() { Name = "Download Workbook (PDF)" }).GetAttributeAsync("href");

        // The seller refunds the course on the order page.
        var seller = await app.NewBuyerAsync();
        await seller.GotoAsync("/seller/sign-in");
        await seller.GetByLabel("E-mail").FillAsync(DemoSeed.DemoLoginEmail);
        await seller.GetByLabel("Password").FillAsync(DemoSeed.DefaultDemoPassword);
        await seller.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var orderId = await QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Orders.Where(o => o.Email == email).Select(o => o.Id)));
        await seller.GotoAsync($"/seller/orders/{orderId}");
        seller.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await seller.Locator("form.refund-form").First.GetByRole(AriaRole.Button, new() { Name = "Refund" }).ClickAsync();
        await Assertions.Expect(seller.Locator("#refunds-section tbody tr")).ToHaveCountAsync(1);

        // The link the buyer still holds is refused, and says why; the buyer's page says it too.
        var refused = await later.GotoAsync(held!);
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(later.GetByText(new Regex("It was refunded on \\d+ \\w+ \\d{4}"))).ToBeVisibleAsync();
        await later.GotoAsync("/account/purchases");
        await Assertions.Expect(later.GetByText(new Regex("It was refunded on")).First).ToBeVisibleAsync();
        await Assertions.Expect(later.GetByRole(AriaRole.Link, new() { Name = "Download Workbook (PDF)" })).ToHaveCountAsync(0);
    }

    private async Task<T> QueryAsync<T>(Func<EncoreDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
    }
}
