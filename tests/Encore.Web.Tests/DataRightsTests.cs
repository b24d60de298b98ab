using System.Net;
using System.Net.Http.Json;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Buyers;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Data rights (docs/data-rights.md): a seller exports and erases one buyer; what identifies the buyer goes, what the
/// books and a dispute need stays; a running subscription blocks it; consent evidence loses its addresses after the
/// seller's retention period.
/// </summary>
public abstract class DataRightsTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_seller_exports_then_erases_a_buyer_and_keeps_the_books_and_the_consent_hashes()
    {
        // An endpoint, so the sale writes webhook events whose payloads carry the buyer's address and name.
        var seller = await app.SignInAsDemoAsync();
        var hooks = await FormPage.GetAsync(seller, "/seller/webhooks");
        Assert.Equal(HttpStatusCode.OK, (await hooks.PostAsync(seller, "/seller/webhooks?handler=create", ("url", $"https://hooks.example/{Guid.NewGuid():N}"))).StatusCode);
        var email = $"Erase.Me-{Guid.NewGuid():N}@Example.com"; // as typed: mixed case
        var (orderId, consentHash) = await BuyWithOfferAsync(email, "Ella Erasable");
        var keep = $"keep-{Guid.NewGuid():N}@example.com";
        var (keptOrder, _) = await BuyWithOfferAsync(keep, "Kim Kept");
        var api = await Orders.DemoApiAsync(app);

        var export = await api.GetAsync($"/api/v1/seller/buyers/export?email={Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var exported = await export.Content.ReadAsStringAsync();
        Assert.Contains(orderId.ToString(), exported);
        Assert.Contains("Ella Erasable", exported);
        Assert.DoesNotContain(keptOrder.ToString(), exported);
        Assert.Contains("\"signInLinks\": []", exported); // not the seller's data

        var before = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.Charges).SingleAsync(o => o.Id == orderId));
        var erased = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email = email.ToUpperInvariant() }), HttpStatusCode.OK);
        var pseudonym = erased["pseudonym"]!.GetValue<string>();
        Assert.Matches("^erased-[0-9a-f]{12}@erased\\.invalid$", pseudonym);
        Assert.Equal(1, erased["orders"]!.GetValue<int>());

        var after = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.Charges).SingleAsync(o => o.Id == orderId));
        Assert.Equal((pseudonym, BuyerErasure.ErasedName), (after.Email, after.BuyerName));
        Assert.Equal(before.Lines.Select(l => (l.Name, l.Amount)), after.Lines.Select(l => (l.Name, l.Amount)));
        Assert.Equal(before.Charges.Select(c => (c.Amount, c.Status, c.CardLast4, c.GatewayPaymentId)), after.Charges.Select(c => (c.Amount, c.Status, c.CardLast4, c.GatewayPaymentId)));
        var consent = await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        Assert.Equal((consentHash, (string?)null, (string?)null), (consent.DisclosureSha256, consent.IpAddress, consent.UserAgent));
        var events = await app.QueryAsync(db => db.WebhookEvents.AsNoTracking().Where(e => e.OrderId == orderId).Select(e => e.Payload).ToListAsync());
        Assert.NotEmpty(events);
        Assert.All(events, payload => Assert.DoesNotContain(email, payload, StringComparison.OrdinalIgnoreCase));
        Assert.All(events, payload => Assert.DoesNotContain("Ella Erasable", payload));
        Assert.Contains(events, payload => payload.Contains(pseudonym));
        var mails = await app.QueryAsync(db => db.EmailMessages.AsNoTracking().Where(m => m.OrderId == orderId).ToListAsync());
        Assert.All(mails, m => Assert.True(m.TextBody is null && m.HtmlBody is null && (m.To is null || m.To == pseudonym)));
        Assert.Empty(await app.QueryAsync(db => db.Orders.Where(o => o.Email.ToLower() == email.ToLowerInvariant()).ToListAsync()));

        // The other buyer is untouched, and the erased address has nothing left to export or erase.
        var other = await app.QueryAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Id == keptOrder));
        Assert.Equal((keep, "Kim Kept"), (other.Email, other.BuyerName));
        Assert.NotNull((await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == keptOrder))).UserAgent);
        Assert.DoesNotContain(orderId.ToString(), await (await api.GetAsync($"/api/v1/seller/buyers/export?email={Uri.EscapeDataString(email)}")).Content.ReadAsStringAsync());
        await Buyer.ProblemAsync(await api.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_seller_cannot_export_or_erase_the_demo_sellers_buyer()
    {
        var email = $"mine-{Guid.NewGuid():N}@example.com";
        var (orderId, _) = await BuyWithOfferAsync(email, "Mo Mine");
        var stranger = await app.NewSellerApiAsync();
        Assert.DoesNotContain(orderId.ToString(), await (await stranger.GetAsync($"/api/v1/seller/buyers/export?email={email}")).Content.ReadAsStringAsync());
        await Buyer.ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email }), HttpStatusCode.NotFound);
        Assert.Equal(email, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Email).SingleAsync()));
    }

    [Fact]
    public async Task A_buyer_whose_subscription_still_runs_is_not_erased_and_nothing_changes()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (2900, new { interval = "month", intervalCount = 1, trialDays = 7 }));
        var email = $"member-{Guid.NewGuid():N}@example.com";
        var orderId = (await shop.CheckoutAsync(app.CreateClient(), email: email))["orderId"]!.GetValue<Guid>();
        var problem = await Buyer.ProblemAsync(await shop.Api.PostAsJsonAsync("/api/v1/seller/buyers/erase", new { email }), HttpStatusCode.Conflict);
        Assert.Equal("subscription_running", problem["code"]!.GetValue<string>());
        Assert.Equal(email, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Email).SingleAsync()));
    }

    [Fact]
    public async Task Consent_records_lose_the_address_and_browser_after_the_sellers_retention_and_not_before()
    {
        var (oldOrder, oldHash) = await BuyWithOfferAsync($"old-{Guid.NewGuid():N}@example.com", "Olga Old");
        // As if agreed 541 days ago: past the default 540.
        var longAgo = DateTimeOffset.UtcNow.AddDays(-541);
        await app.QueryAsync(db => db.ConsentRecords.Where(c => c.OrderId == oldOrder).ExecuteUpdateAsync(s => s.SetProperty(c => c.AgreedAt, longAgo)));
        var (newOrder, _) = await BuyWithOfferAsync($"new-{Guid.NewGuid():N}@example.com", "Nell New");

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ConsentRetention>().RunOnceAsync(CancellationToken.None) >= 1);
        var old = await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == oldOrder));
        Assert.Equal(((string?)null, (string?)null, oldHash), (old.IpAddress, old.UserAgent, old.DisclosureSha256));
        Assert.NotNull((await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == newOrder))).UserAgent);

        // The seller shortens it on the page: the newer one is cleared at the next run once it is past that too.
        var seller = await app.SignInAsDemoAsync();
        var page = await FormPage.GetAsync(seller, "/seller/erase-requests");
        var refused = await page.PostAsync(seller, "/seller/erase-requests?handler=retention", ("days", "7"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var saved = await page.PostAsync(seller, "/seller/erase-requests?handler=retention", ("days", "120"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(120, await app.QueryAsync(db => db.Sellers.Where(s => s.Id == Encore.Web.Data.DemoSeed.SellerId).Select(s => s.ConsentRetentionDays).SingleAsync()));
    }

    /// <summary>The demo funnel bought through the API with a unique address, its offer accepted (a consent record with the browser).</summary>
    private async Task<(Guid OrderId, string ConsentHash)> BuyWithOfferAsync(string email, string name)
    {
        var buyer = new Buyer(app.CreateClient());
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(buyer.Client, new
        {
            funnel = Buyer.Funnel, email, name, paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
        }), HttpStatusCode.Created);
        buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
        var hash = await buyer.DisclosureHashAsync();
        await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, userAgent: "DataRightsTest/1.0"), HttpStatusCode.OK);
        await app.SendEmailsAsync();
        return (checkout["orderId"]!.GetValue<Guid>(), hash);
    }
}

public sealed class DataRightsTests_Sqlite(SqliteApp app) : DataRightsTests<SqliteApp>(app);

public sealed class DataRightsTests_Postgres(PostgresApp app) : DataRightsTests<PostgresApp>(app);
