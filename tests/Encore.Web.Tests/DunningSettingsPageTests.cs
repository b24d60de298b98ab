using System.Net;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>The seller's failed-payment and reminder settings page: defaults, saving, refusing bad input, and dunning using what was saved.</summary>
public abstract class DunningSettingsPageTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private const string Url = "/seller/subscriptions/settings";

    private static async Task<HttpResponseMessage> SaveAsync(HttpClient pages, string retryDays, string afterLastRetry, string trial, string yearly)
    {
        var form = await FormPage.GetAsync(pages, Url);
        return await form.PostAsync(pages, Url,
            ("retryDays", retryDays), ("afterLastRetry", afterLastRetry), ("trialReminderDays", trial), ("yearlyReminderDays", yearly));
    }

    private Task<string> RowAsync(Guid sellerId) => app.QueryAsync(async db =>
        await db.DunningSettings.AsNoTracking().Where(d => d.SellerId == sellerId)
            .Select(d => $"{d.RetryDays} {d.PauseAfterLastRetry} {d.TrialReminderDays} {d.YearlyReminderDays}").SingleOrDefaultAsync() ?? "none");

    private async Task<(HttpClient Pages, Guid SellerId)> SellerAsync()
    {
        var (pages, email) = await app.SignUpAsync();
        return (pages, await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.SellerId).SingleAsync()));
    }

    [Fact]
    public async Task The_page_shows_the_defaults_saves_the_settings_and_saves_them_again()
    {
        var shop = await SellerAsync();
        var page = await FormPage.GetAsync(shop.Pages, Url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("1, 3, 5, 7", page.Value("retryDays"));
        Assert.Equal("3", page.Value("trialReminderDays"));
        Assert.Equal("30", page.Value("yearlyReminderDays"));
        Assert.Contains("value=\"cancel\" checked=\"checked\"", page.Html);
        Assert.Equal("none", await RowAsync(shop.SellerId));

        var saved = await SaveAsync(shop.Pages, " 2,4 , 9", "pause", "5", "14");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("2,4,9 True 5 14", await RowAsync(shop.SellerId));
        var shown = await FormPage.GetAsync(shop.Pages, saved.Headers.Location!.ToString());
        Assert.Contains("data-testid=\"saved\"", shown.Html);
        Assert.Equal("2, 4, 9", shown.Value("retryDays"));
        Assert.Contains("value=\"pause\" checked=\"checked\"", shown.Html);

        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(shop.Pages, "1", "cancel", "0", "0")).StatusCode);
        Assert.Equal("1 False 0 0", await RowAsync(shop.SellerId));

        var other = await SellerAsync();
        Assert.Equal("none", await RowAsync(other.SellerId));
        Assert.Equal("1, 3, 5, 7", (await FormPage.GetAsync(other.Pages, Url)).Value("retryDays"));
    }

    [Theory]
    [InlineData("5, 3", "cancel", "3", "30", "retryDays")]
    [InlineData("1, 3, x", "cancel", "3", "30", "retryDays")]
    [InlineData("0, 3", "cancel", "3", "30", "retryDays")]
    [InlineData("1, 61", "cancel", "3", "30", "retryDays")]
    [InlineData("1,2,3,4,5,6,7,8,9,10,11", "cancel", "3", "30", "retryDays")]
    [InlineData("", "cancel", "3", "30", "retryDays")]
    [InlineData("1, 3", "delete", "3", "30", "afterLastRetry")]
    [InlineData("1, 3", "cancel", "31", "30", "trialReminderDays")]
    [InlineData("1, 3", "cancel", "-1", "30", "trialReminderDays")]
    [InlineData("1, 3", "cancel", "3", "61", "yearlyReminderDays")]
    [InlineData("1, 3", "cancel", "3", "soon", "yearlyReminderDays")]
    public async Task Bad_settings_are_refused_with_a_readable_message_and_nothing_is_saved(
        string retryDays, string afterLastRetry, string trial, string yearly, string field)
    {
        var shop = await SellerAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(shop.Pages, "2, 4", "pause", "5", "14")).StatusCode);

        var response = await SaveAsync(shop.Pages, retryDays, afterLastRetry, trial, yearly);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Nothing was saved", html);
        Assert.Contains($"<code>{field}</code>", html);
        Assert.Equal("2,4 True 5 14", await RowAsync(shop.SellerId));
    }

    [Fact]
    public async Task A_declined_renewal_is_retried_on_the_days_saved_and_paused_after_the_last_retry_when_so_chosen()
    {
        var shop = await SellerSubscriptionShop.OpenAsync(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(shop.Pages, "2", "pause", "3", "30")).StatusCode);
        var id = await shop.SubscribeAsync(paymentMethod: SandboxTestCards.DeclinedOffSession);

        async Task BillAsync()
        {
            using var scope = app.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
        }

        app.Clock.Advance(TimeSpan.FromDays(32));
        await BillAsync();
        var failed = await app.QueryAsync(db => db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.Equal(Encore.Web.Data.Entities.SubscriptionStatus.PastDue, failed.Status);
        Assert.Equal(failed.DunningStartedAt!.Value.AddDays(2), failed.NextChargeAt);

        app.Clock.Advance(TimeSpan.FromDays(2));
        await BillAsync();
        var paused = await app.QueryAsync(db => db.Subscriptions.AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.Equal(Encore.Web.Data.Entities.SubscriptionStatus.Paused, paused.Status);
        Assert.Equal(2, paused.FailedAttempts);
    }
}

public sealed class SqliteDunningSettingsPageTests(SqliteApp app) : DunningSettingsPageTests<SqliteApp>(app);

public sealed class PostgresDunningSettingsPageTests(PostgresApp app) : DunningSettingsPageTests<PostgresApp>(app);
