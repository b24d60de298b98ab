using System.Net;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// The checkout's promise about the card: kept for this order's one-time offers and forgotten when the offer window
/// closes. Once the path ends or the window expires, the reconciler's pass detaches the saved method at the gateway (the
/// Sandbox's ledger, or the fake Stripe's customer), records when, and nothing can charge it off-session again; a card a
/// subscription still charges is kept until that subscription ends.
/// </summary>
public abstract class CardReleaseTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task The_card_is_detached_once_the_path_ends_and_can_no_longer_be_charged()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var session = await SessionAsync(buyer.OrderId);
        Assert.True(await IsAttachedAsync(session.PaymentMethodId!));

        await app.ReconcileAsync(); // the window is still open: the card stays for the offers
        Assert.Null((await SessionAsync(buyer.OrderId)).CardForgottenAt);
        Assert.True(await IsAttachedAsync(session.PaymentMethodId!));

        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.DownsellStep), HttpStatusCode.OK);
        await app.ReconcileAsync();

        var forgotten = await SessionAsync(buyer.OrderId);
        Assert.NotNull(forgotten.CardForgottenAt);
        Assert.False(await IsAttachedAsync(session.PaymentMethodId!));
        await AssertCannotBeChargedAsync(forgotten);

        await app.ReconcileAsync(); // once: the record stays as it was
        Assert.Equal(forgotten.CardForgottenAt, (await SessionAsync(buyer.OrderId)).CardForgottenAt);
        var seller = await app.SignInAsDemoAsync();
        var page = await (await seller.GetAsync($"/seller/orders/{buyer.OrderId}")).Content.ReadAsStringAsync();
        Assert.Contains($"forgotten at the gateway {forgotten.CardForgottenAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", page);
    }

    [Fact]
    public async Task A_window_that_expires_while_the_buyer_is_away_forgets_the_card()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));

        await app.ReconcileAsync();

        var session = await SessionAsync(buyer.OrderId);
        Assert.Equal(SessionStatus.Expired, session.Status);
        Assert.NotNull(session.CardForgottenAt);
        Assert.False(await IsAttachedAsync(session.PaymentMethodId!));
    }

    [Fact]
    public async Task A_card_a_subscription_charges_is_kept_until_the_subscription_ends()
    {
        var (shop, orderId) = await TrialOfferTakenAsync();

        await app.ReconcileAsync();
        var session = await SessionAsync(orderId);
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Null(session.CardForgottenAt); // the trial converts on this card in 7 days
        Assert.True(await IsAttachedAsync(session.PaymentMethodId!));
        var subscription = await shop.SubscriptionOfAsync(orderId);
        Assert.Equal(session.PaymentMethodId, subscription.PaymentMethodId);

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<SubscriptionManagement>()
                .CancelAsync(subscription.Id, null, ManageActor.Buyer, atPeriodEnd: false, refundLastPayment: false, CancellationToken.None)).Succeeded);
        await app.ReconcileAsync();

        Assert.NotNull((await SessionAsync(orderId)).CardForgottenAt);
        Assert.False(await IsAttachedAsync(session.PaymentMethodId!));
    }

    [Fact]
    public async Task A_card_saved_on_the_manage_page_is_forgotten_once_replaced_and_when_its_subscription_ends()
    {
        var (shop, orderId) = await TrialOfferTakenAsync();
        var subscription = await shop.SubscriptionOfAsync(orderId);
        var checkoutCard = subscription.PaymentMethodId!;

        // A first card on the manage page, clicked twice: one card, recorded once.
        Assert.Equal(ManageOutcome.Done, (await UpdateCardAsync(subscription.Id, SandboxTestCards.Mastercard, "first")).Outcome);
        Assert.Equal(ManageOutcome.Done, (await UpdateCardAsync(subscription.Id, SandboxTestCards.Mastercard, "first")).Outcome);
        var first = (await shop.SubscriptionOfAsync(orderId)).PaymentMethodId!;
        Assert.NotEqual(checkoutCard, first);
        Assert.Equal([first], await app.QueryAsync(db => db.SubscriptionCards.Where(c => c.SubscriptionId == subscription.Id).Select(c => c.PaymentMethodId).ToListAsync()));

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.ReconcileAsync();
        Assert.True(await IsAttachedAsync(first)); // the subscription charges it
        Assert.False(await IsAttachedAsync(checkoutCard)); // replaced, the checkout's card is forgotten by its session
        Assert.Null(await ForgottenAtAsync(subscription.Id, first));

        // A second card replaces it: the first is forgotten, the second kept.
        Assert.Equal(ManageOutcome.Done, (await UpdateCardAsync(subscription.Id, SandboxTestCards.Visa, "second")).Outcome);
        var second = (await shop.SubscriptionOfAsync(orderId)).PaymentMethodId!;
        await app.ReconcileAsync();
        Assert.False(await IsAttachedAsync(first));
        Assert.NotNull(await ForgottenAtAsync(subscription.Id, first));
        Assert.True(await IsAttachedAsync(second));
        Assert.Null(await ForgottenAtAsync(subscription.Id, second)); // within the grace, and charged by its subscription anyway
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.ReconcileAsync();
        Assert.True(await IsAttachedAsync(second));

        // The subscription over, its card is forgotten once and can no longer be charged.
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<SubscriptionManagement>()
                .CancelAsync(subscription.Id, null, ManageActor.Buyer, atPeriodEnd: false, refundLastPayment: false, CancellationToken.None)).Succeeded);
        await app.ReconcileAsync();
        var forgotten = await ForgottenAtAsync(subscription.Id, second);
        Assert.NotNull(forgotten);
        Assert.False(await IsAttachedAsync(second));
        await AssertCannotBeChargedAsync(subscription.GatewayCustomerId, second, "test:after-forgetting:" + subscription.Id);
        await app.ReconcileAsync();
        Assert.Equal(forgotten, await ForgottenAtAsync(subscription.Id, second));
    }

    [Fact]
    public async Task A_gateway_out_of_reach_leaves_the_card_to_the_next_pass()
    {
        if (app is StripeApp) return; // the fault is the Sandbox fixture's (the fake Stripe's faults are tested in its own suite)
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        app.Faults.DetachUnavailable = true;
        try
        {
            await app.ReconcileAsync();
        }
        finally
        {
            app.Faults.DetachUnavailable = false;
        }
        var session = await SessionAsync(buyer.OrderId);
        Assert.Equal(SessionStatus.Expired, session.Status);
        Assert.Null(session.CardForgottenAt);
        Assert.True(await IsAttachedAsync(session.PaymentMethodId!));

        await app.ReconcileAsync();

        Assert.NotNull((await SessionAsync(buyer.OrderId)).CardForgottenAt);
        Assert.False(await IsAttachedAsync(session.PaymentMethodId!));
    }

    /// <summary>A checkout whose one-click offer, a monthly price with a 7-day trial, is taken on the checkout's card.</summary>
    private async Task<(SubscriptionShop Shop, Guid OrderId)> TrialOfferTakenAsync()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (4700, null),
            (2900, new { interval = "month", intervalCount = 1, trialDays = 7 }, SubscriptionShop.MonthlyTrialTerms));
        var buyer = new Buyer(app.CreateClient());
        var checkout = await shop.CheckoutAsync(buyer.Client);
        buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
        var step = (await buyer.GetOfferAsync())["step"]!["id"]!.GetValue<Guid>();
        Assert.Equal("accepted", (await buyer.AcceptCurrentAsync(step))["outcome"]!.GetValue<string>());
        return (shop, checkout["orderId"]!.GetValue<Guid>());
    }

    private async Task<ManageResult> UpdateCardAsync(Guid subscriptionId, string paymentMethod, string requestKey)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SubscriptionManagement>()
            .UpdateCardAsync(subscriptionId, paymentMethod, requestKey, CancellationToken.None);
    }

    private Task<DateTimeOffset?> ForgottenAtAsync(Guid subscriptionId, string paymentMethodId) =>
        app.QueryAsync(db => db.SubscriptionCards.Where(c => c.SubscriptionId == subscriptionId && c.PaymentMethodId == paymentMethodId)
            .Select(c => c.ForgottenAt).SingleAsync());

    private Task<PostPurchaseSession> SessionAsync(Guid orderId) =>
        app.QueryAsync(db => db.PostPurchaseSessions.AsNoTracking().SingleAsync(s => s.OrderId == orderId));

    private Task<bool> IsAttachedAsync(string paymentMethodId) => app is StripeApp stripe
        ? Task.FromResult(stripe.Stripe.IsAttached(paymentMethodId))
        : app.QueryAsync(db => db.SandboxPaymentMethods.AnyAsync(m => m.Id == paymentMethodId && m.CustomerId != ""));

    /// <summary>An off-session charge on the forgotten card, as a one-click offer would make it, is refused by the gateway.</summary>
    private Task AssertCannotBeChargedAsync(PostPurchaseSession session) =>
        AssertCannotBeChargedAsync(session.GatewayCustomerId, session.PaymentMethodId!, "test:after-forgetting:" + session.Id);

    private async Task AssertCannotBeChargedAsync(string? customerId, string paymentMethodId, string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var request = new ChargeRequest
        {
            Amount = 100, Currency = "USD", CustomerId = customerId, PaymentMethodId = paymentMethodId,
            IdempotencyKey = key, OffSession = true,
        };
        try
        {
            var result = await gateway.ChargeAsync(request, CancellationToken.None);
            Assert.NotEqual(PaymentStatus.Succeeded, result.Status);
        }
        catch (GatewayRequestException)
        {
            // Refused outright: the method belongs to no customer.
        }
    }
}

public sealed class CardReleaseTests_Sqlite(SqliteApp app) : CardReleaseTests<SqliteApp>(app);

public sealed class CardReleaseTests_Postgres(PostgresApp app) : CardReleaseTests<PostgresApp>(app);

public sealed class CardReleaseTests_Stripe(StripeSqliteApp app) : CardReleaseTests<StripeSqliteApp>(app);
