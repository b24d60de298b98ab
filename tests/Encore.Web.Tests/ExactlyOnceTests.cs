using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>RELIABILITY.md, "one click, one charge": many requests for one step at once, one charge.</summary>
public abstract class ExactlyOnceTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private const int Requests = 20;

    [Fact]
    public async Task Twenty_concurrent_accepts_with_different_keys_charge_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();

        var responses = await TogetherAsync(_ => buyer.AcceptAsync(Buyer.OfferStep, hash, Guid.NewGuid().ToString()));

        var statuses = responses.Select(r => r.Status).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.True(s is HttpStatusCode.Conflict or HttpStatusCode.Gone, $"unexpected {s}"));
        Assert.Equal("accepted", responses.Single(r => r.Status == HttpStatusCode.OK).Body["outcome"]!.GetValue<string>());
        await AssertChargedOnceAsync(buyer.OrderId);
    }

    [Fact]
    public async Task Twenty_concurrent_accepts_with_one_key_charge_once_and_replay_the_first_answer()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await TogetherAsync(_ => buyer.AcceptAsync(Buyer.OfferStep, hash, key));

        var ok = responses.Where(r => r.Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(ok);
        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {r.Status}: {r.Text}"));
        Assert.Single(ok.Select(r => r.Text).Distinct());
        Assert.All(responses.Where(r => r.Status == HttpStatusCode.Conflict),
            r => Assert.Equal("idempotency_in_progress", r.Body["code"]!.GetValue<string>()));
        await AssertChargedOnceAsync(buyer.OrderId);
    }

    [Fact]
    public async Task Concurrent_accepts_and_declines_decide_the_step_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var hash = await buyer.DisclosureHashAsync();

        var responses = await TogetherAsync(i => i % 2 == 0
            ? buyer.AcceptAsync(Buyer.OfferStep, hash, Guid.NewGuid().ToString())
            : buyer.DeclineAsync(Buyer.OfferStep));

        Assert.Equal(1, responses.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK),
            r => Assert.True(r.Status is HttpStatusCode.Conflict or HttpStatusCode.Gone, $"unexpected {r.Status}: {r.Text}"));
        var winner = responses.Single(r => r.Status == HttpStatusCode.OK).Body;
        var visit = await app.QueryAsync(db => db.StepVisits.SingleAsync(v => v.StepId == Buyer.OfferStep &&
            db.PostPurchaseSessions.Any(s => s.Id == v.SessionId && s.OrderId == buyer.OrderId)));
        var (charges, consents, lines) = await app.QueryAsync(async db => (
            await db.Charges.CountAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer),
            await db.ConsentRecords.CountAsync(c => c.OrderId == buyer.OrderId),
            await db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        if (winner["outcome"] is not null)
        {
            Assert.Equal("accepted", winner["outcome"]!.GetValue<string>());
            Assert.Equal((Domain.PostPurchase.StepState.Accepted, 1, 1, 1), (visit.State, charges, consents, lines));
        }
        else
        {
            Assert.Equal(Buyer.DownsellStep, winner["next"]!["stepId"]!.GetValue<Guid>());
            Assert.Equal((Domain.PostPurchase.StepState.Declined, 0, 0, 0), (visit.State, charges, consents, lines));
        }
        Assert.Equal(1 + charges, await Ledger.SucceededChargesAsync(app, buyer.OrderId));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task Twenty_concurrent_checkouts_with_one_key_place_one_order()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var email = $"{Guid.NewGuid():N}@example.com";
        var body = new { funnel = Buyer.Funnel, email, name = "Twenty", paymentMethod = "pm_card_visa", bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true };

        var responses = await TogetherAsync(_ => Buyer.PostCheckoutAsync(client, body, key));

        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {r.Status}: {r.Text}"));
        var created = responses.Where(r => r.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(r => r.Text).Distinct());
        var orders = await app.QueryAsync(db => db.Orders.Where(o => o.Email == email).Select(o => o.Id).ToListAsync());
        var orderId = Assert.Single(orders);
        Assert.Equal(created[0].Body["orderId"]!.GetValue<Guid>(), orderId);
        Assert.Equal(1, await Ledger.SucceededChargesAsync(app, orderId));
        await Ledger.AssertAgreesAsync(app, orderId);
    }

    [Fact]
    public async Task Twenty_concurrent_copies_of_a_bad_checkout_with_one_key_are_all_refused_and_change_nothing()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var body = new { funnel = Buyer.Funnel, email = "no-at-sign", name = "Bad", paymentMethod = "pm_card_visa", savePaymentMethodForOffers = true };
        var before = await app.QueryAsync(async db => (await db.Orders.CountAsync(), await db.IdempotencyRecords.CountAsync()));

        var responses = await TogetherAsync(_ => Buyer.PostCheckoutAsync(client, body, key));

        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"unexpected {r.Status}: {r.Text}"));
        Assert.Contains(responses, r => r.Status == HttpStatusCode.BadRequest);
        Assert.Equal(before, await app.QueryAsync(async db => (await db.Orders.CountAsync(), await db.IdempotencyRecords.CountAsync())));
    }

    private async Task AssertChargedOnceAsync(Guid orderId)
    {
        var (charges, lines, consents, ledger) = await app.QueryAsync(async db =>
        {
            var offerCharges = await db.Charges.Where(c => c.OrderId == orderId && c.Kind == ChargeKind.Offer).ToListAsync();
            var keys = offerCharges.Select(c => c.IdempotencyKey).ToList();
            return (offerCharges,
                await db.OrderLines.CountAsync(l => l.OrderId == orderId && l.Kind == OrderLineKind.Offer),
                await db.ConsentRecords.CountAsync(c => c.OrderId == orderId),
                await db.SandboxPaymentIntents.CountAsync(i => keys.Contains(i.IdempotencyKey) && i.Status == SandboxIntentStatus.Succeeded));
        });
        Assert.Equal(ChargeStatus.Succeeded, Assert.Single(charges).Status);
        Assert.Equal(1, lines);
        Assert.Equal(1, consents);
        Assert.Equal(1, ledger);
        // The gateway's side alone: one payment for the session's one-click charges, whatever Encore recorded.
        var sessionKeys = $"encore:offer:{charges[0].SessionId:N}:";
        Assert.Equal(1, await app.QueryAsync(db => db.SandboxPaymentIntents.CountAsync(i => i.IdempotencyKey.StartsWith(sessionKeys))));
    }

    /// <summary>Starts the requests together: each waits on one gate, then all go at once.</summary>
    private static async Task<List<(HttpStatusCode Status, string Text, JsonNode Body)>> TogetherAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Requests).Select(async i =>
        {
            await gate.Task;
            var response = await send(i);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text, JsonNode.Parse(text)!);
        }).ToList();
        gate.SetResult();
        return (await Task.WhenAll(tasks)).ToList();
    }

    [Fact]
    public async Task The_database_refuses_a_second_charge_of_a_step_and_leaves_charges_without_a_session_alone()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        var offer = await app.QueryAsync(db => db.Charges.AsNoTracking().SingleAsync(c => c.OrderId == buyer.OrderId && c.StepId == Buyer.OfferStep));
        Charge Copy(Guid? sessionId, Guid? stepId, string key) => new()
        {
            Id = Guid.NewGuid(), OrderId = offer.OrderId, Kind = offer.Kind, SessionId = sessionId, StepId = stepId, Amount = offer.Amount,
            Currency = offer.Currency, IdempotencyKey = key, Status = ChargeStatus.Failed, CreatedAt = offer.CreatedAt, // settled: no pass picks it up
        };

        // The unique (SessionId, StepId) index, now over charges with a session only, still refuses a second charge of the step.
        await Assert.ThrowsAsync<DbUpdateException>(() => app.QueryAsync(async db =>
        {
            db.Charges.Add(Copy(offer.SessionId, offer.StepId, "test:step-again:" + offer.Id));
            return await db.SaveChangesAsync();
        }));
        // Charges with no session (as renewals are) never meet in it.
        Assert.Equal(2, await app.QueryAsync(async db =>
        {
            db.Charges.AddRange(Copy(null, null, "test:no-session-1:" + offer.Id), Copy(null, null, "test:no-session-2:" + offer.Id));
            return await db.SaveChangesAsync();
        }));
        Assert.Equal(1, await app.QueryAsync(db => db.Charges.CountAsync(c => c.SessionId == offer.SessionId && c.StepId == Buyer.OfferStep)));
    }
}

public sealed class ExactlyOnceTests_Sqlite(SqliteApp app) : ExactlyOnceTests<SqliteApp>(app);

public sealed class ExactlyOnceTests_Postgres(PostgresApp app) : ExactlyOnceTests<PostgresApp>(app);
