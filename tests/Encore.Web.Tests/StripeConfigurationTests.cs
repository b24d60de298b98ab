using Encore.Web.Payments;
using Encore.Web.Payments.Stripe;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>Which gateway Encore starts with, and the key-mode guard: no test key in Production, no live key elsewhere.</summary>
public sealed class StripeConfigurationTests
{
    [Theory]
    [InlineData("Production", "sk_test_abc", "not a live key")]
    [InlineData("Development", "sk_live_abc", "not a test key")]
    [InlineData("Testing", "sk_live_abc", "not a test key")]
    public void A_key_of_the_wrong_mode_stops_the_app_from_starting(string environment, string key, string expected)
    {
        using var factory = Factory(environment, key);
        var exception = Record.Exception(() => factory.Server);
        Assert.NotNull(exception);
        var messages = string.Join(" | ", Chain(exception));
        Assert.Contains(expected, messages);
        Assert.Contains("ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH", messages);
    }

    [Fact]
    public void A_publishable_key_of_the_other_mode_stops_the_app_from_starting()
    {
        using var factory = Factory("Development", "sk_test_abc", publishable: "pk_live_abc");
        var exception = Record.Exception(() => factory.Server);
        Assert.Contains("not of the same mode", string.Join(" | ", Chain(exception)));
    }

    [Theory]
    [InlineData("Production", "sk_live_abc", null)]
    [InlineData("Development", "sk_test_abc", null)]
    [InlineData("Production", "sk_test_abc", "true")]
    public void A_key_of_the_right_mode_or_a_deliberate_mismatch_starts_with_Stripe(string environment, string key, string? allowMismatch)
    {
        using var factory = Factory(environment, key, allowMismatch);
        Assert.IsType<StripeGateway>(factory.Services.GetRequiredService<IPaymentGateway>());
    }

    [Fact]
    public void Without_a_secret_key_the_Sandbox_is_the_gateway()
    {
        using var factory = Factory("Development", null);
        Assert.IsType<Payments.Sandbox.SandboxGateway>(factory.Services.GetRequiredService<IPaymentGateway>());
    }

    private static WebApplicationFactory<Program> Factory(string environment, string? key, string? allowMismatch = null, string? publishable = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-stripe-config-{Guid.NewGuid():N}.db");
        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={file}");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:SeedDemo", "false");
            if (key is not null) builder.UseSetting("ENCORE_STRIPE_SECRET_KEY", key);
            if (publishable is not null) builder.UseSetting("ENCORE_STRIPE_PUBLISHABLE_KEY", publishable);
            if (allowMismatch is not null) builder.UseSetting("ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH", allowMismatch);
        });
    }

    private static IEnumerable<string> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e.Message;
    }
}

/// <summary>The adapter on its own against the fake Stripe: the mappings the buyer's path does not reach.</summary>
public sealed class StripeAdapterTests : IAsyncLifetime
{
    private FakeStripeServer _stripe = null!;
    private StripeGateway _gateway = null!;

    /// <summary>When the tests' charges are recorded: each test makes its payments within seconds of starting.</summary>
    private readonly DateTimeOffset _recordedAt = DateTimeOffset.UtcNow;

    private Task<PaymentResult?> Find(string key) => _gateway.FindPaymentByIdempotencyKeyAsync(key, _recordedAt, CancellationToken.None);

    public async ValueTask InitializeAsync()
    {
        _stripe = await FakeStripeServer.StartAsync();
        _gateway = new StripeGateway(new StripeSettings { SecretKey = "sk_test_adapter", ApiBase = _stripe.ApiBase, MaxNetworkRetries = 0 });
    }

    public ValueTask DisposeAsync() => _stripe.DisposeAsync();

    private static ChargeRequest Charge(string key, long amount = 1000, string method = "pm_card_visa") => new()
    {
        Amount = amount, Currency = "USD", PaymentMethodId = method, IdempotencyKey = key,
    };

    [Fact]
    public async Task The_same_key_with_other_parameters_is_refused_and_with_the_same_replays_the_first_payment()
    {
        var first = await _gateway.ChargeAsync(Charge("k1"), CancellationToken.None);
        var again = await _gateway.ChargeAsync(Charge("k1"), CancellationToken.None);
        Assert.Equal(PaymentStatus.Succeeded, first.Status);
        Assert.Equal(first.PaymentId, again.PaymentId);
        Assert.Equal("USD", first.Currency);
        var refused = await Assert.ThrowsAsync<GatewayRequestException>(() => _gateway.ChargeAsync(Charge("k1", 2000), CancellationToken.None));
        Assert.Equal("idempotency_error", refused.Code);
        Assert.Single(_stripe.Intents);
    }

    [Fact]
    public async Task A_payment_is_found_by_its_key_and_an_unknown_key_finds_nothing()
    {
        var paid = await _gateway.ChargeAsync(Charge("it's-a-key"), CancellationToken.None);
        var found = await Find("it's-a-key");
        Assert.Equal(paid.PaymentId, found?.PaymentId);
        Assert.Equal(PaymentStatus.Succeeded, found!.Status);
        Assert.Equal(new SavedCard(paid.Card!.PaymentMethodId, "visa", "4242"), found.Card);
        Assert.Null(await Find("never-sent"));
        Assert.Equal(paid.PaymentId, (await _gateway.GetPaymentAsync(paid.PaymentId, CancellationToken.None)).PaymentId);
        Assert.Equal("resource_missing", (await Assert.ThrowsAsync<GatewayRequestException>(() =>
            _gateway.GetPaymentAsync("pi_missing", CancellationToken.None))).Code);
    }

    [Fact]
    public async Task A_payment_search_has_not_indexed_yet_is_found_in_the_recent_list()
    {
        for (var i = 0; i < 120; i++) await _gateway.ChargeAsync(Charge($"other-{i}"), CancellationToken.None);
        var paid = await _gateway.ChargeAsync(Charge("fresh"), CancellationToken.None);
        for (var i = 0; i < 120; i++) await _gateway.ChargeAsync(Charge($"later-{i}"), CancellationToken.None);
        _stripe.SearchLags = true;
        Assert.Equal(paid.PaymentId, (await Find("fresh"))?.PaymentId);
        Assert.Null(await Find("never-sent"));
    }

    [Fact]
    public async Task Payment_methods_are_described_and_an_unknown_one_is_null()
    {
        Assert.Equal(new SavedCard("pm_card_mastercard", "mastercard", "4444"),
            await _gateway.DescribePaymentMethodAsync("pm_card_mastercard", CancellationToken.None));
        Assert.Null(await _gateway.DescribePaymentMethodAsync("pm_nope", CancellationToken.None));
        Assert.Null(await _gateway.DescribePaymentMethodAsync("4242424242424242", CancellationToken.None));
    }

    [Fact]
    public async Task Declines_are_failed_payments_with_Stripes_decline_code()
    {
        var declined = await _gateway.ChargeAsync(Charge("d1", method: "pm_card_chargeDeclinedInsufficientFunds"), CancellationToken.None);
        Assert.Equal(PaymentStatus.Failed, declined.Status);
        Assert.Equal("insufficient_funds", declined.DeclineCode);
        Assert.StartsWith("pi_", declined.PaymentId);
        Assert.Equal(PaymentStatus.Failed, (await Find("d1"))!.Status);
    }

    [Fact]
    public async Task A_lost_connection_a_500_or_a_409_for_a_key_in_flight_is_unavailable_never_failed()
    {
        _stripe.ChargeFault = FakeStripeFault.DropBeforeCreating;
        await Assert.ThrowsAsync<GatewayUnavailableException>(() => _gateway.ChargeAsync(Charge("u1"), CancellationToken.None));
        _stripe.ChargeFault = FakeStripeFault.ServerErrorAfterCreating;
        await Assert.ThrowsAsync<GatewayUnavailableException>(() => _gateway.ChargeAsync(Charge("u2"), CancellationToken.None));
        _stripe.ChargeFault = FakeStripeFault.ConcurrentRequestInProgress;
        await Assert.ThrowsAsync<GatewayUnavailableException>(() => _gateway.ChargeAsync(Charge("u3"), CancellationToken.None));
        _stripe.ChargeFault = FakeStripeFault.None;
        Assert.Null(await Find("u1"));
        Assert.Equal(PaymentStatus.Succeeded, (await Find("u2"))!.Status);
    }

    [Fact]
    public async Task With_Stripe_nets_retries_a_dropped_answer_is_recovered_by_replaying_the_same_key()
    {
        var retrying = new StripeGateway(new StripeSettings { SecretKey = "sk_test_adapter", ApiBase = _stripe.ApiBase, MaxNetworkRetries = 2 });
        (_stripe.ChargeFault, _stripe.FaultTimes) = (FakeStripeFault.DropAfterCreating, 1);
        var paid = await retrying.ChargeAsync(Charge("r1"), CancellationToken.None);
        Assert.Equal(PaymentStatus.Succeeded, paid.Status);
        Assert.Equal(2, _stripe.CreateCalls);
        Assert.Single(_stripe.Intents);
    }

    /// <summary>A card setup: amount 0, saving the method for off-session charges, on a customer.</summary>
    private async Task<ChargeRequest> SetupAsync(string key, string method = "pm_card_visa") => new()
    {
        Amount = 0, Currency = "USD", PaymentMethodId = method, IdempotencyKey = key, SaveForOffSession = true,
        CustomerId = (await _gateway.CreateCustomerAsync(new CreateCustomerRequest("s@example.com", "Set Up", "cus-" + key), CancellationToken.None)).Id,
        ReturnUrl = "/pay/return/setup", Metadata = new Dictionary<string, string> { ["encore_order"] = "o1" },
    };

    [Fact]
    public async Task A_charge_of_nothing_that_saves_the_card_is_a_SetupIntent_replayed_found_and_read_like_a_payment()
    {
        var request = await SetupAsync("s1");
        var saved = await _gateway.ChargeAsync(request, CancellationToken.None);
        Assert.Equal((PaymentStatus.Succeeded, 0L, "USD"), (saved.Status, saved.Amount, saved.Currency));
        Assert.StartsWith("seti_", saved.PaymentId);
        var setup = Assert.Single(_stripe.Setups);
        Assert.Equal((saved.PaymentId, "off_session", request.CustomerId, "o1"), (setup.Id, setup.Usage, setup.Customer, setup.Metadata["encore_order"]));
        Assert.Equal(new SavedCard(setup.PaymentMethod!, "visa", "4242"), saved.Card);
        Assert.Equal(request.CustomerId, _stripe.CustomerOf(setup.PaymentMethod!));
        Assert.Empty(_stripe.Intents);

        Assert.Equal(saved, await _gateway.ChargeAsync(request, CancellationToken.None)); // Stripe's replay of the same key
        Assert.Equal("idempotency_error", (await Assert.ThrowsAsync<GatewayRequestException>(() =>
            _gateway.ChargeAsync(request with { PaymentMethodId = "pm_card_mastercard" }, CancellationToken.None))).Code);
        Assert.Equal(saved, await Find("s1"));
        Assert.Equal(saved, await _gateway.GetPaymentAsync(saved.PaymentId, CancellationToken.None));
        Assert.Single(_stripe.Setups);

        // What renewals do with it: off-session payments on the saved method.
        var renewal = await _gateway.ChargeAsync(Charge("after-setup") with
        {
            CustomerId = request.CustomerId, PaymentMethodId = saved.Card!.PaymentMethodId, OffSession = true,
        }, CancellationToken.None);
        Assert.Equal(PaymentStatus.Succeeded, renewal.Status);
    }

    [Fact]
    public async Task A_charge_of_nothing_that_saves_nothing_is_refused_before_Stripe_is_called()
    {
        var request = await SetupAsync("z1");
        Assert.Equal("amount_zero", (await Assert.ThrowsAsync<GatewayRequestException>(() =>
            _gateway.ChargeAsync(request with { SaveForOffSession = false }, CancellationToken.None))).Code);
        await Assert.ThrowsAsync<GatewayRequestException>(() => _gateway.ChargeAsync(request with { OffSession = true }, CancellationToken.None));
        Assert.Equal((0, 0), (_stripe.SetupCreateCalls, _stripe.CreateCalls));
    }

    [Fact]
    public async Task A_declined_setup_fails_with_the_decline_code_and_a_challenged_one_sends_the_buyer_to_the_authentication_page()
    {
        var declined = await _gateway.ChargeAsync(await SetupAsync("d1", "pm_card_chargeDeclined"), CancellationToken.None);
        Assert.Equal((PaymentStatus.Failed, "generic_decline"), (declined.Status, declined.DeclineCode));
        Assert.StartsWith("seti_", declined.PaymentId);
        Assert.Equal("visa", declined.Card?.Brand);
        var found = await Find("d1");
        Assert.Equal((declined.PaymentId, PaymentStatus.Failed, "generic_decline", "USD"), (found!.PaymentId, found.Status, found.DeclineCode, found.Currency));

        var challenged = await _gateway.ChargeAsync(await SetupAsync("a1", "pm_card_authenticationRequired"), CancellationToken.None);
        Assert.Equal(PaymentStatus.RequiresAction, challenged.Status);
        Assert.Equal($"{StripeGateway.AuthenticationPath}{challenged.PaymentId}?return=%2Fpay%2Freturn%2Fsetup", challenged.ActionUrl);
        Assert.Equal(challenged.PaymentId + "_secret_fake", await _gateway.ClientSecretForActionAsync(challenged.PaymentId, CancellationToken.None));
        _stripe.CompleteAuthentication(challenged.PaymentId, approve: false);
        Assert.Null(await _gateway.ClientSecretForActionAsync(challenged.PaymentId, CancellationToken.None));
        var refused = await _gateway.GetPaymentAsync(challenged.PaymentId, CancellationToken.None);
        Assert.Equal((PaymentStatus.Failed, "setup_intent_authentication_failure"), (refused.Status, refused.DeclineCode));
    }

    [Fact]
    public async Task A_lost_setup_answer_is_unavailable_and_the_list_finds_it_past_its_first_page_while_a_setup_never_sent_is_not_found()
    {
        for (var i = 0; i < 110; i++) await _gateway.ChargeAsync(await SetupAsync($"before-{i}"), CancellationToken.None);
        (_stripe.ChargeFault, _stripe.FaultTimes) = (FakeStripeFault.DropAfterCreating, 1);
        await Assert.ThrowsAsync<GatewayUnavailableException>(async () => await _gateway.ChargeAsync(await SetupAsync("lost"), CancellationToken.None));
        (_stripe.ChargeFault, _stripe.FaultTimes) = (FakeStripeFault.DropBeforeCreating, 1);
        await Assert.ThrowsAsync<GatewayUnavailableException>(async () => await _gateway.ChargeAsync(await SetupAsync("never"), CancellationToken.None));
        for (var i = 0; i < 110; i++) await _gateway.ChargeAsync(await SetupAsync($"after-{i}"), CancellationToken.None);

        var lost = await Find("lost");
        Assert.Equal(PaymentStatus.Succeeded, lost!.Status);
        Assert.Equal(_stripe.Setups.Single(s => s.IdempotencyKey == "lost").Id, lost.PaymentId);
        Assert.Null(await Find("never"));
    }

    [Fact]
    public async Task Refunds_replay_by_key_and_too_much_is_a_failed_refund()
    {
        var paid = await _gateway.ChargeAsync(Charge("p1", 1000), CancellationToken.None);
        var refund = await _gateway.RefundAsync(new RefundRequest(paid.PaymentId, 600, "rf1"), CancellationToken.None);
        var replay = await _gateway.RefundAsync(new RefundRequest(paid.PaymentId, 600, "rf1"), CancellationToken.None);
        Assert.True(refund.Succeeded);
        Assert.Equal(refund.RefundId, replay.RefundId);
        var tooMuch = await _gateway.RefundAsync(new RefundRequest(paid.PaymentId, 600, "rf2"), CancellationToken.None);
        Assert.False(tooMuch.Succeeded);
        Assert.Single(_stripe.Refunds);
    }
}
