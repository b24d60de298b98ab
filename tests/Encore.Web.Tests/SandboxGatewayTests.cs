using Encore.Web.Data;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// The Sandbox's charge of a saved card (every renewal and one-click offer), called as Encore calls it. On PostgreSQL
/// it is one statement (the method read, the bank's decision and the payment inserted together); on SQLite a look-up and
/// an insert. Both must answer alike: one payment per key, the decision of the card's test method, the first answer
/// replayed, and a method that is not the customer's refused with nothing written.
/// </summary>
public abstract class SandboxGatewayTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    protected TApp App => app;
    protected readonly string _run = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_saved_card_is_charged_once_per_key_as_its_test_card_decides()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var customer = await CustomerAsync(gateway, "buyer");
        var visa = await SaveAsync(gateway, customer, SandboxTestCards.Visa);
        var declining = await SaveAsync(gateway, customer, SandboxTestCards.DeclinedOffSession);
        var authenticating = await SaveAsync(gateway, customer, SandboxTestCards.AuthenticationRequired);

        var paid = await gateway.ChargeAsync(OffSession(customer, visa, "paid"), CancellationToken.None);
        Assert.Equal((PaymentStatus.Succeeded, 2900L, "USD", null as string, null as string), (paid.Status, paid.Amount, paid.Currency, paid.DeclineCode, paid.ActionUrl));
        Assert.Equal(new SavedCard(visa, "visa", "4242"), paid.Card);

        var replayed = await gateway.ChargeAsync(OffSession(customer, visa, "paid"), CancellationToken.None);
        Assert.Equal((paid.PaymentId, PaymentStatus.Succeeded), (replayed.PaymentId, replayed.Status));
        var otherAmount = await Assert.ThrowsAsync<GatewayRequestException>(() => gateway.ChargeAsync(OffSession(customer, visa, "paid", 3000), CancellationToken.None));
        Assert.Equal("idempotency_error", otherAmount.Code);

        var declined = await gateway.ChargeAsync(OffSession(customer, declining, "declined") with { ReturnUrl = null }, CancellationToken.None);
        Assert.Equal((PaymentStatus.Failed, "generic_decline"), (declined.Status, declined.DeclineCode));
        Assert.False(string.IsNullOrEmpty(declined.FailureMessage));
        Assert.Equal(new SavedCard(declining, "visa", "0416"), declined.Card);

        var asked = await gateway.ChargeAsync(OffSession(customer, authenticating, "asked"), CancellationToken.None);
        Assert.Equal((PaymentStatus.RequiresAction, SandboxGateway.AuthenticationPath + asked.PaymentId), (asked.Status, asked.ActionUrl));

        // The ledger: one payment per key, the decision and the request recorded as the answers said.
        var intents = await app.QueryAsync(db => db.SandboxPaymentIntents.AsNoTracking()
            .Where(i => i.IdempotencyKey.StartsWith($"test:{_run}:off:")).OrderBy(i => i.IdempotencyKey).ToListAsync());
        Assert.Equal(
        [
            ($"test:{_run}:off:asked", asked.PaymentId, SandboxIntentStatus.RequiresAction, "authentication_required", false),
            ($"test:{_run}:off:declined", declined.PaymentId, SandboxIntentStatus.RequiresPaymentMethod, "generic_decline", false),
            ($"test:{_run}:off:paid", paid.PaymentId, SandboxIntentStatus.Succeeded, null, true),
        ], intents.Select(i => (i.IdempotencyKey, i.Id, i.Status, i.DeclineCode, i.SucceededAt is not null)).ToList());
        Assert.All(intents, i => Assert.Equal((2900L, "USD", customer, true), (i.Amount, i.Currency, i.CustomerId, i.OffSession)));
        Assert.Equal(["/return", null, "/return"], intents.Select(i => i.ReturnUrl).ToList());
    }

    [Fact]
    public async Task A_charge_on_a_method_that_is_not_the_customers_is_refused_and_writes_nothing()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var owner = await CustomerAsync(gateway, "owner");
        var stranger = await CustomerAsync(gateway, "stranger");
        var card = await SaveAsync(gateway, owner, SandboxTestCards.Visa);
        var detached = await SaveAsync(gateway, owner, SandboxTestCards.Mastercard);
        await gateway.DetachPaymentMethodAsync(detached, CancellationToken.None);

        async Task<string> RefusedAsync(ChargeRequest request) =>
            (await Assert.ThrowsAsync<GatewayRequestException>(() => gateway.ChargeAsync(request, CancellationToken.None))).Code;
        Assert.Equal("payment_method_not_attached", await RefusedAsync(OffSession(stranger, card, "stranger")));
        Assert.Equal("payment_method_not_attached", await RefusedAsync(OffSession(owner, detached, "detached")));
        Assert.Equal("resource_missing", await RefusedAsync(OffSession(owner, "pm_sbx_000000000000000000000000", "missing")));
        Assert.Equal(0, await app.QueryAsync(db => db.SandboxPaymentIntents.CountAsync(i => i.IdempotencyKey.StartsWith($"test:{_run}:off:"))));
    }

    protected async Task<string> CustomerAsync(IPaymentGateway gateway, string name) =>
        (await gateway.CreateCustomerAsync(new CreateCustomerRequest($"{name}-{_run}@example.com", name, $"test:{_run}:customer:{name}"), CancellationToken.None)).Id;

    /// <summary>A test card saved for off-session charges by a first, on-session payment, as at checkout.</summary>
    protected async Task<string> SaveAsync(IPaymentGateway gateway, string customer, string testCard)
    {
        var result = await gateway.ChargeAsync(new ChargeRequest
        {
            Amount = 100, Currency = "USD", CustomerId = customer, PaymentMethodId = testCard,
            IdempotencyKey = $"test:{_run}:save:{customer}:{testCard}", SaveForOffSession = true,
        }, CancellationToken.None);
        return result.Card!.PaymentMethodId;
    }

    protected ChargeRequest OffSession(string customer, string method, string key, long amount = 2900) => new()
    {
        Amount = amount, Currency = "USD", CustomerId = customer, PaymentMethodId = method,
        IdempotencyKey = $"test:{_run}:off:{key}", OffSession = true, ReturnUrl = "/return",
    };
}

public sealed class SandboxGatewayTests_Sqlite(SqliteApp app) : SandboxGatewayTests<SqliteApp>(app);

public sealed class SandboxGatewayTests_Postgres(PostgresApp app) : SandboxGatewayTests<PostgresApp>(app)
{
    /// <summary>
    /// On PostgreSQL the saved card's charge commits without waiting for its WAL flush (decision 0026), and only itself:
    /// the pooled connection that ran it keeps no session setting (Encore's connections are not reset when they go back to
    /// the pool), so Encore's own commits on it still wait for theirs. A gateway over a one-connection pool shows it.
    /// </summary>
    [Fact]
    public async Task A_saved_cards_charge_leaves_its_connection_committing_durably()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        var customer = await CustomerAsync(gateway, "lazy");
        var visa = await SaveAsync(gateway, customer, SandboxTestCards.Visa);

        var connection = new Npgsql.NpgsqlConnectionStringBuilder(scope.ServiceProvider.GetRequiredService<IConfiguration>()["ENCORE_DATABASE"])
        {
            MaxPoolSize = 1, ApplicationName = $"encore-sandbox-lazy-{_run}",
        };
        var one = new PooledDbContextFactory<PostgresEncoreDbContext>(
            new DbContextOptionsBuilder<PostgresEncoreDbContext>().UseNpgsql(DatabaseSetup.WithAutoPrepare(connection.ConnectionString)).Options);
        var databases = new EncoreDbContextFactory<PostgresEncoreDbContext>(one);
        async Task<(int Backend, string Setting)> SessionAsync()
        {
            await using var db = await databases.CreateDbContextAsync();
            return (await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync(),
                await db.Database.SqlQueryRaw<string>("SELECT current_setting('synchronous_commit') AS \"Value\"").SingleAsync());
        }
        var before = await SessionAsync();

        var paid = await new SandboxGateway(databases, TimeProvider.System).ChargeAsync(OffSession(customer, visa, "lazy"), CancellationToken.None);

        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        Assert.Equal(1, await App.QueryAsync(db => db.SandboxPaymentIntents.CountAsync(i => i.Id == paid.PaymentId && i.IdempotencyKey == $"test:{_run}:off:lazy")));
        Assert.Equal((before.Backend, "on"), await SessionAsync());
    }
}
