using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// The walls around the buyer's page: one buyer's cookie shows that buyer's orders and data only, asks only sellers they
/// bought from, and opens no seller page or API; a seller's cookie opens no buyer's page; one seller's erase requests are
/// not another's to see or confirm.
/// </summary>
public abstract partial class BuyerIsolationTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : BuyerAccountApp
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
    public async Task A_buyers_cookie_shows_their_own_orders_only_and_opens_no_seller_page()
    {
        var shared = await DeliveryShop.PublishAsync(app, "Shared Studio");
        var elsewhere = await DeliveryShop.PublishAsync(app, "Elsewhere Studio");
        var ann = $"ann-{Guid.NewGuid():N}@example.com";
        var bob = $"bob-{Guid.NewGuid():N}@example.com";
        var annOrder = await shared.BuyAsync(app, ann, "Ann Alone");
        var bobOrders = new[] { await shared.BuyAsync(app, bob, "Bob Other"), await elsewhere.BuyAsync(app, bob, "Bob Other") };

        var annClient = await BuyerAccounts.SignInAsync(app, _smtp, ann);
        var page = await FormPage.GetAsync(annClient, "/account/purchases");
        Assert.Contains($"data-order=\"{annOrder}\"", page.Html);
        foreach (var text in bobOrders.Select(o => o.ToString()).Append(bob).Append("Bob Other").Append("Elsewhere Studio"))
            Assert.DoesNotContain(text, page.Html);
        var data = await annClient.GetStringAsync("/account/data.json");
        Assert.Contains(annOrder.ToString(), data);
        foreach (var text in bobOrders.Select(o => o.ToString()).Append(bob).Append("Bob Other"))
            Assert.DoesNotContain(text, data);

        // A seller Ann never bought from: no page, no erase request.
        Assert.Equal(HttpStatusCode.NotFound, (await annClient.GetAsync($"/account/purchases?seller={elsewhere.SellerId}")).StatusCode);
        var refused = await page.PostAsync(annClient, "/account/erase", ("SellerId", elsewhere.SellerId.ToString()), ("Reason", "not mine"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.False(await app.QueryAsync(db => db.BuyerEraseRequests.AnyAsync(r => r.SellerId == elsewhere.SellerId)));

        // Bob, signed in, sees both of his and not Ann's.
        var bobPage = await FormPage.GetAsync(await BuyerAccounts.SignInAsync(app, _smtp, bob), "/account/purchases");
        foreach (var order in bobOrders) Assert.Contains($"data-order=\"{order}\"", bobPage.Html);
        Assert.DoesNotContain(annOrder.ToString(), bobPage.Html);
        Assert.DoesNotContain(ann, bobPage.Html);

        // The buyer's cookie, even sent by hand, opens no seller page or API; a seller's cookie opens no buyer's page.
        var cookie = Cookie().Match(string.Join("\n", (await SignInResponseAsync(ann)).Headers.GetValues("Set-Cookie"))).Groups[1].Value;
        Assert.NotEmpty(cookie);
        foreach (var path in new[] { "/seller", "/seller/orders", "/seller/erase-requests" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", "encore_buyer=" + cookie);
            var answer = await app.CreateClient().SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.Contains("/seller/sign-in", answer.Headers.Location!.OriginalString);
        }
        var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/seller/erase-requests");
        api.Headers.Add("Cookie", "encore_buyer=" + cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(api)).StatusCode);
        var (sellerPages, _) = await app.SignUpAsync("Curious Seller");
        foreach (var path in new[] { "/account/purchases", "/account/data.json" })
        {
            var answer = await sellerPages.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.Equal("/account", answer.Headers.Location!.OriginalString);
        }

        // Another kind of signed link (a download link from Ann's page) is no sign-in link.
        var download = Regex.Match(page.Html, "href=\"https?://[^/\"]+/d/([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(download);
        Assert.Equal(HttpStatusCode.NotFound, (await FormPage.GetAsync(app.CreateClient(), "/account/signin/" + download)).Status);
    }

    [Fact]
    public async Task One_sellers_erase_requests_are_not_anothers_to_see_or_confirm()
    {
        var mine = await DeliveryShop.PublishAsync(app, "Asked Studio");
        var theirs = await DeliveryShop.PublishAsync(app, "Other Asked Studio");
        var buyer = $"eraser-{Guid.NewGuid():N}@example.com";
        await mine.BuyAsync(app, buyer);
        await theirs.BuyAsync(app, buyer);
        var client = await BuyerAccounts.SignInAsync(app, _smtp, buyer);
        var page = await FormPage.GetAsync(client, "/account/purchases");
        await page.PostAsync(client, "/account/erase", ("SellerId", mine.SellerId.ToString()), ("Reason", "for mine"));
        await page.PostAsync(client, "/account/erase", ("SellerId", theirs.SellerId.ToString()), ("Reason", "for theirs"));
        var requests = await app.QueryAsync(db => db.BuyerEraseRequests.AsNoTracking().Where(r => r.Email == buyer).ToListAsync());
        Assert.Equal(2, requests.Count);
        var theirRequest = requests.Single(r => r.SellerId == theirs.SellerId);

        // Each seller's list holds its own request only.
        var myList = (await Buyer.ReadAsync(await mine.Api.GetAsync("/api/v1/seller/erase-requests"), HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal("for mine", Assert.Single(myList)!["reason"]!.GetValue<string>());
        Assert.Equal(theirRequest.Id, Assert.Single((await Buyer.ReadAsync(await theirs.Api.GetAsync("/api/v1/seller/erase-requests"), HttpStatusCode.OK))["items"]!.AsArray())!["id"]!.GetValue<Guid>());

        // The seller's page: lists its own; confirming the other seller's request is 404 and changes nothing.
        var pages = mine.Pages;
        var list = await FormPage.GetAsync(pages, "/seller/erase-requests");
        Assert.Contains("for mine", list.Html);
        Assert.DoesNotContain("for theirs", list.Html);
        var intrusion = await list.PostAsync(pages, "/seller/erase-requests?handler=confirm", ("requestId", theirRequest.Id.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, intrusion.StatusCode);
        Assert.Null((await app.QueryAsync(db => db.BuyerEraseRequests.AsNoTracking().SingleAsync(r => r.Id == theirRequest.Id))).ConfirmedAt);
        var own = await list.PostAsync(pages, "/seller/erase-requests?handler=confirm", ("requestId", requests.Single(r => r.SellerId == mine.SellerId).Id.ToString()));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("Erased", await own.Content.ReadAsStringAsync());
    }

    /// <summary>A second sign-in for the address, answered with the buyer's Set-Cookie.</summary>
    private async Task<HttpResponseMessage> SignInResponseAsync(string email)
    {
        await BuyerAccounts.AskForLinkAsync(app.CreateClient(), email);
        var link = BuyerAccounts.LinkIn((await BuyerAccounts.SignInMailsAsync(app, _smtp, email))[^1]);
        return await BuyerAccounts.UseLinkAsync(app.CreateClient(), link);
    }

    [GeneratedRegex("encore_buyer=([^;]+)")]
    private static partial Regex Cookie();
}

public sealed class BuyerIsolationTests_Sqlite(BuyerAccountSqliteApp app) : BuyerIsolationTests<BuyerAccountSqliteApp>(app);

public sealed class BuyerIsolationTests_Postgres(BuyerAccountPostgresApp app) : BuyerIsolationTests<BuyerAccountPostgresApp>(app);
