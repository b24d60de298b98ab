using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Buyers;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// The buyer's page: sign-in by a one-time e-mail link (through the real SMTP outbox), every order with its receipt and
/// fresh download links, the buyer's data as JSON and erase requests a seller confirms.
/// </summary>
public abstract class BuyerAccountTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : BuyerAccountApp
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

    private static string NewEmail() => $"buyer-{Guid.NewGuid():N}@example.com";

    private Task<List<BuyerSignInLink>> LinksOfAsync(string email) =>
        app.QueryAsync(db => db.BuyerSignInLinks.AsNoTracking().Where(l => l.Email == email).OrderBy(l => l.CreatedAt).ToListAsync());

    [Fact]
    public async Task A_buyer_signs_in_by_mail_and_finds_the_order_its_receipt_and_a_download_that_works()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Quiet Nights Studio");
        var email = NewEmail();
        // Bought in capitals, asked for in lower case: the same address.
        var orderId = await shop.BuyAsync(app, email.ToUpperInvariant());

        var (status, page) = await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("If you have bought with that address, a sign-in link is on its way. It works for 15 minutes, once.", page);
        var mail = Assert.Single(await BuyerAccounts.SignInMailsAsync(app, _smtp, email));
        Assert.Contains("15 minutes", mail.TextBody);
        var link = BuyerAccounts.LinkIn(mail);
        Assert.StartsWith("/account/signin/", link);
        // The outbox keeps the mail as sent, without the link.
        var kept = await app.QueryAsync(db => db.EmailMessages.SingleAsync(m => m.Kind == EmailKind.BuyerSignIn && m.OrderId == orderId));
        Assert.Equal(DeliveryStatus.Delivered, kept.Status);
        Assert.DoesNotContain(link, kept.TextBody);
        Assert.DoesNotContain("/account/signin/", kept.HtmlBody);

        // Opening the link (as a mail scanner would) changes nothing; the button signs in.
        var client = app.CreateClient();
        var opened = await FormPage.GetAsync(client, link);
        Assert.Contains("Sign in", opened.Html);
        Assert.Null(Assert.Single(await LinksOfAsync(email)).UsedAt);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/account/purchases")).StatusCode);
        var signedIn = await opened.PostAsync(client, link);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/account/purchases", signedIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("encore_buyer=", StringComparison.Ordinal));
        Assert.Contains("path=/account", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(Assert.Single(await LinksOfAsync(email)).UsedAt);

        var purchases = await FormPage.GetAsync(client, "/account/purchases");
        Assert.Equal(HttpStatusCode.OK, purchases.Status);
        Assert.Contains(email, purchases.Html);
        Assert.Contains(shop.SellerName, purchases.Html);
        Assert.Contains($"data-order=\"{orderId}\"", purchases.Html);
        Assert.Contains($"data-receipt=\"{orderId}\"", purchases.Html);
        Assert.Contains("$25.00", purchases.Html); // the receipt's total paid
        Assert.Contains(DeliveryShop.BonusText, purchases.Html);

        var download = System.Text.RegularExpressions.Regex.Match(purchases.Html, "href=\"https?://[^/\"]+(/d/[^\"]+)\"");
        Assert.True(download.Success, "No download link on the page");
        var file = await client.GetAsync(System.Net.WebUtility.HtmlDecode(download.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(DeliveryShop.FileText, await file.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.Downloads.CountAsync(d => d.OrderId == orderId)));
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_page_and_no_mail()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Same Answer Studio");
        var known = NewEmail();
        await shop.BuyAsync(app, known);
        var unknown = NewEmail();

        var (knownStatus, knownPage) = await BuyerAccounts.AskForLinkAsync(app.CreateClient(), known);
        var (unknownStatus, unknownPage) = await BuyerAccounts.AskForLinkAsync(app.CreateClient(), unknown);
        Assert.Equal(knownStatus, unknownStatus);
        Assert.Equal(knownPage, unknownPage);

        Assert.Empty(await BuyerAccounts.SignInMailsAsync(app, _smtp, unknown));
        Assert.Single(await BuyerAccounts.SignInMailsAsync(app, _smtp, known));
        // The same work either way: a link row for each address, a mail only for the one that bought.
        Assert.Single(await LinksOfAsync(unknown));
        Assert.Single(await LinksOfAsync(known));
    }

    [Fact]
    public async Task A_sign_in_link_used_twice_is_refused_the_second_time_and_changes_nothing()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Once Only Studio");
        var email = NewEmail();
        await shop.BuyAsync(app, email);
        await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        var link = BuyerAccounts.LinkIn(Assert.Single(await BuyerAccounts.SignInMailsAsync(app, _smtp, email)));

        // Two browsers open the link while it is fresh; the first presses the button, then the second.
        var first = app.CreateClient();
        var second = app.CreateClient();
        var firstPage = await FormPage.GetAsync(first, link);
        var secondPage = await FormPage.GetAsync(second, link);
        Assert.Equal(HttpStatusCode.Redirect, (await firstPage.PostAsync(first, link)).StatusCode);
        var usedAt = Assert.Single(await LinksOfAsync(email)).UsedAt;
        Assert.NotNull(usedAt);

        var again = await secondPage.PostAsync(second, link);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("This sign-in link was already used", await again.Content.ReadAsStringAsync());
        Assert.False(again.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("encore_buyer=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/account/purchases")).StatusCode);
        Assert.Equal(usedAt, Assert.Single(await LinksOfAsync(email)).UsedAt);
        // Opening it again says the same, and the first browser is still signed in.
        var reopened = await FormPage.GetAsync(app.CreateClient(), link);
        Assert.Equal(HttpStatusCode.Gone, reopened.Status);
        Assert.Contains("ask for a new one", reopened.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/account/purchases")).StatusCode);
    }

    [Fact]
    public async Task An_expired_or_altered_link_is_refused_and_signs_no_one_in()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Late Link Studio");
        var email = NewEmail();
        await shop.BuyAsync(app, email);
        await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        var link = BuyerAccounts.LinkIn(Assert.Single(await BuyerAccounts.SignInMailsAsync(app, _smtp, email)));

        var client = app.CreateClient();
        var fresh = await FormPage.GetAsync(client, link); // opened in time, pressed too late
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await FormPage.GetAsync(app.CreateClient(), link);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("This sign-in link has expired", expired.Html);
        var late = await fresh.PostAsync(client, link);
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("expired", await late.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/account/purchases")).StatusCode);
        Assert.Null(Assert.Single(await LinksOfAsync(email)).UsedAt);

        var altered = await FormPage.GetAsync(app.CreateClient(), link[..^4] + (link.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));
        Assert.Equal(HttpStatusCode.NotFound, altered.Status);
        Assert.Contains("This sign-in link is not valid", altered.Html);
    }

    [Fact]
    public async Task An_address_gets_three_links_per_quarter_hour_however_often_it_asks()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Patient Studio");
        var email = NewEmail();
        await shop.BuyAsync(app, email);

        var answers = new List<string>();
        for (var i = 0; i < 5; i++) answers.Add((await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email)).Html);
        Assert.Single(answers.Distinct()); // the same page every time
        Assert.Equal(BuyerSignIns.LinksPerWindow, (await LinksOfAsync(email)).Count);
        Assert.Equal(BuyerSignIns.LinksPerWindow, (await BuyerAccounts.SignInMailsAsync(app, _smtp, email)).Count);

        app.Clock.Advance(BuyerSignIns.LimitWindow + TimeSpan.FromSeconds(1));
        await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        Assert.Equal(BuyerSignIns.LinksPerWindow + 1, (await BuyerAccounts.SignInMailsAsync(app, _smtp, email)).Count);
    }

    [Fact]
    public async Task The_buyers_data_download_holds_their_order_and_nothing_of_another_buyer()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Open Books Studio");
        var email = NewEmail();
        var other = NewEmail();
        var orderId = await shop.BuyAsync(app, email, "Ann Data");
        var otherOrderId = await shop.BuyAsync(app, other, "Bob Other");

        var client = await BuyerAccounts.SignInAsync(app, _smtp, email);
        var response = await client.GetAsync("/account/data.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var text = await response.Content.ReadAsStringAsync();
        var data = JsonNode.Parse(text)!;
        Assert.Equal(email, data["email"]!.GetValue<string>());
        var order = Assert.Single(data["orders"]!.AsArray());
        Assert.Equal(orderId, order!["id"]!.GetValue<Guid>());
        Assert.Equal("Ann Data", order["buyerName"]!.GetValue<string>());
        Assert.Equal("succeeded", order["charges"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("4242", order["charges"]![0]!["card"]!["last4"]!.GetValue<string>());
        Assert.Single(data["signInLinks"]!.AsArray());
        Assert.DoesNotContain(otherOrderId.ToString(), text);
        Assert.DoesNotContain(other, text);
        Assert.DoesNotContain("Bob Other", text);

        // Without the cookie: back to the e-mail form.
        var anonymous = await app.CreateClient().GetAsync("/account/data.json");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/account", anonymous.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_erase_request_reaches_that_seller_only_who_confirms_it_once()
    {
        var shop = await DeliveryShop.PublishAsync(app, "Forgetful Studio");
        var otherShop = await DeliveryShop.PublishAsync(app, "Unrelated Studio");
        var email = NewEmail();
        await shop.BuyAsync(app, email);
        var client = await BuyerAccounts.SignInAsync(app, _smtp, email);

        var page = await FormPage.GetAsync(client, "/account/purchases");
        var asked = await page.PostAsync(client, "/account/erase", ("SellerId", shop.SellerId.ToString()), ("Reason", "I no longer use it"));
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var twice = await page.PostAsync(client, "/account/erase", ("SellerId", shop.SellerId.ToString()), ("Reason", "again"));
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        var request = Assert.Single(await app.QueryAsync(db => db.BuyerEraseRequests.AsNoTracking().Where(r => r.Email == email).ToListAsync()));
        Assert.Equal((shop.SellerId, "I no longer use it", (DateTimeOffset?)null), (request.SellerId, request.Reason, request.ConfirmedAt));
        Assert.Contains("You asked Forgetful Studio to erase your data on", (await FormPage.GetAsync(client, "/account/purchases")).Html);

        // The seller it was asked of sees it; another seller neither sees nor confirms it.
        var list = await Buyer.ReadAsync(await shop.Api.GetAsync("/api/v1/seller/erase-requests"), HttpStatusCode.OK);
        var item = Assert.Single(list["items"]!.AsArray());
        Assert.Equal((request.Id, email, "open"), (item!["id"]!.GetValue<Guid>(), item["email"]!.GetValue<string>(), item["status"]!.GetValue<string>()));
        Assert.Empty((await Buyer.ReadAsync(await otherShop.Api.GetAsync("/api/v1/seller/erase-requests"), HttpStatusCode.OK))["items"]!.AsArray());
        await Buyer.ProblemAsync(await otherShop.Api.PostAsync($"/api/v1/seller/erase-requests/{request.Id}/confirm", null), HttpStatusCode.NotFound);
        Assert.Null((await app.QueryAsync(db => db.BuyerEraseRequests.AsNoTracking().SingleAsync(r => r.Id == request.Id))).ConfirmedAt);

        var confirmed = await Buyer.ReadAsync(await shop.Api.PostAsync($"/api/v1/seller/erase-requests/{request.Id}/confirm", null), HttpStatusCode.OK);
        Assert.Equal("erased", confirmed["status"]!.GetValue<string>());
        Assert.StartsWith("api key enc_sk_", confirmed["confirmedBy"]!.GetValue<string>());
        Assert.EndsWith("@erased.invalid", confirmed["email"]!.GetValue<string>());
        var again = await Buyer.ProblemAsync(await shop.Api.PostAsync($"/api/v1/seller/erase-requests/{request.Id}/confirm", null), HttpStatusCode.Conflict);
        Assert.Equal("already_confirmed", again["code"]!.GetValue<string>());
        // Confirming erased the address from that seller's orders: the buyer's page has nothing of that seller any more.
        Assert.False(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.Email == email)));
        Assert.DoesNotContain("Forgetful Studio", (await FormPage.GetAsync(client, "/account/purchases")).Html);
    }
}

public sealed class BuyerAccountTests_Sqlite(BuyerAccountSqliteApp app) : BuyerAccountTests<BuyerAccountSqliteApp>(app);

public sealed class BuyerAccountTests_Postgres(BuyerAccountPostgresApp app) : BuyerAccountTests<BuyerAccountPostgresApp>(app);
