using System.Net;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Stripe;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace Encore.Web.Tests;

/// <summary>
/// The fake Stripe API cannot drift from the Stripe.net version Encore is built with: what it serves reads into Stripe.net's
/// entities with unknown members as errors, what it reads is in Stripe.net's options, and every route it serves is mapped
/// (<see cref="FakeStripeConformance"/>). Every Stripe test fixture checks its own traffic the same way when it is disposed;
/// here, every route once, and Encore's own calls on the buyer's path.
/// </summary>
public sealed class FakeStripeConformanceTests(StripeSqliteApp app) : IClassFixture<StripeSqliteApp>
{
    [Fact]
    public async Task Every_route_of_the_fake_answers_in_Stripe_nets_shapes_and_reads_only_Stripe_nets_parameters()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var client = new StripeClient("sk_test_encore_fake", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: stripe.ApiBase);
        var intents = new PaymentIntentService(client);
        var setups = new SetupIntentService(client);
        var tokens = new Stripe.TestHelpers.ConfirmationTokenService(client);
        var customer = await new CustomerService(client).CreateAsync(new CustomerCreateOptions { Email = "c@example.com", Name = "C" });
        await new PaymentMethodService(client).GetAsync("pm_card_visa");
        await Assert.ThrowsAsync<StripeException>(() => new PaymentMethodService(client).GetAsync("pm_nosuchcard"));

        var token = await tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa", SetupFutureUsage = "off_session" });
        var paid = await intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 6400, Currency = "usd", Customer = customer.Id, ConfirmationToken = token.Id, Confirm = true, SetupFutureUsage = "off_session",
            AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true, Description = "d", Metadata = new() { ["encore_idempotency_key"] = "k1" },
            Expand = ["payment_method"],
        }, new RequestOptions { IdempotencyKey = "k1" });
        await new ConfirmationTokenService(client).GetAsync(token.Id);
        var setup = await setups.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_authenticationRequired", Confirm = true, Usage = "off_session",
            AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true, Metadata = new() { ["encore_idempotency_key"] = "k2" }, Expand = ["payment_method"],
        });
        stripe.CompleteAuthentication(setup.Id, approve: true);
        var offSession = await Assert.ThrowsAsync<StripeException>(() => intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 100, Currency = "usd", Customer = customer.Id, PaymentMethod = setup.PaymentMethodId, Confirm = true, OffSession = true,
            AllowedPaymentMethodTypes = ["card"],
        }));
        Assert.Equal("authentication_required", offSession.StripeError.Code);
        var again = await intents.ConfirmAsync(offSession.StripeError.PaymentIntent.Id, new PaymentIntentConfirmOptions
        {
            PaymentMethod = setup.PaymentMethodId, UseStripeSdk = true, Expand = ["payment_method"],
        });
        Assert.Equal("requires_action", again.Status);
        await intents.GetAsync(paid.Id, new PaymentIntentGetOptions { Expand = ["payment_method"] });
        var detached = await new PaymentMethodService(client).DetachAsync(setup.PaymentMethodId, null, new RequestOptions { IdempotencyKey = "k3" });
        Assert.Null(detached.CustomerId);
        await Assert.ThrowsAsync<StripeException>(() => new PaymentMethodService(client).DetachAsync(setup.PaymentMethodId));
        await Assert.ThrowsAsync<StripeException>(() => intents.GetAsync("pi_nosuchintent"));
        await intents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['encore_idempotency_key']:'k1'", Limit = 2, Expand = ["data.payment_method"] });
        await intents.ListAsync(new PaymentIntentListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow.AddHours(-2) }, Limit = 1, Expand = ["data.payment_method"] });
        await setups.GetAsync(setup.Id, new SetupIntentGetOptions { Expand = ["payment_method"] });
        await setups.ListAsync(new SetupIntentListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow.AddHours(-2) }, Limit = 1, Expand = ["data.payment_method"] });
        var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 700 });
        await new RefundService(client).GetAsync(refund.Id);
        await new RefundService(client).ListAsync(new RefundListOptions { PaymentIntent = paid.Id, Limit = 10 });
        await Assert.ThrowsAsync<StripeException>(() => new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 99_999 }));
        await Assert.ThrowsAsync<StripeException>(() => new CustomerService(new StripeClient("sk_live_not_a_test_key", apiBase: stripe.ApiBase))
            .CreateAsync(new CustomerCreateOptions { Email = "x@example.com" }));

        Assert.Empty(FakeStripeConformance.Routes.Keys.Except(stripe.Served.Select(r => r.Route))); // every mapped route was exercised
        FakeStripeConformance.AssertConforms(stripe);
    }

    [Fact]
    public async Task Encores_calls_on_the_buyers_path_are_answered_and_read_in_Stripe_nets_shapes()
    {
        var (orderId, _, _) = await Orders.BuyAsync(app, acceptOffer: true);
        var api = await Orders.DemoApiAsync(app);
        var bump = await Orders.LineAsync(app, orderId, OrderLineKind.Bump);
        await Buyer.ReadAsync(await Orders.RefundAsync(api, orderId, bump.Id, 700, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        await Orders.BuyAsync(app, paymentMethod: "pm_card_chargeDeclined");
        var challenged = await new Buyer(app.CreateClient()).CheckoutAsync("pm_card_authenticationRequired", withBump: false);
        await app.BankAnswersAsync(challenged["next"]!["actionUrl"]!.GetValue<string>(), approve: true);
        var (_, _, lost) = await Orders.BuyAsync(app);
        app.Stripe.ChargeFault = FakeStripeFault.DropAfterCreating;
        app.Stripe.SearchLags = true;
        try
        {
            await lost.AcceptAsync(Buyer.OfferStep, await lost.DisclosureHashAsync());
            await app.ReconcileAsync();
        }
        finally
        {
            (app.Stripe.ChargeFault, app.Stripe.SearchLags) = (FakeStripeFault.None, false);
        }
        await app.ReconcileAsync();
        Assert.Null(await app.Services.GetRequiredService<StripeGateway>().ClientSecretForActionAsync("pi_nosuchintent", CancellationToken.None));
        Assert.Equal(2, await app.SucceededAtGatewayAsync(orderId));

        FakeStripeConformance.AssertConforms(app.Stripe);
    }

    [Fact]
    public void The_check_finds_a_member_an_option_and_a_route_Stripe_net_does_not_have()
    {
        var problems = FakeStripeConformance.Problems(
            served:
            [
                new("POST /v1/payment_intents", 200, """{"id":"pi_1","object":"payment_intent","amount":1,"amount_capturable_soon":1}"""),
                new("POST /v1/payment_intents", 200, """{"id":"pi_2","object":"payment_intent","amount":1,"status":"succeeded"}"""),
                new("GET /v1/payment_intents/{id}", 404, """{"error":{"type":"invalid_request_error","message":"m","hint":"h"}}"""),
                new("GET /v1/payment_intents/{id}", 404, """{"error":{"type":"invalid_request_error","message":"m"}}"""),
                new("POST /v1/charges", 200, """{"id":"ch_1"}"""),
                new("(no route) GET /v1/balance", 404, ""),
                new("GET /fake/3ds/{id}", 200, "<html></html>"),
            ],
            read:
            [
                new("POST /v1/payment_intents", "payment_method_typess[0]"),
                new("POST /v1/payment_intents", "amount[value]"),
                new("POST /v1/payment_intents", "amount"),
                new("POST /v1/payment_intents", "metadata[anything]"),
                new("POST /v1/payment_intents", "expand[0]"),
                new("POST /v1/payment_intents", "allowed_payment_method_types[]"),
                new("POST /v1/payment_intents", "payment_method_options[card][request_three_d_secure]"),
                new("GET /v1/payment_intents", "created[gte]"),
            ],
            sent: [new("POST /v1/payment_intents", "amount"), new("POST /v1/payment_intents", "receipt_email")]);

        Assert.Collection(problems,
            p => Assert.StartsWith("POST /v1/payment_intents 200: does not read as PaymentIntent", p),
            p => Assert.StartsWith("GET /v1/payment_intents/{id} 404: does not read as ErrorBody", p),
            p => Assert.StartsWith("POST /v1/charges: served, but not mapped", p),
            p => Assert.StartsWith("(no route) GET /v1/balance: the fake has no such route", p),
            p => Assert.StartsWith("POST /v1/payment_intents: the fake reads 'payment_method_typess[0]'", p),
            p => Assert.StartsWith("POST /v1/payment_intents: the fake reads 'amount[value]'", p),
            p => Assert.StartsWith("POST /v1/payment_intents: 'receipt_email' was sent, and the fake never reads it", p));
    }
}
