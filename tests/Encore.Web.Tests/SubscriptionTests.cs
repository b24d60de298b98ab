using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// Recurring billing keeps every word of the disclosure: a trial charges nothing until its stated date, then once per
/// period; a plan stops after its last payment; nothing is charged after a cancel; a failed renewal is retried and
/// recovered by a new card. Each test reads what the buyer was told and checks the charges against it.
/// </summary>
public abstract partial class SubscriptionTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static readonly object MonthlyTrial = new { interval = "month", intervalCount = 1, trialDays = 7 };

    [Fact]
    public async Task A_trial_offer_charges_nothing_today_then_once_on_the_disclosed_date_and_monthly_until_cancelled_through_the_mail_link()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (4700, null), (2900, MonthlyTrial, SubscriptionShop.MonthlyTrialTerms));
        var client = app.CreateClient();
        var checkout = await shop.CheckoutAsync(client);
        var buyer = new Buyer(client);
        buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
        var orderId = checkout["orderId"]!.GetValue<Guid>();

        var offer = await buyer.GetOfferAsync();
        var disclosure = offer["step"]!["disclosure"]!["text"]!.GetValue<string>();
        Assert.Contains("nothing is charged today", disclosure);
        var firstDate = DateOnly.ParseExact(FirstCharge().Match(disclosure).Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(7), firstDate);

        var accepted = await buyer.AcceptCurrentAsync(offer["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal("accepted", accepted["outcome"]!.GetValue<string>());
        Assert.Equal(0, accepted["charge"]!["amount"]!["amount"]!.GetValue<long>());
        var subscription = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal(SubscriptionStatus.Trialing, subscription.Status);
        Assert.Equal(firstDate, DateOnly.FromDateTime(subscription.NextChargeAt!.Value.UtcDateTime));
        // Today: the checkout's $47.00 is the only money that moved for this order.
        Assert.Equal([4700L], await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId && c.Status == ChargeStatus.Succeeded && c.Amount > 0).Select(c => c.Amount).ToListAsync()));

        // The day before the disclosed date: nothing.
        app.Clock.Advance(TimeSpan.FromDays(6));
        await SubscriptionShop.BillAsync(app);
        Assert.Empty(await SubscriptionShop.RenewalsAsync(app, subscription.Id));

        // The disclosed date: $29.00 once, under the period's key; billing again changes nothing.
        app.Clock.Advance(TimeSpan.FromDays(1));
        await SubscriptionShop.BillAsync(app);
        await SubscriptionShop.BillAsync(app);
        var renewals = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        var first = Assert.Single(renewals);
        Assert.Equal((2900L, ChargeStatus.Succeeded, $"encore:renewal:{subscription.Id:N}:0"), (first.Amount, first.Status, first.IdempotencyKey));
        Assert.Equal(firstDate, DateOnly.FromDateTime(first.CreatedAt.UtcDateTime));
        Assert.Equal(SubscriptionStatus.Active, (await shop.SubscriptionOfAsync(orderId)).Status);

        // A month later, once more.
        app.Clock.Advance(TimeSpan.FromDays(31));
        await SubscriptionShop.BillAsync(app);
        renewals = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        Assert.Equal([0, 1], renewals.Select(c => c.PaymentIndex!.Value));
        Assert.All(renewals, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.Equal(2, (await SubscriptionShop.GatewayRenewalKeysAsync(app, subscription.Id)).Count);
        // Each renewal has its own paid order with one line for it.
        var renewalOrders = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Lines).Where(o => o.SubscriptionId == subscription.Id).ToListAsync());
        Assert.Equal(2, renewalOrders.Count);
        Assert.All(renewalOrders, o => Assert.Equal((OrderStatus.Paid, 2900L), (o.Status, Assert.Single(o.Lines).Amount)));

        // The renewal receipt mail carries the manage link; two clicks cancel at the period's end.
        var mail = await app.QueryAsync(db => db.EmailMessages.AsNoTracking().CountAsync(m => m.SubscriptionId == subscription.Id && m.Kind == EmailKind.RenewalReceipt));
        Assert.Equal(2, mail);
        var link = ManageLink(subscription.Id);
        var page = await FormPage.GetAsync(client, link);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("$29.00 on", page.Html);
        var preview = await FormPage.GetAsync(client, link + "?step=cancel");
        Assert.Contains("No further charges; access until", preview.Html);
        Assert.Equal(SubscriptionStatus.Active, (await shop.SubscriptionOfAsync(orderId)).Status); // the first click changes nothing
        var confirmed = await preview.PostAsync(client, link + "?handler=Cancel");
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Cancelled. No further charges", await confirmed.Content.ReadAsStringAsync());
        var cancelled = await shop.SubscriptionOfAsync(orderId);
        Assert.True(cancelled.CancelAtPeriodEnd);

        // Cancelling again is answered and changes nothing.
        var again = await (await FormPage.GetAsync(client, link)).PostAsync(client, link + "?handler=Cancel");
        Assert.Contains("already cancelled", await again.Content.ReadAsStringAsync());

        // Never charged again, whatever billing runs later.
        for (var month = 0; month < 3; month++)
        {
            app.Clock.Advance(TimeSpan.FromDays(31));
            await SubscriptionShop.BillAsync(app);
        }
        Assert.Equal(2, (await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Count);
        Assert.Equal(SubscriptionStatus.Canceled, (await shop.SubscriptionOfAsync(orderId)).Status);
        Assert.Equal(2, (await SubscriptionShop.GatewayRenewalKeysAsync(app, subscription.Id)).Count);
    }

    [Fact]
    public async Task A_recurring_main_product_needs_stated_terms_to_publish_and_the_checkout_shows_and_records_them()
    {
        var api = await app.NewSellerApiAsync();
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products",
            new { name = "Calm Club", description = "A live session every week.", topics = new[] { "anxiety" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var price = (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount = 2900, currency = "USD", recurring = new { interval = "month", intervalCount = 1, trialDays = 0 } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var slug = "club-" + Guid.NewGuid().ToString("N")[..10];
        var funnel = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels",
            new { name = "Calm Club", slug, windowMinutes = 30, main = new { priceId = price, terms = "Join the club!" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        // Terms that leave out the amount, the interval, the first charge and how to cancel block publishing.
        var refused = await Buyer.ProblemAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnel}/publish", null), (HttpStatusCode)422);
        var finding = Assert.Single(refused["findings"]!.AsArray(), f => f!["code"]!.GetValue<string>() == "recurring-terms-missing")!;
        Assert.StartsWith("The main product \"Calm Club\" is charged $29.00 every month", finding["message"]!.GetValue<string>());
        await Buyer.ReadAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.NotFound);

        const string terms = "$29.00 every month, first charged today; cancel any time with the link in your receipt.";
        await Buyer.ReadAsync(await api.PutAsJsonAsync($"/api/v1/seller/funnels/{funnel}/draft",
            new { name = "Calm Club", slug, windowMinutes = 30, main = new { priceId = price, terms } }), HttpStatusCode.OK);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnel}/publish", null), HttpStatusCode.OK);

        // The buyer API and the page show the same words next to the Pay button: Encore's schedule, then the seller's terms.
        var client = app.CreateClient();
        var live = await Buyer.ReadAsync(await client.GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.OK);
        Assert.Equal(terms, live["main"]!["terms"]!.GetValue<string>());
        var disclosure = live["main"]!["disclosure"]!;
        Assert.EndsWith($"'s terms for \"Calm Club\": {terms}", disclosure["text"]!.GetValue<string>());
        Assert.Contains("charge it $29.00 USD today", disclosure["text"]!.GetValue<string>());
        var page = await FormPage.GetAsync(client, $"/f/{slug}");
        Assert.Contains(disclosure["text"]!.GetValue<string>(), WebUtility.HtmlDecode(page.Html));

        // The consent record keeps exactly those words.
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, new
        {
            funnel = slug, email = "club@example.com", name = "Ann Buyer", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false,
        }), HttpStatusCode.Created);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        var consent = await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        Assert.Equal((disclosure["text"]!.GetValue<string>(), disclosure["sha256"]!.GetValue<string>()), (consent.DisclosureText, consent.DisclosureSha256));
    }

    [Fact]
    public async Task Terms_shown_before_midnight_and_paid_after_it_are_shown_again_with_the_new_dates_and_nothing_is_charged()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (2900, MonthlyTrial));
        var client = app.CreateClient();
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(now.Date.AddDays(1).AddSeconds(-30) - now.UtcDateTime); // 23:59:30 UTC
        var page = await FormPage.GetAsync(client, $"/f/{shop.Slug}");
        var shownBefore = page.Value("Input.Terms");
        var email = $"midnight-{Guid.NewGuid():N}@example.com";
        (string, string)[] Fields(FormPage form) => [("Input.CheckoutKey", form.Value("Input.CheckoutKey")), ("Input.Version", form.Value("Input.Version")),
            ("Input.Terms", form.Value("Input.Terms")), ("Input.Email", email), ("Input.Name", "Nia Night"), ("Input.CardNumber", "4242424242424242"),
            ("Input.Expiry", "12/40"), ("Input.Cvc", "123")];

        app.Clock.Advance(TimeSpan.FromMinutes(1)); // the trial now ends a day later than the page said
        var refused = await page.PostAsync(client, $"/f/{shop.Slug}", Fields(page));
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("The terms for Calm Course changed since the page was shown", html);
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));

        // The page shows today's words; paying on them records exactly those.
        page = new FormPage(refused.StatusCode, await refused.Content.ReadAsStringAsync());
        Assert.NotEqual(shownBefore, page.Value("Input.Terms"));
        var placed = await page.PostAsync(client, $"/f/{shop.Slug}", Fields(page));
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        var consent = await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => db.Orders.Any(o => o.Id == c.OrderId && o.Email == email)));
        Assert.Equal(page.Value("Input.Terms"), consent.DisclosureSha256);
    }

    [Fact]
    public async Task An_api_checkout_naming_terms_other_than_todays_is_refused_and_changes_nothing()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (2900, MonthlyTrial));
        var client = app.CreateClient();
        var live = await Buyer.ReadAsync(await client.GetAsync($"/api/v1/funnels/{shop.Slug}"), HttpStatusCode.OK);
        var sha256 = live["main"]!["disclosure"]!["sha256"]!.GetValue<string>();
        object Body(string email, string[] terms) => new
        {
            funnel = shop.Slug, email, name = "Ann Buyer", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false, termsSha256 = terms,
        };

        var stale = $"stale-{Guid.NewGuid():N}@example.com";
        var problem = await Buyer.ProblemAsync(await Buyer.PostCheckoutAsync(client, Body(stale, [new string('0', 64)])), HttpStatusCode.BadRequest);
        Assert.Contains("The terms for Calm Course changed", problem["errors"]!["terms"]![0]!.GetValue<string>());
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == stale)));

        var placed = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(client, Body($"fresh-{Guid.NewGuid():N}@example.com", [sha256])), HttpStatusCode.Created);
        var orderId = placed["orderId"]!.GetValue<Guid>();
        Assert.Equal(sha256, (await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == orderId))).DisclosureSha256);
    }

    [Fact]
    public async Task A_three_payment_plan_charges_today_then_monthly_and_stops_after_the_third()
    {
        var plan = new { interval = "month", intervalCount = 1, trialDays = 0, payments = 3 };
        var shop = await SubscriptionShop.PublishAsync(app, (3300, plan));
        var client = app.CreateClient();

        // The checkout page says it next to the Pay button, in full.
        var page = await FormPage.GetAsync(client, $"/f/{shop.Slug}");
        Assert.Contains("3 payments of $33.00 USD every month ($99.00 USD in all)", WebUtility.HtmlDecode(page.Html));

        var checkout = await shop.CheckoutAsync(client);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        Assert.Equal(3300, checkout["total"]!["amount"]!.GetValue<long>());
        var consent = await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().SingleAsync(c => c.OrderId == orderId));
        Assert.Contains("nothing is charged after that", consent.DisclosureText);
        Assert.NotNull(consent.OrderLineId);
        var subscription = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.Active, 1, 3), (subscription.Status, subscription.PaymentsMade, subscription.Payments!.Value));
        Assert.Equal(consent.Id, subscription.ConsentRecordId);

        for (var month = 0; month < 5; month++)
        {
            app.Clock.Advance(TimeSpan.FromDays(31));
            await SubscriptionShop.BillAsync(app);
        }
        var renewals = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        Assert.Equal([1, 2], renewals.Select(c => c.PaymentIndex!.Value));
        var ended = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.Ended, 3, (DateTimeOffset?)null), (ended.Status, ended.PaymentsMade, ended.NextChargeAt));
        // 3 payments of $33.00: $99.00 in all, exactly as disclosed.
        var paid = await app.QueryAsync(db => db.Charges.Where(c => c.Status == ChargeStatus.Succeeded && (c.OrderId == orderId || c.SubscriptionId == subscription.Id)).SumAsync(c => c.Amount));
        Assert.Equal(9900, paid);
    }

    [Fact]
    public async Task A_trial_main_product_saves_the_card_without_charging_and_the_receipt_says_what_comes_next()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (2900, MonthlyTrial));
        var client = app.CreateClient();
        var checkout = await shop.CheckoutAsync(client);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        Assert.Equal(0, checkout["total"]!["amount"]!.GetValue<long>());
        var order = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Charges).SingleAsync(o => o.Id == orderId));
        Assert.Equal(OrderStatus.Paid, order.Status);
        var setup = Assert.Single(order.Charges);
        Assert.Equal((0L, ChargeStatus.Succeeded), (setup.Amount, setup.Status));
        var subscription = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal(SubscriptionStatus.Trialing, subscription.Status);

        var firstDay = Encore.Domain.Subscriptions.RecurringSchedule.Long(DateOnly.FromDateTime(subscription.FirstPaymentAt.UtcDateTime));
        var receipt = await FormPage.GetAsync(client, checkout["receiptUrl"]!.GetValue<string>());
        Assert.Contains($"$0.00 today, then $29.00 monthly from {firstDay}", WebUtility.HtmlDecode(receipt.Html));

        // The reminder goes out three days before the trial converts, once.
        app.Clock.Advance(TimeSpan.FromDays(4) + TimeSpan.FromHours(1));
        await SubscriptionShop.BillAsync(app);
        await SubscriptionShop.BillAsync(app);
        Assert.Equal(1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.SubscriptionId == subscription.Id && m.Kind == EmailKind.TrialReminder)));
        Assert.Empty(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
    }

    [Fact]
    public async Task A_declined_renewal_is_retried_on_schedule_and_recovered_at_once_by_a_new_card()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1900, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var client = app.CreateClient();
        // This test card pays at checkout and is declined for every later off-session charge.
        var checkout = await shop.CheckoutAsync(client, SandboxTestCards.DeclinedOffSession);
        var orderId = checkout["orderId"]!.GetValue<Guid>();
        var subscription = await shop.SubscriptionOfAsync(orderId);

        app.Clock.Advance(TimeSpan.FromDays(31));
        var declinedAt = app.Clock.GetUtcNow();
        await SubscriptionShop.BillAsync(app);
        var pastDue = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.PastDue, 1, "generic_decline"), (pastDue.Status, pastDue.FailedAttempts, pastDue.LastDeclineCode));
        Assert.Equal(declinedAt.AddDays(1), pastDue.NextChargeAt!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal(1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.SubscriptionId == subscription.Id && m.Kind == EmailKind.PaymentFailed)));

        // Not before the retry's day; on it, the second attempt under its own key.
        await SubscriptionShop.BillAsync(app);
        Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
        app.Clock.Advance(TimeSpan.FromDays(1));
        await SubscriptionShop.BillAsync(app);
        var attempts = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        Assert.Equal([1, 2], attempts.Select(c => c.Attempt!.Value));
        Assert.Equal($"encore:renewal:{subscription.Id:N}:1:retry1", attempts[1].IdempotencyKey);
        Assert.Equal(declinedAt.AddDays(3), (await shop.SubscriptionOfAsync(orderId)).NextChargeAt!.Value, TimeSpan.FromMinutes(1));

        // The buyer updates the card from the mail's link: what is due is charged at once, on the new card.
        var link = ManageLink(subscription.Id);
        var page = await FormPage.GetAsync(client, link);
        var updated = await page.PostAsync(client, link + "?handler=Card", ("CardNumber", "4242 4242 4242 4242"), ("Expiry", "12/40"), ("Cvc", "123"), ("CardKey", page.Value("CardKey")));
        Assert.Contains("What was due is now paid", WebUtility.HtmlDecode(await updated.Content.ReadAsStringAsync()));
        var recovered = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal((SubscriptionStatus.Active, 2, 0, "4242"), (recovered.Status, recovered.PaymentsMade, recovered.FailedAttempts, recovered.CardLast4));
        attempts = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        Assert.Equal([ChargeStatus.Failed, ChargeStatus.Failed, ChargeStatus.Succeeded], attempts.Select(c => c.Status));
        Assert.Equal(OrderStatus.Paid, await app.QueryAsync(db => db.Orders.Where(o => o.SubscriptionId == subscription.Id && o.PaymentIndex == 1).Select(o => o.Status).SingleAsync()));
        // The next payment keeps the schedule's anchor, not the day of recovery.
        Assert.Equal(subscription.Recurrence.PaymentDue(subscription.FirstPaymentAt, 2), recovered.NextChargeAt);
    }

    [Fact]
    public async Task Soft_declines_end_in_cancellation_after_the_last_retry_and_nothing_is_charged_after()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1900, new { interval = "week", intervalCount = 1, trialDays = 0 }));
        var checkout = await shop.CheckoutAsync(app.CreateClient(), SandboxTestCards.DeclinedOffSession);
        var subscription = await shop.SubscriptionOfAsync(checkout["orderId"]!.GetValue<Guid>());
        for (var day = 0; day < 30; day++)
        {
            app.Clock.Advance(TimeSpan.FromDays(1));
            await SubscriptionShop.BillAsync(app);
        }
        var attempts = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
        // The first attempt and the default retries after 1, 3, 5 and 7 days: five in all, then no more.
        Assert.Equal([1, 2, 3, 4, 5], attempts.Select(c => c.Attempt!.Value));
        Assert.All(attempts, c => Assert.Equal(ChargeStatus.Failed, c.Status));
        var ended = await shop.SubscriptionOfAsync(subscription.OrderId);
        Assert.Equal((SubscriptionStatus.Canceled, "failed_payment"), (ended.Status, ended.CancelReason));
    }

    [Fact]
    public async Task A_hard_decline_is_never_retried_and_ends_the_subscription()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1900, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var checkout = await shop.CheckoutAsync(app.CreateClient());
        var subscription = await shop.SubscriptionOfAsync(checkout["orderId"]!.GetValue<Guid>());
        app.Clock.Advance(TimeSpan.FromDays(31));
        // The renewal is recorded and its answer is lost; the gateway's answer, when it comes, is a stolen card.
        app.Faults.OffSessionFault = ChargeFault.NeverReached;
        try { await SubscriptionShop.BillAsync(app); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        var open = Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Encore.Web.Payments.Charges>().ApplyAsync(open, new Encore.Web.Payments.PaymentResult
            {
                PaymentId = "", Status = Encore.Web.Payments.PaymentStatus.Failed, Amount = open.Amount, Currency = open.Currency, DeclineCode = "stolen_card",
            }, CancellationToken.None);
        }
        var ended = await shop.SubscriptionOfAsync(subscription.OrderId);
        Assert.Equal((SubscriptionStatus.Canceled, "failed_payment", (DateTimeOffset?)null), (ended.Status, ended.CancelReason, ended.NextChargeAt));
        for (var day = 0; day < 10; day++)
        {
            app.Clock.Advance(TimeSpan.FromDays(1));
            await SubscriptionShop.BillAsync(app);
        }
        Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
    }

    [Fact]
    public async Task Concurrent_billing_runs_charge_each_due_period_once()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "day", intervalCount = 1, trialDays = 0 }));
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add((await shop.SubscriptionOfAsync((await shop.CheckoutAsync(app.CreateClient(), email: $"buyer{i}@example.com"))["orderId"]!.GetValue<Guid>())).Id);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SubscriptionShop.BillAsync(app))));
        foreach (var id in ids)
        {
            Assert.Equal(ChargeStatus.Succeeded, Assert.Single(await SubscriptionShop.RenewalsAsync(app, id)).Status);
            Assert.Single(await SubscriptionShop.GatewayRenewalKeysAsync(app, id));
        }
    }

    [Fact]
    public async Task Renewals_claimed_together_are_each_settled_by_their_own_answer()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        // Four buyers whose cards answer their renewal differently: paid, declined, the bank asks for the buyer, no funds.
        (string Card, string? Later)[] cards =
        [
            (SandboxTestCards.Visa, null), (SandboxTestCards.DeclinedOffSession, null),
            (SandboxTestCards.Visa, SandboxTestCards.AuthenticationRequired), (SandboxTestCards.Visa, SandboxTestCards.InsufficientFunds),
        ];
        var subscriptions = new List<Subscription>();
        for (var i = 0; i < cards.Length; i++)
        {
            var subscription = await shop.SubscriptionOfAsync((await shop.CheckoutAsync(app.CreateClient(), cards[i].Card, $"together{i}@example.com"))["orderId"]!.GetValue<Guid>());
            // What happens to a card after checkout: the bank now asks for authentication, or the account ran dry.
            if (cards[i].Later is { } later)
                await app.QueryAsync(db => db.SandboxPaymentMethods.Where(m => m.Id == subscription.PaymentMethodId)
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.TestMethod, later)));
            subscriptions.Add(subscription);
        }
        app.Clock.Advance(TimeSpan.FromDays(31));
        var due = await app.QueryAsync(db => db.Subscriptions.AsNoTracking().Where(s => subscriptions.Select(x => x.Id).Contains(s.Id)).ToListAsync());

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(4, await scope.ServiceProvider.GetRequiredService<BillingRun>().RenewTogetherAsync(due));

        var renewals = new List<Charge>();
        foreach (var subscription in subscriptions) renewals.Add(Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)));
        Assert.Equal([ChargeStatus.Succeeded, ChargeStatus.Failed, ChargeStatus.RequiresAction, ChargeStatus.Failed], renewals.Select(c => c.Status));
        Assert.Equal([null, "generic_decline", null, "insufficient_funds"], renewals.Select(c => c.DeclineCode));
        Assert.NotNull(renewals[2].ActionUrl);
        var after = new List<Subscription>();
        foreach (var subscription in subscriptions) after.Add(await shop.SubscriptionOfAsync(subscription.OrderId));
        Assert.Equal([SubscriptionStatus.Active, SubscriptionStatus.PastDue, SubscriptionStatus.PastDue, SubscriptionStatus.PastDue], after.Select(s => s.Status));
        Assert.Equal([2, 1, 1, 1], after.Select(s => s.NextPayment));
        Assert.Equal([0, 1, 0, 1], after.Select(s => s.FailedAttempts));
        Assert.All(after, s => Assert.Null(s.LockedUntil));
        // Each buyer told what happened to them, once: a receipt, a failed payment, the bank's link, a failed payment.
        EmailKind[] told = [EmailKind.RenewalReceipt, EmailKind.PaymentFailed, EmailKind.AuthenticationNeeded, EmailKind.PaymentFailed];
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var id = subscriptions[i].Id;
            var kinds = await app.QueryAsync(db => db.EmailMessages.Where(m => m.SubscriptionId == id).Select(m => m.Kind).ToListAsync());
            Assert.Equal(told[i], Assert.Single(kinds));
        }
        var orders = await app.QueryAsync(db => db.Orders.AsNoTracking().Where(o => renewals.Select(c => c.OrderId).Contains(o.Id)).ToDictionaryAsync(o => o.Id));
        Assert.Equal([OrderStatus.Paid, OrderStatus.PaymentFailed, OrderStatus.Pending, OrderStatus.PaymentFailed], renewals.Select(c => orders[c.OrderId].Status));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => renewals.Select(c => c.Id).Contains(l.ChargeId))));
        // At the gateway: one payment made, under the paid renewal's key.
        Assert.Equal([renewals[0].IdempotencyKey], await SubscriptionShop.GatewayRenewalKeysAsync(app, subscriptions[0].Id));
        Assert.Empty(await SubscriptionShop.GatewayRenewalKeysAsync(app, subscriptions[1].Id));
    }

    [Fact]
    public async Task Renewals_claimed_together_where_one_payment_is_already_recorded_are_renewed_one_by_one_and_that_one_not_at_all()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var subscriptions = new List<Subscription>();
        for (var i = 0; i < 3; i++)
            subscriptions.Add(await shop.SubscriptionOfAsync((await shop.CheckoutAsync(app.CreateClient(), email: $"again{i}@example.com"))["orderId"]!.GetValue<Guid>()));
        app.Clock.Advance(TimeSpan.FromDays(31));
        // Another writer's charge for the last one's payment 1, attempt 1, settled and not open: the chunk's recording
        // transaction is refused by the charges' unique key as a whole.
        var stray = subscriptions[2];
        await app.QueryAsync(async db =>
        {
            db.Charges.Add(new Charge
            {
                Id = Guid.CreateVersion7(), OrderId = stray.OrderId, Kind = ChargeKind.Renewal, SubscriptionId = stray.Id, PaymentIndex = 1, Attempt = 1,
                Amount = 1500, Currency = "USD", IdempotencyKey = $"stray:{stray.Id:N}", Status = ChargeStatus.Failed, CreatedAt = app.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        var due = await app.QueryAsync(db => db.Subscriptions.AsNoTracking().Where(s => subscriptions.Select(x => x.Id).Contains(s.Id)).ToListAsync());

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<BillingRun>().RenewTogetherAsync(due));

        foreach (var paid in subscriptions.Take(2))
        {
            Assert.Equal(ChargeStatus.Succeeded, Assert.Single(await SubscriptionShop.RenewalsAsync(app, paid.Id)).Status);
            Assert.Single(await SubscriptionShop.GatewayRenewalKeysAsync(app, paid.Id));
            Assert.Equal(2, (await shop.SubscriptionOfAsync(paid.OrderId)).NextPayment);
            Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.SubscriptionId == paid.Id && o.PaymentIndex == 1)));
        }
        // The refused one: nothing charged, no renewal order, its payment still due and not held by a lease.
        Assert.Equal("stray:" + stray.Id.ToString("N"), Assert.Single(await SubscriptionShop.RenewalsAsync(app, stray.Id)).IdempotencyKey);
        Assert.Empty(await SubscriptionShop.GatewayRenewalKeysAsync(app, stray.Id));
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.SubscriptionId == stray.Id && o.PaymentIndex == 1)));
        var left = await shop.SubscriptionOfAsync(stray.OrderId);
        Assert.Equal((1, SubscriptionStatus.Active), (left.NextPayment, left.Status));
        Assert.Equal(stray.LockedUntil, left.LockedUntil);
    }

    [Fact]
    public async Task A_chunk_whose_gateway_stalls_ends_its_calls_at_one_time_out_and_the_reconciler_retries_them_once_each()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var subscriptions = new List<Subscription>();
        for (var i = 0; i < 3; i++)
            subscriptions.Add(await shop.SubscriptionOfAsync((await shop.CheckoutAsync(app.CreateClient(), email: $"stall{i}@example.com"))["orderId"]!.GetValue<Guid>()));
        app.Clock.Advance(TimeSpan.FromDays(31));
        var due = await app.QueryAsync(db => db.Subscriptions.AsNoTracking().Where(s => subscriptions.Select(x => x.Id).Contains(s.Id)).ToListAsync());

        // The gateway hangs on every renewal: the chunk's calls share one deadline, the single call's time-out, so the
        // run ends with every charge recorded as unknown (the calls never made too) instead of waiting call after call.
        app.Faults.OffSessionFault = ChargeFault.Stalls;
        var stalledBefore = app.Faults.Stalled;
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var run = scope.ServiceProvider.GetRequiredService<BillingRun>();
            var renewing = run.RenewTogetherAsync(due);
            var waitedFor = System.Diagnostics.Stopwatch.StartNew();
            while (app.Faults.Stalled - stalledBefore < Math.Min(run.CallsPerChunk, due.Count) && waitedFor.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
            Assert.False(renewing.IsCompleted);
            app.Clock.Advance(Encore.Web.Payments.GatewayCalls.Timeout);
            Assert.Equal(3, await renewing.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        foreach (var subscription in subscriptions)
        {
            Assert.Equal(ChargeStatus.Unknown, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
            Assert.Empty(await SubscriptionShop.GatewayRenewalKeysAsync(app, subscription.Id));
        }

        // The reconciler finds no payment under any of the keys: never received, so each payment is attempted again at
        // once under its next key, without a failed-payment mail, and charged once.
        await app.ReconcileAsync();
        foreach (var subscription in subscriptions)
        {
            var first = Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
            Assert.Equal((ChargeStatus.Failed, Encore.Web.Payments.GatewayCalls.NotReceived), (first.Status, first.DeclineCode));
        }
        await SubscriptionShop.BillAsync(app);
        foreach (var subscription in subscriptions)
        {
            var attempts = await SubscriptionShop.RenewalsAsync(app, subscription.Id);
            Assert.Equal([ChargeStatus.Failed, ChargeStatus.Succeeded], attempts.Select(c => c.Status));
            Assert.Equal([$"encore:renewal:{subscription.Id:N}:1:retry1"], await SubscriptionShop.GatewayRenewalKeysAsync(app, subscription.Id));
            var id = subscription.Id;
            Assert.Equal(0, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.SubscriptionId == id && m.Kind == EmailKind.PaymentFailed)));
            var after = await shop.SubscriptionOfAsync(subscription.OrderId);
            Assert.Equal((SubscriptionStatus.Active, 2, 0), (after.Status, after.NextPayment, after.FailedAttempts));
        }
    }

    [Fact]
    public async Task A_renewal_whose_answer_is_lost_is_settled_by_the_reconciler_and_never_charged_twice()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var checkout = await shop.CheckoutAsync(app.CreateClient());
        var subscription = await shop.SubscriptionOfAsync(checkout["orderId"]!.GetValue<Guid>());
        app.Clock.Advance(TimeSpan.FromDays(31));
        app.Faults.OffSessionFault = ChargeFault.AnswerLostAfterCharging;
        try { await SubscriptionShop.BillAsync(app); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        Assert.Equal(ChargeStatus.Unknown, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
        // Billing leaves an unanswered payment alone; the reconciler asks the gateway by its key.
        await SubscriptionShop.BillAsync(app);
        Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
        await app.ReconcileAsync();
        Assert.Equal(ChargeStatus.Succeeded, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
        Assert.Equal(1, (await shop.SubscriptionOfAsync(subscription.OrderId)).NextPayment - 1);
        Assert.Single(await SubscriptionShop.GatewayRenewalKeysAsync(app, subscription.Id));
    }

    [Fact]
    public async Task A_paid_renewal_settled_again_from_its_pending_copy_changes_nothing()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var subscription = await shop.SubscriptionOfAsync((await shop.CheckoutAsync(app.CreateClient()))["orderId"]!.GetValue<Guid>());
        app.Clock.Advance(TimeSpan.FromDays(31));
        await SubscriptionShop.BillAsync(app);
        var paid = Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id));
        Assert.Equal(ChargeStatus.Succeeded, paid.Status);
        var after = await shop.SubscriptionOfAsync(subscription.OrderId);

        // A second answer for the same charge (a late webhook, the reconciler) read the charge while it was pending, in a
        // context that tracks the renewal order, as the billing run's own does: its one save is refused by the charge's
        // status, and the general path finds the charge moved already.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
            Assert.NotNull(await db.Orders.FindAsync(paid.OrderId));
            var pending = await db.Charges.AsNoTracking().SingleAsync(c => c.Id == paid.Id);
            pending.Status = ChargeStatus.Pending;
            var answer = new Encore.Web.Payments.PaymentResult
            {
                PaymentId = paid.GatewayPaymentId!, Status = Encore.Web.Payments.PaymentStatus.Succeeded, Amount = paid.Amount, Currency = paid.Currency,
            };
            await scope.ServiceProvider.GetRequiredKeyedService<Encore.Web.Payments.IChargeSettlement>(ChargeKind.Renewal).ApplyAsync(pending, answer, CancellationToken.None);
        }

        Assert.Equal(ChargeStatus.Succeeded, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.ChargeId == paid.Id)));
        Assert.Equal(1, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.OrderId == paid.OrderId && m.Kind == EmailKind.RenewalReceipt)));
        var again = await shop.SubscriptionOfAsync(subscription.OrderId);
        Assert.Equal(after.NextPayment, again.NextPayment);
        Assert.Equal(after.NextChargeAt, again.NextChargeAt);
    }

    [Fact]
    public async Task Bad_links_and_late_requests_get_a_clear_answer_and_change_nothing()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (1500, new { interval = "month", intervalCount = 1, trialDays = 0 }));
        var client = app.CreateClient();
        var subscription = await shop.SubscriptionOfAsync((await shop.CheckoutAsync(client))["orderId"]!.GetValue<Guid>());

        Assert.Equal(HttpStatusCode.NotFound, (await FormPage.GetAsync(client, "/s/not-a-real-link")).Status);
        var tampered = ManageLink(subscription.Id)[..^4] + "AAAA";
        Assert.Equal(HttpStatusCode.NotFound, (await FormPage.GetAsync(client, tampered)).Status);

        // A link outlives its lifetime: refused as expired; a fresh one comes by entering the e-mail address.
        var link = ManageLink(subscription.Id);
        app.Clock.Advance(ManageLinks.Lifetime + TimeSpan.FromDays(1));
        var expired = await FormPage.GetAsync(client, link);
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("This link has expired", expired.Html);
        var form = await FormPage.GetAsync(client, "/s");
        var unknown = await form.PostAsync(client, "/s", ("Email", "nobody@example.com"));
        var known = await form.PostAsync(client, "/s", ("Email", "ann@example.com"));
        Assert.Equal(await Text(unknown), await Text(known)); // the same answer, known or not
        Assert.True(await app.QueryAsync(db => db.EmailMessages.AnyAsync(m => m.SubscriptionId == subscription.Id && m.Kind == EmailKind.ManageLink)));

        // A card for a cancelled subscription is refused, and nothing changes.
        using (var scope = app.Services.CreateScope())
        {
            var management = scope.ServiceProvider.GetRequiredService<SubscriptionManagement>();
            Assert.True((await management.CancelAsync(subscription.Id, null, ManageActor.Buyer, atPeriodEnd: false, refundLastPayment: false, CancellationToken.None)).Succeeded);
            var twice = await management.CancelAsync(subscription.Id, null, ManageActor.Buyer, atPeriodEnd: false, refundLastPayment: false, CancellationToken.None);
            Assert.Equal(ManageOutcome.NotApplicable, twice.Outcome);
            var card = await management.UpdateCardAsync(subscription.Id, "pm_card_mastercard", "k1", CancellationToken.None);
            Assert.Equal(ManageOutcome.NotApplicable, card.Outcome);
        }
        var after = await shop.SubscriptionOfAsync(subscription.OrderId);
        Assert.Equal((SubscriptionStatus.Canceled, subscription.PaymentMethodId), (after.Status, after.PaymentMethodId));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(121, 0)]
    [InlineData(null, 366)]
    public async Task A_price_with_payments_or_a_trial_out_of_bounds_is_refused_and_nothing_is_created(int? payments, int trialDays)
    {
        var api = await app.NewSellerApiAsync();
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name = "Plan", description = "Plan.", topics = new[] { "x" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var before = await app.QueryAsync(db => db.Prices.CountAsync());
        var problem = await Buyer.ProblemAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount = 3300, currency = "USD", recurring = new { interval = "month", intervalCount = 1, trialDays, payments } }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["recurring"]);
        Assert.Equal(before, await app.QueryAsync(db => db.Prices.CountAsync()));
    }

    private string ManageLink(Guid subscriptionId)
    {
        using var scope = app.Services.CreateScope();
        return new Uri(scope.ServiceProvider.GetRequiredService<ManageLinks>().UrlFor(subscriptionId)).PathAndQuery;
    }

    private static async Task<string> Text(HttpResponseMessage response) =>
        Regex.Replace(await response.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\"[^>]*>", "");

    [GeneratedRegex(@"the first charge is on (\d{4}-\d{2}-\d{2})")]
    private static partial Regex FirstCharge();
}

public sealed class SubscriptionTests_Sqlite(SqliteApp app) : SubscriptionTests<SqliteApp>(app);

public sealed class SubscriptionTests_Postgres(PostgresApp app) : SubscriptionTests<PostgresApp>(app);
