using System.Net;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>Checkout, one-click accept, seller sign-in and buyers' sign-in links are limited per client: 429 with Retry-After, and nothing done.</summary>
public abstract class RateLimitTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Past_the_limit_checkout_accept_and_sign_ins_answer_429_with_retry_after_and_do_nothing()
    {
        TestDatabase.EnsureAvailable(app.Kind);
        await using var database = await TestDatabase.CreateAsync(app.Kind);
        await using var limited = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ENCORE_DATABASE", database.ConnectionString);
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RateLimits:CheckoutPerMinute", "2");
            builder.UseSetting("Encore:RateLimits:AcceptPerMinute", "2");
            builder.UseSetting("Encore:RateLimits:SignInPerMinute", "2");
            builder.UseSetting("Encore:RateLimits:BuyerSignInPerMinute", "2");
        });
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var buyer = new Buyer(client);
        await buyer.CheckoutAsync();
        await new Buyer(client).CheckoutAsync();
        var third = await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "third@example.com", name = "Third", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
        });
        var problem = await Buyer.ProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem["code"]!.GetValue<string>());
        Assert.True(int.Parse(third.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        await using (var scope = limited.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
            Assert.Equal(0, await db.Orders.CountAsync(o => o.Email == "third@example.com"));
        }
        // Reading stays free.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/f/calm-your-anxiety")).StatusCode);

        var hash = await buyer.DisclosureHashAsync();
        await buyer.AcceptAsync(Guid.NewGuid(), hash); // two accept attempts (both refused for the step) use the window
        await buyer.AcceptAsync(Guid.NewGuid(), hash);
        var limitedAccept = await buyer.AcceptAsync(Buyer.OfferStep, hash);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedAccept.StatusCode);
        Assert.True(limitedAccept.Headers.Contains("Retry-After"));
        Assert.Equal(Buyer.OfferStep, (await buyer.GetOfferAsync())["step"]!["id"]!.GetValue<Guid>()); // still offered: nothing was charged

        for (var i = 0; i < 2; i++)
        {
            var page = await FormPage.GetAsync(client, "/seller/sign-in");
            await page.PostAsync(client, "/seller/sign-in", ("Email", "nobody@example.com"), ("Password", "wrong password!"));
        }
        var signIn = await FormPage.GetAsync(client, "/seller/sign-in");
        var blocked = await signIn.PostAsync(client, "/seller/sign-in", ("Email", "nobody@example.com"), ("Password", "wrong password!"));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Contains("Too many attempts", await blocked.Content.ReadAsStringAsync());
        Assert.True(blocked.Headers.Contains("Retry-After"));

        // Buyers' sign-in links: the e-mail form answers the same page twice, then 429, and no third link is written.
        var email = $"limited-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await BuyerAccounts.AskForLinkAsync(client, email)).Status);
        var buyerBlocked = await BuyerAccounts.AskForLinkAsync(client, email);
        Assert.Equal(HttpStatusCode.TooManyRequests, buyerBlocked.Status);
        Assert.Contains("Too many attempts", buyerBlocked.Html);
        await using (var scope = limited.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
            Assert.Equal(2, await db.BuyerSignInLinks.CountAsync(l => l.Email == email));
        }
    }
}

public sealed class RateLimitTests_Sqlite(SqliteApp app) : RateLimitTests<SqliteApp>(app);

public sealed class RateLimitTests_Postgres(PostgresApp app) : RateLimitTests<PostgresApp>(app);
