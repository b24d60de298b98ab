using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// The buyer's path with the same assertions against every gateway Encore runs on: the Sandbox, Stripe (the real
/// adapter and Stripe.net against the fake Stripe API), and the Sandbox behind a wrapper that loses the answer to
/// every charge after the gateway made it. After each of the buyer's steps the reconciler runs, as the background
/// job would: with a gateway that answers it finds nothing to do; with one that loses answers it settles what the
/// gateway did. What the buyer sees next, the order, the gateway's ledger and the consent records must then be
/// the same whichever gateway it was.
/// </summary>
public abstract class BuyerPathTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Checkout_with_a_bump_then_yes_to_the_offer_is_one_order_charged_once_per_decision()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: true);
        var offer = await buyer.GetOfferAsync();
        Assert.Equal("active", Status(offer));
        Assert.Equal(Buyer.OfferStep, offer["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal("4242", offer["step"]!["card"]!["last4"]!.GetValue<string>());
        var hash = offer["step"]!["disclosure"]!["sha256"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(buyer, Buyer.OfferStep)).StatusCode);

        Assert.Equal("completed", Status(await buyer.GetOfferAsync()));
        var order = await buyer.GetOrderAsync();
        Assert.Equal(["main", "bump", "offer"], Kinds(order));
        Assert.Equal(4700 + 1700 + 9700, Total(order));
        Assert.Equal(2, await app.SucceededAtGatewayAsync(buyer.OrderId));
        var consent = Assert.Single(await app.QueryAsync(db => db.ConsentRecords.AsNoTracking().Where(c => c.OrderId == buyer.OrderId).ToListAsync()));
        Assert.Equal(hash, consent.DisclosureSha256);
        Assert.Equal(9700, consent.Amount);

        // Decided is gone for good: another yes is refused and moves nothing.
        await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Gone);
        await SettleAsync();
        Assert.Equal(2, await app.SucceededAtGatewayAsync(buyer.OrderId));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task No_to_the_offer_then_yes_to_the_downsell_charges_the_downsell_once()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: true);
        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        var downsell = await buyer.GetOfferAsync();
        Assert.Equal(Buyer.DownsellStep, downsell["step"]!["id"]!.GetValue<Guid>());
        var price = downsell["step"]!["price"]!["amount"]!.GetValue<long>();
        Assert.True(price < 9700, "the downsell is smaller than the offer");

        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(buyer, Buyer.DownsellStep)).StatusCode);

        Assert.Equal("completed", Status(await buyer.GetOfferAsync()));
        var order = await buyer.GetOrderAsync();
        Assert.Equal(["main", "bump", "downsell"], Kinds(order));
        Assert.Equal(4700 + 1700 + price, Total(order));
        Assert.Equal(2, await app.SucceededAtGatewayAsync(buyer.OrderId));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task No_and_no_again_leaves_the_checkout_as_it_was()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: false);
        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.DownsellStep), HttpStatusCode.OK);

        Assert.Equal("completed", Status(await buyer.GetOfferAsync()));
        var order = await buyer.GetOrderAsync();
        Assert.Equal(["main"], Kinds(order));
        Assert.Equal(4700, Total(order));
        Assert.Equal(1, await app.SucceededAtGatewayAsync(buyer.OrderId));
        Assert.Equal(0, await app.QueryAsync(db => db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId)));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_declined_card_at_checkout_charges_nothing_and_opens_no_offer()
    {
        var email = $"declined-{Guid.NewGuid():N}@example.com";
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email, name = "Dee Clined", paymentMethod = "pm_card_chargeDeclined",
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        });
        // Told now (402), or told "being confirmed" when the answer was lost; either way the end is the same.
        Assert.True(response.StatusCode is HttpStatusCode.PaymentRequired or HttpStatusCode.Created, $"unexpected {(int)response.StatusCode}");
        await SettleAsync();

        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        Assert.Equal(OrderStatus.PaymentFailed, await app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync()));
        Assert.Equal(ChargeStatus.Failed, await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId).Select(c => c.Status).SingleAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.PostPurchaseSessions.CountAsync(s => s.OrderId == orderId && s.Status != SessionStatus.Void)));
        Assert.Equal(0, await app.SucceededAtGatewayAsync(orderId));
        await app.AssertGatewayAgreesAsync(orderId);
    }

    [Fact]
    public async Task A_card_declined_off_session_moves_on_to_the_downsell_and_charges_nothing_for_the_offer()
    {
        var buyer = await CheckoutAsync(app.CardDeclinedOffSessionLater, withBump: true);
        await app.BankDeclinesOffSessionAsync(buyer.OrderId);
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(buyer, Buyer.OfferStep)).StatusCode);

        var next = await buyer.GetOfferAsync();
        Assert.Equal("active", Status(next));
        Assert.Equal(Buyer.DownsellStep, next["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(6400, Total(await buyer.GetOrderAsync()));
        Assert.Equal(1, await app.SucceededAtGatewayAsync(buyer.OrderId));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_bank_that_asks_for_the_cardholder_on_the_one_click_charge_is_answered_by_the_buyer_on_the_spot(bool approve)
    {
        var buyer = await CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        var waiting = await buyer.GetOfferAsync();
        Assert.Equal("awaiting_payment", Status(waiting));
        await app.BankAnswersAsync(waiting["actionUrl"]!.GetValue<string>(), approve: true);
        Assert.Equal("active", Status(await buyer.GetOfferAsync()));

        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(buyer, Buyer.OfferStep)).StatusCode);
        var challenged = await buyer.GetOfferAsync();
        Assert.Equal("requires_action", Status(challenged));
        var action = challenged["actionUrl"]!.GetValue<string>();
        Assert.DoesNotContain("/o/", action); // the way back carries no offer token
        Assert.Equal(ChargeStatus.RequiresAction, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        Assert.Equal(1, await app.SucceededAtGatewayAsync(buyer.OrderId));

        await app.BankAnswersAsync(action, approve);
        var after = await buyer.GetOfferAsync();
        await app.BankAnswersAsync(action, approve: !approve); // a second answer at the bank changes nothing
        await SettleAsync();

        var order = await buyer.GetOrderAsync();
        if (approve)
        {
            Assert.Equal("completed", Status(after));
            Assert.Equal(["main", "offer"], Kinds(order));
            Assert.Equal(4700 + 9700, Total(order));
            Assert.Equal(ChargeStatus.Succeeded, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        }
        else
        {
            Assert.Equal(Buyer.DownsellStep, after["step"]!["id"]!.GetValue<Guid>());
            Assert.Equal(["main"], Kinds(order));
            Assert.Equal(4700, Total(order));
            Assert.Equal(ChargeStatus.Failed, await Ledger.OfferChargeStatusAsync(app, buyer.OrderId));
        }
        Assert.Equal(approve ? 2 : 1, await app.SucceededAtGatewayAsync(buyer.OrderId));
        Assert.Single(await app.QueryAsync(db => db.ConsentRecords.Where(c => c.OrderId == buyer.OrderId).ToListAsync()));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task Ten_concurrent_yeses_charge_once()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: true);
        var hash = await buyer.DisclosureHashAsync();
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 10).Select(async _ =>
        {
            await start.WaitAsync();
            return await buyer.AcceptAsync(Buyer.OfferStep, hash, Guid.NewGuid().ToString());
        }).ToList();
        start.Release(10);
        var responses = await Task.WhenAll(requests);
        await SettleAsync();

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.True(r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Gone, $"unexpected {(int)r.StatusCode}"));
        Assert.Equal(["main", "bump", "offer"], Kinds(await buyer.GetOrderAsync()));
        Assert.Equal(2, await app.SucceededAtGatewayAsync(buyer.OrderId));
        Assert.Equal(1, await app.QueryAsync(db => db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId)));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task A_retried_yes_with_the_same_key_replays_the_first_answer_and_charges_once()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: false);
        var hash = await buyer.DisclosureHashAsync();
        var key = Guid.NewGuid().ToString();
        var first = await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK);
        var again = await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash, key), HttpStatusCode.OK);
        Assert.Equal(Buyer.Json(first), Buyer.Json(again));
        await SettleAsync();

        Assert.Equal(4700 + 9700, Total(await buyer.GetOrderAsync()));
        Assert.Equal(2, await app.SucceededAtGatewayAsync(buyer.OrderId));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task Once_the_window_closes_the_offer_is_gone_and_nothing_is_charged()
    {
        var buyer = await CheckoutAsync("pm_card_visa", withBump: false);
        var hash = await buyer.DisclosureHashAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));

        await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Gone);
        await SettleAsync();
        Assert.Equal("expired", Status(await buyer.GetOfferAsync()));
        Assert.Equal(4700, Total(await buyer.GetOrderAsync()));
        Assert.Equal(1, await app.SucceededAtGatewayAsync(buyer.OrderId));
        await app.AssertGatewayAgreesAsync(buyer.OrderId);
    }

    [Fact]
    public async Task On_the_pages_checkout_then_yes_then_the_thank_you_page_shows_the_order()
    {
        var client = app.CreateClient();
        var email = $"pages-{Guid.NewGuid():N}@example.com";
        var checkout = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        var placed = await checkout.PostAsync(client, "/f/calm-your-anxiety",
            ("Input.CheckoutKey", checkout.Value("Input.CheckoutKey")), ("Input.Email", email), ("Input.Name", "Page Buyer"),
            ("Input.CardNumber", "4242 4242 4242 4242"), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"),
            ("Input.Bumps", Buyer.Bump.ToString()));
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, await placed.Content.ReadAsStringAsync());
        var offerUrl = placed.Headers.Location!.OriginalString;
        Assert.StartsWith("/o/", offerUrl);
        await SettleAsync();

        var offer = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("ending 4242", offer.Html);
        var accepted = await offer.PostAsync(client, offerUrl + "?handler=accept",
            ("stepId", offer.Value("stepId")), ("disclosureSha256", offer.Value("disclosureSha256")));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        await SettleAsync();

        var thanks = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("$161.00", thanks.Html);
        var orderId = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).SingleAsync());
        Assert.Equal(2, await app.SucceededAtGatewayAsync(orderId));
        await app.AssertGatewayAgreesAsync(orderId);
    }

    /// <summary>The reconciler's pass, as the background job runs it: settles what a lost answer left open.</summary>
    private Task SettleAsync() => app.ReconcileAsync();

    private async Task<Buyer> CheckoutAsync(string paymentMethod, bool withBump)
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(paymentMethod, withBump);
        await SettleAsync();
        return buyer;
    }

    private async Task<HttpResponseMessage> AcceptAsync(Buyer buyer, Guid stepId)
    {
        var response = await buyer.AcceptAsync(stepId, await buyer.DisclosureHashAsync());
        await SettleAsync();
        return response;
    }

    private static string Status(JsonNode offer) => offer["status"]!.GetValue<string>();

    private static long Total(JsonNode order) => order["total"]!["amount"]!.GetValue<long>();

    private static string[] Kinds(JsonNode order) => [.. order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>())];
}

/// <summary>The Sandbox gateway itself, with nothing in between.</summary>
public class SandboxGatewayApp(DatabaseKind kind) : EncoreApp(kind)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxGateway>()));
}

/// <summary>The Sandbox behind a wrapper that loses the answer to every charge, at checkout and one-click, after the gateway made it.</summary>
public class AnswerLosingGatewayApp(DatabaseKind kind) : EncoreApp(kind)
{
    public override string Gateway => "sandbox, every answer lost";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Faults is null) return; // no database of this kind here
        Faults.OnSessionFault = ChargeFault.AnswerLostAfterCharging;
        Faults.OffSessionFault = ChargeFault.AnswerLostAfterCharging;
    }
}

public sealed class SandboxGatewaySqliteApp() : SandboxGatewayApp(DatabaseKind.Sqlite);

public sealed class SandboxGatewayPostgresApp() : SandboxGatewayApp(DatabaseKind.Postgres);

public sealed class AnswerLosingSqliteApp() : AnswerLosingGatewayApp(DatabaseKind.Sqlite);

public sealed class AnswerLosingPostgresApp() : AnswerLosingGatewayApp(DatabaseKind.Postgres);

public sealed class BuyerPath_Sandbox_Sqlite(SandboxGatewaySqliteApp app) : BuyerPathTests<SandboxGatewaySqliteApp>(app);

public sealed class BuyerPath_Sandbox_Postgres(SandboxGatewayPostgresApp app) : BuyerPathTests<SandboxGatewayPostgresApp>(app);

public sealed class BuyerPath_Stripe_Sqlite(StripeSqliteApp app) : BuyerPathTests<StripeSqliteApp>(app);

public sealed class BuyerPath_Stripe_Postgres(StripePostgresApp app) : BuyerPathTests<StripePostgresApp>(app);

public sealed class BuyerPath_LostAnswers_Sqlite(AnswerLosingSqliteApp app) : BuyerPathTests<AnswerLosingSqliteApp>(app);

public sealed class BuyerPath_LostAnswers_Postgres(AnswerLosingPostgresApp app) : BuyerPathTests<AnswerLosingPostgresApp>(app);
