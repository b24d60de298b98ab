using System.Text.RegularExpressions;
using Encore.Domain.Subscriptions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// A buyer's subscriptions in a real browser: a free-trial membership taken with one click, cancelled in two clicks
/// from the receipt, and a card replaced while a renewal is past due.
/// </summary>
public sealed class SubscriptionJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_buyer_starts_a_free_trial_with_one_click_and_only_the_course_is_charged_today()
    {
        var (page, errors) = await NewBuyerAsync();
        var email = UniqueEmail("circle");
        var started = Today();
        await page.GotoAsync("/f/calm-circle");
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("$47.00");
        await FillCheckoutAsync(page, email, "4242 4242 4242 4242");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/o/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Keep the calm going: try the Calm Circle membership free for 7 days" })).ToBeVisibleAsync();
        var disclosure = page.Locator("#disclosure");
        await Assertions.Expect(disclosure).ToContainTextAsync("nothing is charged today");
        await Assertions.Expect(disclosure).ToContainTextAsync(OneOf(started, Today(), d => $"the first charge is on {d.AddDays(7):yyyy-MM-dd}"));
        await Assertions.Expect(disclosure).ToContainTextAsync("Visa ending in 4242");
        await Screenshot(page, "subscription-offer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, start the 7-day free trial, then $29.00 every month" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
        await Screenshot(page, "subscription-receipt");
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$47.00");
        var subscriptions = page.GetByTestId("subscriptions");
        await Assertions.Expect(subscriptions).ToContainTextAsync("Calm Circle membership");
        await Assertions.Expect(subscriptions).ToContainTextAsync(OneOf(started, Today(), d => $"$0.00 today, then $29.00 monthly from {RecurringSchedule.Long(d.AddDays(7))}"));
        await Assertions.Expect(subscriptions.GetByRole(AriaRole.Link, new() { Name = "Manage or cancel" })).ToBeVisibleAsync();

        var subscription = await SubscriptionOfAsync(email);
        Assert.Equal((SubscriptionStatus.Trialing, "Calm Circle membership", 2900L, 0), (subscription.Status, subscription.ProductName, subscription.Amount, subscription.PaymentsMade));
        Assert.Equal(subscription.StartedAt.AddDays(7), subscription.NextChargeAt);
        // Today the checkout's $47.00 is the only money that moved: the trial's acceptance charged nothing.
        var orderId = subscription.OrderId;
        Assert.Equal([4700L], await QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId && c.Status == ChargeStatus.Succeeded && c.Amount > 0).Select(c => c.Amount).ToListAsync()));
        Assert.Empty(await QueryAsync(db => db.Charges.Where(c => c.SubscriptionId == subscription.Id).ToListAsync()));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_buyer_cancels_a_trial_in_two_clicks_from_the_receipt()
    {
        var (page, errors) = await NewBuyerAsync();
        var email = UniqueEmail("cancel");
        await BuyTrialMembershipAsync(page, email);
        var subscription = await SubscriptionOfAsync(email);
        var trialEnds = RecurringSchedule.Long(DateOnly.FromDateTime(subscription.CurrentPeriodEnd.UtcDateTime));

        await page.GetByTestId("subscriptions").GetByRole(AriaRole.Link, new() { Name = "Manage or cancel" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/s/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage your subscription" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync($"Free trial until {trialEnds}");
        await Assertions.Expect(page.GetByTestId("card")).ToHaveTextAsync("Visa ending in 4242");
        var manageUrl = page.Url;

        // First click: what would happen, and nothing changed yet.
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel subscription" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cancel-preview")).ToHaveTextAsync($"Nothing will be charged: your free trial ends on {trialEnds} and is not converted.");
        await Screenshot(page, "subscription-cancel-confirm");
        Assert.False((await SubscriptionOfAsync(email)).CancelAtPeriodEnd);
        // The same step left open in a second tab, as a buyer might.
        var staleTab = await page.Context.NewPageAsync();
        await staleTab.GotoAsync(page.Url);

        // Second click: cancelled.
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Cancelled. No further charges; access until {trialEnds}.");
        await Assertions.Expect(page.GetByTestId("next-charge")).ToHaveTextAsync("None: nothing more will be charged");
        await Screenshot(page, "subscription-cancelled");
        var cancelled = await SubscriptionOfAsync(email);
        Assert.True(cancelled.CancelAtPeriodEnd);
        Assert.Equal((SubscriptionStatus.Trialing, "buyer"), (cancelled.Status, cancelled.CancelReason));
        Assert.NotNull(cancelled.CanceledAt);

        // Reloading shows it cancelled, with nothing left to cancel; the stale tab's click changes nothing.
        await page.GotoAsync(manageUrl);
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync($"Free trial until {trialEnds} (cancelled: access until {trialEnds})");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cancel subscription" })).ToHaveCountAsync(0);
        await staleTab.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();
        await Assertions.Expect(staleTab.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"This subscription is already cancelled: nothing more will be charged, and access lasts until {trialEnds}.");

        var after = await SubscriptionOfAsync(email);
        Assert.Equal((true, cancelled.CanceledAt), (after.CancelAtPeriodEnd, after.CanceledAt));
        Assert.Equal(1, await QueryAsync(db => db.EmailMessages.CountAsync(m => m.SubscriptionId == subscription.Id && m.Kind == EmailKind.SubscriptionCanceled)));
        Assert.Empty(await QueryAsync(db => db.Charges.Where(c => c.SubscriptionId == subscription.Id).ToListAsync()));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_buyer_whose_renewal_is_declined_pays_what_is_due_by_updating_the_card()
    {
        var slug = await PublishMonthlyMainAsync();
        var (page, errors) = await NewBuyerAsync();
        var email = UniqueEmail("dunning");
        await page.GotoAsync($"/f/{slug}");
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("$19.00");
        await Assertions.Expect(page.Locator("[data-recurring-terms]")).ToContainTextAsync("$19.00 USD every month");
        // This Sandbox card pays at checkout and is declined for every later off-session charge.
        await FillCheckoutAsync(page, email, "4000 0000 0000 0416");
        await Assertions.Expect(page.GetByTestId("total-paid")).ToHaveTextAsync("$19.00");
        var subscription = await SubscriptionOfAsync(email);
        Assert.Equal((SubscriptionStatus.Active, 1), (subscription.Status, subscription.PaymentsMade));

        // The renewal falls due (the fixture runs on the system clock: the date is moved instead) and is declined.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
            var due = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.NextChargeAt, due));
            await scope.ServiceProvider.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
        }
        Assert.Equal(SubscriptionStatus.PastDue, (await SubscriptionOfAsync(email)).Status);

        // The buyer opens the link from the failed-payment mail.
        string link;
        using (var scope = app.Services.CreateScope())
            link = scope.ServiceProvider.GetRequiredService<ManageLinks>().UrlFor(subscription.Id);
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(page.GetByTestId("status")).ToContainTextAsync("Payment due");
        await Assertions.Expect(page.GetByTestId("card")).ToHaveTextAsync("Visa ending in 0416");
        await Screenshot(page, "subscription-past-due");

        var form = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Update your card" }) });
        await form.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await form.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await form.GetByLabel("Security code (CVC)").FillAsync("123");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save this card" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your Visa ending in 4242 is saved. What was due is now paid.");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Active");
        await Assertions.Expect(page.GetByTestId("card")).ToHaveTextAsync("Visa ending in 4242");
        await Screenshot(page, "subscription-recovered");

        var recovered = await SubscriptionOfAsync(email);
        Assert.Equal((SubscriptionStatus.Active, 2, 0, "4242"), (recovered.Status, recovered.PaymentsMade, recovered.FailedAttempts, recovered.CardLast4));
        var renewals = await QueryAsync(db => db.Charges.Where(c => c.SubscriptionId == subscription.Id).OrderBy(c => c.Attempt).ToListAsync());
        Assert.All(renewals, c => Assert.Equal((ChargeKind.Renewal, 1, 1900L), (c.Kind, c.PaymentIndex!.Value, c.Amount)));
        Assert.Equal([ChargeStatus.Failed, ChargeStatus.Succeeded], renewals.Select(c => c.Status));
        Assert.Empty(errors);
    }

    /// <summary>Pays for the course on the calm-circle funnel and takes the membership's free trial; ends on the receipt.</summary>
    private static async Task BuyTrialMembershipAsync(IPage page, string email)
    {
        await page.GotoAsync("/f/calm-circle");
        await FillCheckoutAsync(page, email, "4242 4242 4242 4242");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, start the 7-day free trial, then $29.00 every month" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you, your order is complete" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// A new seller (signed up in the browser, with an API key made on the keys page) publishes, through the seller API,
    /// a funnel whose main product is $19.00 every month; the demo funnels have no recurring main product.
    /// </summary>
    /// <summary>A new seller's funnel of one product, $19.00 a month (no trial), published; its slug.</summary>
    private Task<string> PublishMonthlyMainAsync() => app.PublishSubscriptionFunnelAsync("Calm Monthly", 1900, trialDays: 0);

    private static async Task FillCheckoutAsync(IPage page, string email, string card)
    {
        await page.GetByLabel("E-mail (for your receipt)").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Browser Buyer");
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/40");
        await page.GetByLabel("Security code (CVC)").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = BuyerJourneyTests.PayButton }).ClickAsync();
    }

    /// <summary>A new buyer's page, and the script errors its pages throw (a buyer's page should throw none).</summary>
    private async Task<(IPage Page, List<string> Errors)> NewBuyerAsync()
    {
        var page = await app.NewBuyerAsync();
        var errors = new List<string>();
        page.Context.Page += (_, opened) => opened.PageError += (_, error) => errors.Add($"{opened.Url}: {error}");
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");
        return (page, errors);
    }

    private Task<Subscription> SubscriptionOfAsync(string email) =>
        QueryAsync(db => db.Subscriptions.AsNoTracking().SingleAsync(s => s.Email == email));

    private async Task<T> QueryAsync<T>(Func<EncoreDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
    }

    private static string UniqueEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    private static DateOnly Today() => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The text for the day the test started or the day it reached this line (they differ only across midnight UTC).</summary>
    private static Regex OneOf(DateOnly first, DateOnly second, Func<DateOnly, string> text) =>
        new(string.Join("|", new[] { first, second }.Distinct().Select(d => Regex.Escape(text(d)))));

    private static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), FullPage = true });
}
