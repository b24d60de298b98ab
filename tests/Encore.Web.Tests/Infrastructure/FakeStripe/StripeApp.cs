using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StripeClient = Stripe.StripeClient;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// Encore configured as a seller would for Stripe test mode (ENCORE_STRIPE_SECRET_KEY=sk_test_…), its API base
/// pointed at a <see cref="FakeStripeServer"/> on loopback, so every payment goes through the real StripeGateway and Stripe.net.
/// </summary>
public class StripeApp(DatabaseKind kind) : EncoreApp(kind)
{
    public FakeStripeServer Stripe { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Stripe = await FakeStripeServer.StartAsync();
        // Stripe's test clock: the fake's times follow the app's, so that a test moving time moves both.
        Stripe.Clock = Clock;
        Stripe.SendWebhooksTo(() => CreateClient(), body => StripeEvents.Sign(body, StripeWebhookSecret));
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ENCORE_STRIPE_SECRET_KEY", "sk_test_encore_fake");
        builder.UseSetting("ENCORE_STRIPE_PUBLISHABLE_KEY", "pk_test_encore_fake");
        builder.UseSetting("ENCORE_STRIPE_API_BASE", Stripe.ApiBase);
        // Stripe.net's own retries would hide the injected faults (they are safe: same idempotency key).
        builder.UseSetting("ENCORE_STRIPE_MAX_NETWORK_RETRIES", "0");
        // The fixture wraps the Sandbox for its fault tests; here the app's own choice, Stripe, must be the gateway.
        builder.ConfigureTestServices(services => services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<StripeGateway>()));
    }

    /// <summary>Stops Encore and the fake, then holds everything the fake served and read for these tests against Stripe.net.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is null) return;
        await Stripe.DisposeAsync();
        FakeStripeConformance.AssertConforms(Stripe);
    }

    public override string Gateway => "stripe";

    /// <summary>
    /// What Stripe.js's createConfirmationToken makes from the Payment Element in the buyer's browser: here Stripe's test
    /// helper makes it from a test payment method, as the stand-in Stripe.js of the browser tests does; its id.
    /// </summary>
    public async Task<string> ConfirmationTokenAsync(string testPaymentMethod, bool keepsCard)
    {
        var client = new StripeClient("sk_test_encore_fake", apiBase: Stripe.ApiBase);
        var token = await new global::Stripe.TestHelpers.ConfirmationTokenService(client).CreateAsync(new global::Stripe.TestHelpers.ConfirmationTokenCreateOptions
        {
            PaymentMethod = testPaymentMethod,
            SetupFutureUsage = keepsCard ? "off_session" : null,
        });
        return token.Id;
    }

    /// <summary>Stripe.js's 3-D Secure window, answered by the bank, for the PaymentIntent or SetupIntent named in Encore's authentication page address.</summary>
    public override Task BankAnswersAsync(string actionUrl, bool approve)
    {
        Assert.StartsWith(StripeGateway.AuthenticationPath, actionUrl);
        var id = actionUrl[StripeGateway.AuthenticationPath.Length..].Split('?')[0];
        Assert.True(id.StartsWith("pi_", StringComparison.Ordinal) || id.StartsWith("seti_", StringComparison.Ordinal), $"not a Stripe intent: {id}");
        Stripe.CompleteAuthentication(id, approve);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stripe's test mode has no card that pays at checkout and is declined off-session afterwards (its 0341 declines the
    /// checkout too): a Visa pays, then the fake's bank declines the customer's off-session charges.
    /// </summary>
    public override string CardDeclinedOffSessionLater => "pm_card_visa";

    public override async Task BankDeclinesOffSessionAsync(Guid orderId) =>
        Stripe.DeclineOffSessionChargesOf(await QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.GatewayCustomerId!).SingleAsync()));

    public override async Task<int> SucceededAtGatewayAsync(Guid orderId) =>
        (await ChargesAndIntentsAsync(orderId)).Intents.Count(i => i.Status == "succeeded");

    public override async Task AssertGatewayAgreesAsync(Guid orderId)
    {
        await AssertLedgerAgreesAsync(orderId);
        var (charges, lines) = await QueryAsync(async db => (
            await db.Charges.AsNoTracking().Where(c => c.OrderId == orderId && c.Kind == ChargeKind.Offer).ToListAsync(),
            await db.OrderLines.AsNoTracking().Where(l => l.OrderId == orderId).ToListAsync()));
        Assert.All(charges, c => Assert.Equal(c.Status == ChargeStatus.Succeeded ? 1 : 0, lines.Count(l => l.ChargeId == c.Id)));
    }

    /// <summary>The fake Stripe's intents for the charges of one order (by the idempotency key each charge sent).</summary>
    public async Task<(List<Charge> Charges, List<FakeIntent> Intents)> ChargesAndIntentsAsync(Guid orderId)
    {
        var charges = await QueryAsync(db => db.Charges.AsNoTracking().Where(c => c.OrderId == orderId).ToListAsync());
        var keys = charges.Select(c => c.IdempotencyKey).ToHashSet();
        return (charges, Stripe.Intents.Where(i => i.IdempotencyKey is { } k && keys.Contains(k)).ToList());
    }

    /// <summary>
    /// Stripe's ledger equals Encore's order: every succeeded charge is one succeeded intent of the same amount and
    /// currency (a succeeded charge of 0, one succeeded SetupIntent), nothing else succeeded, and no key made more
    /// than one intent or setup.
    /// </summary>
    public async Task AssertLedgerAgreesAsync(Guid orderId)
    {
        var (charges, intents) = await ChargesAndIntentsAsync(orderId);
        var keys = charges.Select(c => c.IdempotencyKey).ToHashSet();
        var setups = Stripe.Setups.Where(s => s.IdempotencyKey is { } k && keys.Contains(k)).ToList();
        Assert.Equal(intents.Count + setups.Count, intents.Select(i => i.IdempotencyKey).Concat(setups.Select(s => s.IdempotencyKey)).Distinct().Count());
        var succeeded = charges.Where(c => c.Status == ChargeStatus.Succeeded).ToList();
        Assert.Equal(
            succeeded.Where(c => c.Amount > 0).Select(c => (c.IdempotencyKey, c.Amount, c.Currency.ToLowerInvariant())).Order(),
            intents.Where(i => i.Status == "succeeded").Select(i => (i.IdempotencyKey!, i.Amount, i.Currency)).Order());
        Assert.Equal(
            succeeded.Where(c => c.Amount == 0).Select(c => c.IdempotencyKey).Order(),
            setups.Where(s => s.Status == "succeeded").Select(s => s.IdempotencyKey!).Order());
        Assert.All(succeeded, c => Assert.Equal(c.Amount == 0
            ? setups.Single(s => s.IdempotencyKey == c.IdempotencyKey).Id
            : intents.Single(i => i.IdempotencyKey == c.IdempotencyKey).Id, c.GatewayPaymentId));
    }
}

public sealed class StripeSqliteApp() : StripeApp(DatabaseKind.Sqlite);

public sealed class StripePostgresApp() : StripeApp(DatabaseKind.Postgres);
