using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Offers;
using Encore.Web.Infrastructure;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

public abstract class OfferApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Offer_states_what_how_much_and_which_card_with_the_hash_of_its_text()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var offer = await buyer.GetOfferAsync();
        Assert.Equal("active", offer["status"]!.GetValue<string>());
        var step = offer["step"]!;
        Assert.Equal(Buyer.OfferStep, step["id"]!.GetValue<Guid>());
        Assert.Equal("offer", step["kind"]!.GetValue<string>());
        Assert.Equal(9700, step["price"]!["amount"]!.GetValue<long>());
        Assert.Equal("Yes, add it for $97.00", step["acceptLabel"]!.GetValue<string>());
        Assert.Equal("Your order is confirmed. One more thing, shown only now:", step["opening"]!.GetValue<string>());
        Assert.Equal("visa", step["card"]!["brand"]!.GetValue<string>());
        Assert.Equal("4242", step["card"]!["last4"]!.GetValue<string>());
        var text = step["disclosure"]!["text"]!.GetValue<string>();
        Assert.Contains("$97.00 USD", text);
        Assert.Contains("Visa ending in 4242", text);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), step["disclosure"]!["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_token_works_as_a_bearer_token_too()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/offers/current");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer.Token);
        var viaBearer = await Buyer.ReadAsync(await buyer.Client.SendAsync(request), HttpStatusCode.OK);
        Assert.Equal(Buyer.Json(await buyer.GetOfferAsync()), Buyer.Json(viaBearer));
    }

    [Fact]
    public async Task Accepting_adds_the_offer_to_the_same_order()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var accepted = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("accepted", accepted["outcome"]!.GetValue<string>());
        Assert.Equal(9700, accepted["charge"]!["amount"]!["amount"]!.GetValue<long>());
        Assert.Equal("succeeded", accepted["charge"]!["status"]!.GetValue<string>());
        Assert.Equal("thank-you", accepted["next"]!["kind"]!.GetValue<string>());

        var order = await buyer.GetOrderAsync();
        Assert.Equal(buyer.OrderId, order["orderId"]!.GetValue<Guid>());
        Assert.Equal(["main", "bump", "offer"], order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        Assert.Equal(4700 + 1700 + 9700, order["total"]!["amount"]!.GetValue<long>());
        Assert.Equal(2, order["charges"]!.AsArray().Count);
        var offer = await buyer.GetOfferAsync();
        Assert.Equal("completed", offer["status"]!.GetValue<string>());
        Assert.Null(offer["step"]);
    }

    [Fact]
    public async Task Declining_leads_to_the_cheaper_downsell_which_is_added_as_a_downsell()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(withBump: false);
        var declined = await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        Assert.Equal(Buyer.DownsellStep, declined["next"]!["stepId"]!.GetValue<Guid>());
        var downsell = (await buyer.GetOfferAsync())["step"]!;
        Assert.Equal("downsell", downsell["kind"]!.GetValue<string>());
        Assert.Equal("Yes, add it for $37.00", downsell["acceptLabel"]!.GetValue<string>());
        Assert.Equal("Not the full program? Here is a smaller step.", downsell["opening"]!.GetValue<string>()); // the storefront's opening line too
        await buyer.AcceptCurrentAsync(Buyer.DownsellStep);
        var order = await buyer.GetOrderAsync();
        Assert.Equal(["main", "downsell"], order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        Assert.Equal(4700 + 3700, order["total"]!["amount"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_bearer_form_accepts_declines_and_shows_the_order()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(withBump: false);
        var declined = await Buyer.ReadAsync(
            await buyer.SendAsBearerAsync(HttpMethod.Post, "/decline", new { stepId = Buyer.OfferStep }), HttpStatusCode.OK);
        Assert.Equal(Buyer.DownsellStep, declined["next"]!["stepId"]!.GetValue<Guid>());

        var offer = await Buyer.ReadAsync(await buyer.SendAsBearerAsync(HttpMethod.Get, ""), HttpStatusCode.OK);
        var accepted = await Buyer.ReadAsync(await buyer.SendAsBearerAsync(HttpMethod.Post, "/accept",
            new { stepId = Buyer.DownsellStep, disclosureSha256 = offer["step"]!["disclosure"]!["sha256"]!.GetValue<string>() },
            Guid.NewGuid().ToString()), HttpStatusCode.OK);
        Assert.Equal("accepted", accepted["outcome"]!.GetValue<string>());

        var order = await Buyer.ReadAsync(await buyer.SendAsBearerAsync(HttpMethod.Get, "/order"), HttpStatusCode.OK);
        Assert.Equal(Buyer.Json(await buyer.GetOrderAsync()), Buyer.Json(order));
        Assert.Equal(4700 + 3700, order["total"]!["amount"]!.GetValue<long>());
        await Buyer.ProblemAsync(await buyer.Client.GetAsync("/api/v1/offers/current"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_order_lists_every_line_and_every_charge()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var accepted = await buyer.AcceptCurrentAsync(Buyer.OfferStep);

        var order = await buyer.GetOrderAsync();
        Assert.Equal("paid", order["status"]!.GetValue<string>());
        Assert.Equal("USD", order["currency"]!.GetValue<string>());
        Assert.Equal(
            [("main", "Calm Your Anxiety", 4700L), ("bump", "Printable calm-down worksheets", 1700L), ("offer", "4-week guided audio program", 9700L)],
            order["lines"]!.AsArray().Select(l => (l!["kind"]!.GetValue<string>(), l["name"]!.GetValue<string>(), l["amount"]!["amount"]!.GetValue<long>())));
        Assert.All(order["lines"]!.AsArray(), l => Assert.Equal("USD", l!["amount"]!["currency"]!.GetValue<string>()));
        var charges = order["charges"]!.AsArray();
        Assert.Equal([6400L, 9700L], charges.Select(c => c!["amount"]!["amount"]!.GetValue<long>()));
        Assert.All(charges, c => Assert.Equal("succeeded", c!["status"]!.GetValue<string>()));
        Assert.Equal(accepted["charge"]!["id"]!.GetValue<Guid>(), charges[1]!["id"]!.GetValue<Guid>());
        Assert.All(charges, c => Assert.Equal(app.Clock.GetUtcNow(), c!["createdAt"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(order["lines"]!.AsArray().Sum(l => l!["amount"]!["amount"]!.GetValue<long>()), order["total"]!["amount"]!.GetValue<long>());
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task An_accept_retried_with_its_key_replays_the_answer_and_charges_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        var key = Guid.NewGuid().ToString();
        var first = await buyer.AcceptAsync(Buyer.OfferStep, hash, key);
        var retry = await buyer.AcceptAsync(Buyer.OfferStep, hash, key);
        var firstBody = await Buyer.ReadAsync(first, HttpStatusCode.OK);
        Assert.Equal(Buyer.Json(firstBody), Buyer.Json(await Buyer.ReadAsync(retry, HttpStatusCode.OK)));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var otherBody = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.DownsellStep, hash, key), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency_key_reused", otherBody["code"]!.GetValue<string>());
        Assert.Equal(1, await OfferChargesAsync(buyer.OrderId));
        Assert.Equal(2, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
    }

    [Fact]
    public async Task Declining_the_downsell_too_ends_on_thank_you_with_nothing_more_charged()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        var declined = await Buyer.ReadAsync(await buyer.DeclineAsync(Buyer.DownsellStep), HttpStatusCode.OK);
        Assert.Equal("thank-you", declined["next"]!["kind"]!.GetValue<string>());

        var offer = await buyer.GetOfferAsync();
        Assert.Equal("completed", offer["status"]!.GetValue<string>());
        Assert.Null(offer["step"]);
        Assert.Equal(["main", "bump"], (await buyer.GetOrderAsync())["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        Assert.Equal(0, await OfferChargesAsync(buyer.OrderId));
        Assert.Equal(1, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        await Buyer.ProblemAsync(await buyer.DeclineAsync(Buyer.DownsellStep), HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Accept_without_an_idempotency_key_is_400()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offers/{buyer.Token}/accept")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { stepId = Buyer.OfferStep, disclosureSha256 = await buyer.DisclosureHashAsync() }),
        };
        var problem = await Buyer.ProblemAsync(await buyer.Client.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["Idempotency-Key"]);
        Assert.Equal(0, await OfferChargesAsync(buyer.OrderId));
    }

    [Fact]
    public async Task Terms_the_buyer_did_not_see_are_refused_and_nothing_is_charged()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var shown = await buyer.DisclosureHashAsync();
        var other = shown[..^1] + (shown[^1] == '0' ? '1' : '0');
        var problem = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, other), HttpStatusCode.Conflict);
        Assert.Equal("disclosure_mismatch", problem["code"]!.GetValue<string>());
        Assert.Equal(0, await OfferChargesAsync(buyer.OrderId));
        Assert.Equal("active", (await buyer.GetOfferAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_step_that_is_not_current_is_409()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var problem = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.DownsellStep, await buyer.DisclosureHashAsync()), HttpStatusCode.Conflict);
        Assert.Equal("not_current_step", problem["code"]!.GetValue<string>());
        await Buyer.ProblemAsync(await buyer.DeclineAsync(Buyer.DownsellStep), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Decided_means_gone_for_replays_new_keys_and_declines()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.OK);

        var again = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.OfferStep, hash), HttpStatusCode.Gone);
        Assert.Equal("decided", again["code"]!.GetValue<string>());
        await Buyer.ProblemAsync(await buyer.DeclineAsync(Buyer.OfferStep), HttpStatusCode.Gone);
        Assert.Equal(1, await OfferChargesAsync(buyer.OrderId));

        var decliner = new Buyer(app.CreateClient());
        await decliner.CheckoutAsync();
        var declinedHash = await decliner.DisclosureHashAsync();
        await Buyer.ReadAsync(await decliner.DeclineAsync(Buyer.OfferStep), HttpStatusCode.OK);
        await Buyer.ProblemAsync(await decliner.AcceptAsync(Buyer.OfferStep, declinedHash), HttpStatusCode.Gone);
        Assert.Equal(0, await OfferChargesAsync(decliner.OrderId));
    }

    public static TheoryData<string, string, string?> BadOfferRequests => new()
    {
        { "accept", """{"stepId":"not-a-guid","disclosureSha256":"00"}""", "stepId" },
        { "accept", """{"stepId":5}""", "stepId" },
        { "accept", """{"stepId":null}""", "stepId" },
        { "accept", """{"disclosureSha256":"abc"}""", "stepId" },
        { "accept", """{"stepId":"0b1e8a52-5d0c-4f0e-9a51-000000000031","disclosureSha256":"xyz"}""", "disclosureSha256" },
        { "accept", """{"stepId":"0b1e8a52-5d0c-4f0e-9a51-000000000031","disclosureSha256":42}""", "disclosureSha256" },
        { "accept", """[]""", "body" },
        { "accept", """{"stepId":""", "body" },
        { "accept", "", "body" },
        { "decline", """{"stepId":"not-a-guid"}""", "stepId" },
        { "decline", """{}""", "stepId" },
        { "decline", "\"offer\"", "body" },
        { "decline", "", "stepId" },
    };

    [Theory]
    [MemberData(nameof(BadOfferRequests))]
    public async Task A_malformed_accept_or_decline_is_400_naming_the_field_and_decides_nothing(string action, string json, string? field)
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offers/{buyer.Token}/{action}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var problem = await Buyer.ProblemAsync(await buyer.Client.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field!] is not null, $"errors should name '{field}': {problem.ToJsonString()}");
        var offer = await buyer.GetOfferAsync();
        Assert.Equal(("active", Buyer.OfferStep), (offer["status"]!.GetValue<string>(), offer["step"]!["id"]!.GetValue<Guid>()));
        Assert.Equal(0, await OfferChargesAsync(buyer.OrderId));
    }

    [Fact]
    public async Task Unknown_tokens_are_404()
    {
        var client = app.CreateClient();
        var stranger = new string('a', 43);
        await Buyer.ProblemAsync(await client.GetAsync($"/api/v1/offers/{stranger}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await client.GetAsync("/api/v1/offers/short"), HttpStatusCode.NotFound);
        var buyer = new Buyer(client);
        await buyer.CheckoutAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/offers/{stranger}/accept")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { stepId = Buyer.OfferStep, disclosureSha256 = new string('0', 64) }),
        };
        request.Headers.Add("Idempotency-Key", "k");
        await Buyer.ProblemAsync(await client.SendAsync(request), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_offer_address_from_the_pages_cannot_charge_the_card_through_the_api()
    {
        // A checkout as the page places it: the session is bound to the buying browser's cookie, and its token
        // is in the offer page's address (/o/{token}), where browser history or a shared link can leak it.
        CheckoutResult placed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            placed = await scope.ServiceProvider.GetRequiredService<CheckoutService>().PlaceOrderAsync(new CheckoutCommand(
                Buyer.Funnel, "page@example.com", "Page Buyer", "pm_card_visa", [], SavePaymentMethodForOffers: true,
                BrowserBindingHash: SecretTokens.Hash(SecretTokens.New())), CancellationToken.None);
        }
        Assert.Equal(CheckoutNext.Offer, placed.Next);
        var stranger = new Buyer(app.CreateClient());
        stranger.UseToken(placed.SessionToken!);

        await Buyer.ProblemAsync(await stranger.Client.GetAsync($"/api/v1/offers/{placed.SessionToken}"), HttpStatusCode.NotFound);
        string disclosure;
        await using (var scope = app.Services.CreateAsyncScope())
            disclosure = (await scope.ServiceProvider.GetRequiredService<OfferService>().ShowAsync(placed.SessionToken, CancellationToken.None))!.Disclosure!.Sha256;
        await Buyer.ProblemAsync(await stranger.AcceptAsync(Buyer.OfferStep, disclosure), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.DeclineAsync(Buyer.OfferStep), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.Client.GetAsync($"/api/v1/offers/{placed.SessionToken}/order"), HttpStatusCode.NotFound);
        Assert.Equal(0, await OfferChargesAsync(placed.OrderId));
        Assert.Equal(Domain.PostPurchase.StepState.Offered, await app.QueryAsync(db =>
            db.StepVisits.Where(v => db.PostPurchaseSessions.Any(s => s.Id == v.SessionId && s.OrderId == placed.OrderId)).Select(v => v.State).SingleAsync()));
    }

    [Fact]
    public async Task A_key_reused_for_the_downsell_that_is_now_offered_is_422_and_the_downsell_stays_undecided()
    {
        // The first accept's charge is declined (402, stored), so the downsell is offered: the reused key's
        // request gets as far as claiming it, and the key's record stops it there, with nothing kept.
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(SandboxTestCards.DeclinedOffSession);
        var key = Guid.NewGuid().ToString();
        var offerHash = await buyer.DisclosureHashAsync();
        var declined = await buyer.AcceptAsync(Buyer.OfferStep, offerHash, key);
        Assert.Equal("payment_failed", (await Buyer.ReadAsync(declined, HttpStatusCode.OK))["outcome"]!.GetValue<string>());
        var downsellHash = await buyer.DisclosureHashAsync();
        var chargesBefore = await OfferChargesAsync(buyer.OrderId);

        var reused = await Buyer.ProblemAsync(await buyer.AcceptAsync(Buyer.DownsellStep, downsellHash, key), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("idempotency_key_reused", reused["code"]!.GetValue<string>());
        Assert.Equal(chargesBefore, await OfferChargesAsync(buyer.OrderId));
        Assert.Equal(1, await app.QueryAsync(db => db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId)));
        Assert.Equal(Domain.PostPurchase.StepState.Offered, await app.QueryAsync(db => db.StepVisits
            .Where(v => v.StepId == Buyer.DownsellStep && db.PostPurchaseSessions.Any(s => s.Id == v.SessionId && s.OrderId == buyer.OrderId))
            .Select(v => v.State).SingleAsync()));

        // The same key replays its own answer; a new key accepts the downsell.
        var replay = await buyer.AcceptAsync(Buyer.OfferStep, offerHash, key);
        Assert.Equal("payment_failed", (await Buyer.ReadAsync(replay, HttpStatusCode.OK))["outcome"]!.GetValue<string>());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("payment_failed", (await buyer.AcceptCurrentAsync(Buyer.DownsellStep))["outcome"]!.GetValue<string>());
        Assert.Equal(chargesBefore + 1, await OfferChargesAsync(buyer.OrderId));
    }

    [Fact]
    public async Task A_declined_one_click_charge_adds_nothing_and_moves_on_to_the_downsell()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(SandboxTestCards.DeclinedOffSession);
        var failed = await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        Assert.Equal("payment_failed", failed["outcome"]!.GetValue<string>());
        Assert.Contains("Nothing was charged", failed["message"]!.GetValue<string>());
        Assert.Equal(Buyer.DownsellStep, failed["next"]!["stepId"]!.GetValue<Guid>());
        var order = await buyer.GetOrderAsync();
        Assert.DoesNotContain(order["lines"]!.AsArray(), l => l!["kind"]!.GetValue<string>() == "offer");
        Assert.Equal(6400, order["total"]!["amount"]!.GetValue<long>());

        var downsell = await buyer.AcceptCurrentAsync(Buyer.DownsellStep);
        Assert.Equal("payment_failed", downsell["outcome"]!.GetValue<string>());
        Assert.Equal("thank-you", downsell["next"]!["kind"]!.GetValue<string>());
        Assert.Equal(6400, (await buyer.GetOrderAsync())["total"]!["amount"]!.GetValue<long>());
        var succeeded = await app.QueryAsync(db => db.SandboxPaymentIntents.CountAsync(i =>
            i.IdempotencyKey.StartsWith("encore:offer:") && i.Status == Payments.Sandbox.SandboxIntentStatus.Succeeded && i.CustomerId != "" &&
            db.Charges.Any(c => c.OrderId == buyer.OrderId && c.IdempotencyKey == i.IdempotencyKey)));
        Assert.Equal(0, succeeded);
    }

    [Fact]
    public async Task Consent_record_keeps_exactly_what_was_shown_and_agreed()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var step = (await buyer.GetOfferAsync())["step"]!;
        var text = step["disclosure"]!["text"]!.GetValue<string>();
        var hash = step["disclosure"]!["sha256"]!.GetValue<string>();
        var accepted = await Buyer.ReadAsync(
            await buyer.AcceptAsync(Buyer.OfferStep, hash, userAgent: "EncoreTests/1.0", clientAddress: "203.0.113.9"), HttpStatusCode.OK);
        var chargeId = accepted["charge"]!["id"]!.GetValue<Guid>();

        var (record, charge) = await app.QueryAsync(async db =>
            (await db.ConsentRecords.SingleAsync(c => c.OrderId == buyer.OrderId), await db.Charges.SingleAsync(c => c.Id == chargeId)));
        Assert.Equal(text, record.DisclosureText);
        Assert.Equal(hash, record.DisclosureSha256);
        Assert.Equal("Yes, add it for $97.00", record.AcceptLabel);
        Assert.Equal(9700, record.Amount);
        Assert.Equal("USD", record.Currency);
        Assert.Null(record.Recurrence);
        Assert.Equal("visa", record.CardBrand);
        Assert.Equal("4242", record.CardLast4);
        Assert.Equal("api", record.Channel);
        Assert.Equal("EncoreTests/1.0", record.UserAgent);
        Assert.Equal("203.0.113.9", record.IpAddress);
        Assert.Equal(Buyer.OfferStep, record.StepId);
        Assert.Equal(app.Clock.GetUtcNow(), record.AgreedAt);
        Assert.True(record.AgreedAt <= charge.SettledAt);
        Assert.Equal(record.Id, charge.ConsentRecordId);
        Assert.Equal(1, await app.QueryAsync(db => db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId)));
    }

    private Task<int> OfferChargesAsync(Guid orderId) =>
        app.QueryAsync(db => db.Charges.CountAsync(c => c.OrderId == orderId && c.Kind == ChargeKind.Offer));
}

public sealed class OfferApiTests_Sqlite(SqliteApp app) : OfferApiTests<SqliteApp>(app);

public sealed class OfferApiTests_Postgres(PostgresApp app) : OfferApiTests<PostgresApp>(app);
