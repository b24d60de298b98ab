using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// <c>/webhooks/stripe</c>: signed, of Stripe.net's API version, once per event id, a prompt to ask the gateway. Refund events
/// (and refunds made in Stripe's Dashboard) are in <see cref="StripeRefundTests{TApp}"/>, against the fake Stripe.
/// </summary>
public abstract class StripeWebhookTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_payment_event_settles_a_charge_whose_answer_was_lost_once_and_a_replay_changes_nothing()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Faults.OffSessionFault = ChargeFault.AnswerLostAfterCharging;
        try { await buyer.AcceptAsync(Buyer.OfferStep, await buyer.DisclosureHashAsync()); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        var charge = await app.QueryAsync(db => db.Charges.SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));
        Assert.Equal(ChargeStatus.Unknown, charge.Status);
        var intentId = await app.QueryAsync(db => db.SandboxPaymentIntents.Where(i => i.IdempotencyKey == charge.IdempotencyKey).Select(i => i.Id).SingleAsync());

        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var body = Event(eventId, "payment_intent.succeeded", new JsonObject
        {
            ["id"] = intentId, ["object"] = "payment_intent", ["amount"] = charge.Amount, ["currency"] = "usd", ["status"] = "succeeded",
            ["metadata"] = new JsonObject { ["encore_charge"] = charge.Id.ToString() },
        });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(body)).StatusCode);
        Assert.Equal(ChargeStatus.Succeeded, await app.QueryAsync(db => db.Charges.Where(c => c.Id == charge.Id).Select(c => c.Status).SingleAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));

        var replay = await SendAsync(body);
        Assert.Contains("duplicate", await replay.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
        Assert.Equal(1, await app.QueryAsync(db => db.StripeEvents.CountAsync(e => e.Id == eventId)));
        await Ledger.AssertAgreesAsync(app, buyer.OrderId);
    }

    [Fact]
    public async Task An_event_claiming_success_for_a_charge_the_gateway_never_made_changes_nothing()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Faults.OffSessionFault = ChargeFault.NeverReached;
        try { await buyer.AcceptAsync(Buyer.OfferStep, await buyer.DisclosureHashAsync()); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        var charge = await app.QueryAsync(db => db.Charges.SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));

        // A validly signed event (a leaked secret, a bug) naming a payment the gateway does not have.
        var forged = Event("evt_" + Guid.NewGuid().ToString("N"), "payment_intent.succeeded", new JsonObject
        {
            ["id"] = "pi_forged", ["object"] = "payment_intent", ["status"] = "succeeded", ["metadata"] = new JsonObject { ["encore_charge"] = charge.Id.ToString() },
        });
        var response = await SendAsync(forged);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // heard, and checked with the gateway, which has no such payment
        Assert.Equal(ChargeStatus.Unknown, await app.QueryAsync(db => db.Charges.Where(c => c.Id == charge.Id).Select(c => c.Status).SingleAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.OrderLines.CountAsync(l => l.OrderId == buyer.OrderId && l.Kind == OrderLineKind.Offer)));
    }

    [Fact]
    public async Task An_event_of_another_API_version_is_refused_with_a_400_until_the_endpoint_uses_Stripe_nets_version()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Faults.OffSessionFault = ChargeFault.AnswerLostAfterCharging;
        try { await buyer.AcceptAsync(Buyer.OfferStep, await buyer.DisclosureHashAsync()); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        var charge = await app.QueryAsync(db => db.Charges.SingleAsync(c => c.OrderId == buyer.OrderId && c.Kind == ChargeKind.Offer));
        var intentId = await app.QueryAsync(db => db.SandboxPaymentIntents.Where(i => i.IdempotencyKey == charge.IdempotencyKey).Select(i => i.Id).SingleAsync());
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var intent = new JsonObject
        {
            ["id"] = intentId, ["object"] = "payment_intent", ["amount"] = charge.Amount, ["currency"] = "usd", ["status"] = "succeeded",
            ["metadata"] = new JsonObject { ["encore_charge"] = charge.Id.ToString() },
        };

        // The Dashboard endpoint was left at the account's old version: Stripe.net would misread its objects.
        var refused = await SendAsync(StripeEvents.Event(eventId, "payment_intent.succeeded", (JsonObject)intent.DeepClone(), apiVersion: "2025-01-27.acacia"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(global::Stripe.StripeConfiguration.ApiVersion, await refused.Content.ReadAsStringAsync());
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error &&
            e.Message.Contains("2025-01-27.acacia") && e.Message.Contains(global::Stripe.StripeConfiguration.ApiVersion) && e.Message.Contains(eventId));
        Assert.Equal(0, await app.QueryAsync(db => db.StripeEvents.CountAsync(e => e.Id == eventId)));
        Assert.Equal(ChargeStatus.Unknown, await app.QueryAsync(db => db.Charges.Where(c => c.Id == charge.Id).Select(c => c.Status).SingleAsync()));

        // The seller sets the endpoint's version; Stripe's retry of the same event is rendered in it and handled.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(StripeEvents.Event(eventId, "payment_intent.succeeded", intent))).StatusCode);
        Assert.Equal(ChargeStatus.Succeeded, await app.QueryAsync(db => db.Charges.Where(c => c.Id == charge.Id).Select(c => c.Status).SingleAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.StripeEvents.CountAsync(e => e.Id == eventId)));
    }

    [Fact]
    public async Task The_README_names_the_endpoints_API_version_and_every_event_Encore_handles()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(EncoreProcess.RepositoryRoot(), "README.md"));
        var stripe = readme[readme.IndexOf("## Stripe", StringComparison.Ordinal)..];
        var version = global::Stripe.StripeConfiguration.ApiVersion;
        Assert.Contains($"`{version}`", stripe);
        Assert.All(Encore.Web.Payments.Stripe.StripeWebhooks.Handled, type => Assert.Contains($"`{type}`", stripe));
    }

    [Fact]
    public async Task A_bad_signature_is_refused_and_nothing_is_recorded()
    {
        var body = Event("evt_bad", "payment_intent.succeeded", new JsonObject { ["id"] = "pi_x", ["object"] = "payment_intent" });
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", Sign(body, "whsec_someone_else"));
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.QueryAsync(db => db.StripeEvents.CountAsync(e => e.Id == "evt_bad")));
    }

    private Task<HttpResponseMessage> SendAsync(string body) => StripeEvents.SendAsync(app.CreateClient(), body);

    private static string Event(string id, string type, JsonObject data) => StripeEvents.Event(id, type, data);

    private static string Sign(string body, string secret) => StripeEvents.Sign(body, secret);
}

public sealed class StripeWebhookTests_Sqlite(SqliteApp app) : StripeWebhookTests<SqliteApp>(app);

public sealed class StripeWebhookTests_Postgres(PostgresApp app) : StripeWebhookTests<PostgresApp>(app);
