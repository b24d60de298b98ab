using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Encore.Web.Tests;

/// <summary>Encore as a newcomer runs it: Development, no SMTP server.</summary>
public sealed class DevMailApp() : EncoreApp(DatabaseKind.Sqlite)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Encore:Smtp:Host", "");
    }
}

/// <summary>
/// The development mailbox: without an SMTP server, Development keeps every mail whole at <c>/dev/mail</c>, links
/// clickable (the receipt's downloads, the buyer's sign-in link), says so in one line at start-up, and exists nowhere else.
/// </summary>
public sealed partial class DevMailTests(DevMailApp app) : IClassFixture<DevMailApp>
{
    [Fact]
    public async Task A_newcomer_reads_the_receipt_and_signs_in_from_the_mailbox()
    {
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("the e-mails Encore would send are shown at") && e.Message.Contains("/dev/mail"));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("SMTP"));

        var email = $"newcomer-{Guid.NewGuid():N}@example.com";
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = "calm-your-anxiety", email, name = "Nia Newcomer", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        await app.SendEmailsAsync();

        var browser = app.CreateClient();
        var inbox = WebUtility.HtmlDecode(await browser.GetStringAsync("/dev/mail"));
        Assert.Contains(email, inbox);
        var receiptId = await app.QueryAsync(db => db.EmailMessages.Where(m => m.OrderId == orderId && m.Kind == EmailKind.CheckoutReceipt).Select(m => m.Id).SingleAsync());
        Assert.Contains($"/dev/mail/{receiptId}", inbox);
        var receipt = await browser.GetStringAsync($"/dev/mail/{receiptId}");
        var download = Regex.Match(receipt, "<a href=\"(http://localhost:5080/d/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(download); // the workbook's download link, clickable
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(download).PathAndQuery)).StatusCode);
        var html = await browser.GetAsync($"/dev/mail/{receiptId}?handler=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("sandbox", html.Headers.GetValues("Content-Security-Policy").Single());

        // The sign-in mail is kept whole here (a real send keeps it without the link), so the newcomer can sign in.
        await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        await app.SendEmailsAsync();
        var signInId = await app.QueryAsync(db => db.EmailMessages.Where(m => m.OrderId == orderId && m.Kind == EmailKind.BuyerSignIn).Select(m => m.Id).SingleAsync());
        var signIn = WebUtility.HtmlDecode(await browser.GetStringAsync($"/dev/mail/{signInId}"));
        var link = Regex.Match(signIn, @"http://localhost:5080(/account/signin/[A-Za-z0-9_\-]+)").Groups[1].Value;
        Assert.NotEmpty(link);
        var answer = await BuyerAccounts.UseLinkAsync(browser, link);
        Assert.Equal("/account/purchases", answer.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_unknown_mail_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/dev/mail/{Guid.NewGuid()}")).StatusCode);
    }
}

/// <summary>Outside Development there is no mailbox page, whatever the SMTP settings.</summary>
public sealed class DevMailOutsideDevelopmentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task The_mailbox_is_404_outside_development()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/dev/mail")).StatusCode);
    }
}
