using System.Net;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

public abstract class CheckoutApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Funnel_shows_the_published_prices()
    {
        var client = app.CreateClient();
        var funnel = await Buyer.ReadAsync(await client.GetAsync("/api/v1/funnels/calm-your-anxiety"), HttpStatusCode.OK);
        Assert.Equal("calm-your-anxiety", funnel["slug"]!.GetValue<string>());
        Assert.Equal("USD", funnel["currency"]!.GetValue<string>());
        Assert.Equal(4700, funnel["main"]!["price"]!["amount"]!.GetValue<long>());
        Assert.Equal("USD", funnel["main"]!["price"]!["currency"]!.GetValue<string>());
        var bump = funnel["bumps"]!.AsArray().Single()!;
        Assert.Equal(Buyer.Bump, bump["id"]!.GetValue<Guid>());
        Assert.Equal(1700, bump["price"]!["amount"]!.GetValue<long>());
    }

    [Fact]
    public async Task Unknown_funnel_is_404_problem_details()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/funnels/no-such-funnel");
        await Buyer.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Checkout_with_saved_card_charges_main_and_bump_once_and_leads_to_the_offer()
    {
        var buyer = new Buyer(app.CreateClient());
        var body = await buyer.CheckoutAsync();
        Assert.NotEqual(Guid.Empty, body["orderId"]!.GetValue<Guid>());
        Assert.Equal("offer", body["next"]!["kind"]!.GetValue<string>());
        Assert.Equal(Buyer.OfferStep, body["next"]!["stepId"]!.GetValue<Guid>());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", buyer.Token);
        Assert.Equal(6400, body["total"]!["amount"]!.GetValue<long>());
        Assert.Equal("USD", body["total"]!["currency"]!.GetValue<string>());

        var (order, ledger) = await OrderAndLedgerAsync(buyer.OrderId);
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal([OrderLineKind.Main, OrderLineKind.Bump], order.Lines.Select(l => l.Kind).Order());
        var intent = Assert.Single(ledger);
        Assert.Equal(6400, intent.Amount);
        Assert.Equal(SandboxIntentStatus.Succeeded, intent.Status);
    }

    [Fact]
    public async Task Without_consent_the_card_is_not_kept_and_the_buyer_goes_to_thank_you()
    {
        var buyer = new Buyer(app.CreateClient());
        var body = await buyer.CheckoutAsync(withBump: false, saveCard: false);
        Assert.True(body.AsObject().ContainsKey("sessionToken"));
        Assert.Null(body["sessionToken"]);
        Assert.Null(body["next"]!["stepId"]);
        Assert.Equal("thank-you", body["next"]!["kind"]!.GetValue<string>());
        Assert.False(await app.QueryAsync(db => db.PostPurchaseSessions.AnyAsync(s => s.OrderId == buyer.OrderId)));
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task Declined_card_is_402_and_leaves_no_paid_order(string paymentMethod, string declineCode)
    {
        var client = app.CreateClient();
        var response = await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "d@example.com", name = "D", paymentMethod, bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        });
        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Equal(declineCode, problem["declineCode"]!.GetValue<string>());
        Assert.Contains("Nothing was charged", problem["detail"]!.GetValue<string>());
        var orderId = problem["orderId"]!.GetValue<Guid>();
        var (order, ledger) = await OrderAndLedgerAsync(orderId);
        Assert.Equal(OrderStatus.PaymentFailed, order.Status);
        Assert.DoesNotContain(ledger, i => i.Status == SandboxIntentStatus.Succeeded);
        Assert.Equal(SessionStatus.Void, await app.QueryAsync(db => db.PostPurchaseSessions.Where(s => s.OrderId == orderId).Select(s => s.Status).SingleAsync()));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"A","paymentMethod":"pm_card_visa","bumps":5}""", "bumps" },
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"A","paymentMethod":"pm_card_visa","bumps":["not-a-guid"]}""", "bumps[0]" },
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"A","paymentMethod":"pm_card_visa","bumps":["5d1f6a8e-0000-0000-0000-000000000000"]}""", "bumps" },
        { """{"funnel":"calm-your-anxiety","email":"ab.co","name":"A","paymentMethod":"pm_card_visa"}""", "email" },
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"  ","paymentMethod":"pm_card_visa"}""", "name" },
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"A","paymentMethod":"pm_card_unknown"}""", "paymentMethod" },
        { """{"funnel":"calm-your-anxiety","email":"a@b.co","name":"A","paymentMethod":"pm_card_visa","savePaymentMethodForOffers":"yes"}""", "savePaymentMethodForOffers" },
        { """{"funnel":"calm-your-anxiety", "email": """, "body" },
        { """[1,2,3]""", "body" },
        { """{"email":"a@b.co","name":"A","paymentMethod":"pm_card_visa"}""", "funnel" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_400_naming_the_field_and_changes_nothing(string json, string field)
    {
        var client = app.CreateClient();
        var before = await CountsAsync();
        var response = await client.PostAsync("/api/v1/checkouts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"errors should name '{field}': {problem.ToJsonString()}");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Bad_input_with_an_idempotency_key_changes_nothing_and_the_corrected_request_may_reuse_the_key()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var before = await CountsAsync();
        var bad = await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "no-at-sign", name = "K", paymentMethod = "pm_card_visa", savePaymentMethodForOffers = true,
        }, key);
        var problem = await Buyer.ProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["email"]);
        Assert.Equal(before, await CountsAsync());

        // Stripe's rule: a request refused by validation never started, so its key is free for the corrected request.
        var corrected = await Buyer.PostCheckoutAsync(client, new
        {
            funnel = Buyer.Funnel, email = "k@example.com", name = "K", paymentMethod = "pm_card_visa", savePaymentMethodForOffers = true,
        }, key);
        var body = await Buyer.ReadAsync(corrected, HttpStatusCode.Created);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
        var (order, ledger) = await OrderAndLedgerAsync(body["orderId"]!.GetValue<Guid>());
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(4700, Assert.Single(ledger).Amount);
    }

    [Fact]
    public async Task A_price_sent_by_the_client_is_ignored()
    {
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email = "p@example.com", name = "P", paymentMethod = "pm_card_visa",
            price = new { amount = 1, currency = "USD" }, total = 1, savePaymentMethodForOffers = false,
        });
        var body = await Buyer.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(4700, body["total"]!["amount"]!.GetValue<long>());
        var (_, ledger) = await OrderAndLedgerAsync(body["orderId"]!.GetValue<Guid>());
        Assert.Equal(4700, Assert.Single(ledger).Amount);
    }

    [Fact]
    public async Task A_bump_sent_twice_is_bought_and_charged_once()
    {
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email = "twice@example.com", name = "T", paymentMethod = "pm_card_visa",
            bumps = new[] { Buyer.Bump, Buyer.Bump }, savePaymentMethodForOffers = false,
        });
        var body = await Buyer.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal(6400, body["total"]!["amount"]!.GetValue<long>());
        var (order, ledger) = await OrderAndLedgerAsync(body["orderId"]!.GetValue<Guid>());
        Assert.Equal([OrderLineKind.Main, OrderLineKind.Bump], order.Lines.Select(l => l.Kind).Order());
        Assert.Equal(6400, Assert.Single(ledger).Amount);
    }

    [Fact]
    public async Task Same_idempotency_key_places_one_order_and_replays_the_answer()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var body = new { funnel = Buyer.Funnel, email = "i@example.com", name = "I", paymentMethod = "pm_card_visa", savePaymentMethodForOffers = true };
        var first = await Buyer.PostCheckoutAsync(client, body, key);
        var second = await Buyer.PostCheckoutAsync(client, body, key);
        var firstBody = await Buyer.ReadAsync(first, HttpStatusCode.Created);
        var secondBody = await Buyer.ReadAsync(second, HttpStatusCode.Created);
        Assert.Equal(Buyer.Json(firstBody), Buyer.Json(secondBody));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var orderId = firstBody["orderId"]!.GetValue<Guid>();
        Assert.Single((await OrderAndLedgerAsync(orderId)).Ledger);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == "i@example.com")));

        var other = await Buyer.PostCheckoutAsync(client, body with { email = "other@example.com" }, key);
        await Buyer.ProblemAsync(other, HttpStatusCode.UnprocessableEntity);
    }

    private async Task<(Order Order, List<SandboxPaymentIntent> Ledger)> OrderAndLedgerAsync(Guid orderId) =>
        await app.QueryAsync(async db =>
        {
            var order = await db.Orders.Include(o => o.Lines).Include(o => o.Charges).SingleAsync(o => o.Id == orderId);
            var keys = order.Charges.Select(c => c.IdempotencyKey).ToList();
            var ledger = await db.SandboxPaymentIntents.Where(i => keys.Contains(i.IdempotencyKey)).ToListAsync();
            return (order, ledger);
        });

    /// <summary>Rows of every table a checkout writes to, Encore's and the gateway's.</summary>
    private Task<string> CountsAsync() => app.QueryAsync(async db => string.Join(", ",
        $"orders {await db.Orders.CountAsync()}", $"lines {await db.OrderLines.CountAsync()}", $"charges {await db.Charges.CountAsync()}",
        $"sessions {await db.PostPurchaseSessions.CountAsync()}", $"idempotency {await db.IdempotencyRecords.CountAsync()}",
        $"intents {await db.SandboxPaymentIntents.CountAsync()}", $"customers {await db.SandboxCustomers.CountAsync()}",
        $"methods {await db.SandboxPaymentMethods.CountAsync()}"));
}

public sealed class CheckoutApiTests_Sqlite(SqliteApp app) : CheckoutApiTests<SqliteApp>(app);

public sealed class CheckoutApiTests_Postgres(PostgresApp app) : CheckoutApiTests<PostgresApp>(app);
