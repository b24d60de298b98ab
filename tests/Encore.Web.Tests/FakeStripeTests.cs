using System.Net;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Stripe;

namespace Encore.Web.Tests;

/// <summary>
/// The fake Stripe API answers as Stripe documents it, where a difference could hide a bug in Encore: idempotent
/// replays (a 500 is replayed, a request refused for its parameters keeps nothing), the test card
/// <c>4000 0000 0000 0341</c>, <c>use_stripe_sdk</c>, <c>allowed_payment_method_types</c> and Confirmation Tokens.
/// Called through Stripe.net, as Encore calls Stripe; no Encore in between.
/// </summary>
public sealed class FakeStripeTests : IAsyncLifetime
{
    private FakeStripeServer _stripe = null!;
    private PaymentIntentService _intents = null!;
    private SetupIntentService _setups = null!;
    private CustomerService _customers = null!;
    private IStripeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _stripe = await FakeStripeServer.StartAsync();
        _client = new StripeClient("sk_test_encore_fake", httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0), apiBase: _stripe.ApiBase);
        _intents = new PaymentIntentService(_client);
        _setups = new SetupIntentService(_client);
        _customers = new CustomerService(_client);
    }

    public async ValueTask DisposeAsync() => await _stripe.DisposeAsync();

    [Fact]
    public async Task After_a_500_the_same_key_gets_the_same_500_and_nothing_is_made_twice()
    {
        _stripe.ChargeFault = FakeStripeFault.ServerErrorAfterCreating;
        _stripe.FaultTimes = 1;
        var key = Guid.NewGuid().ToString();

        var first = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(Card("pm_card_visa"), key));
        var again = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(Card("pm_card_visa"), key));

        Assert.Equal((HttpStatusCode.InternalServerError, "api_error"), (first.HttpStatusCode, first.StripeError.Type));
        Assert.Equal((HttpStatusCode.InternalServerError, "api_error"), (again.HttpStatusCode, again.StripeError.Type));
        // Stripe made the payment once, behind the 500; only a read (not a replay) says so.
        Assert.Equal("succeeded", Assert.Single(_stripe.Intents).Status);
    }

    [Fact]
    public async Task A_request_refused_for_its_parameters_keeps_nothing_under_its_key()
    {
        var key = Guid.NewGuid().ToString();
        var refused = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(Card("pm_card_visa", o => { o.Currency = "usdollar"; }), key));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error", "currency"), (refused.HttpStatusCode, refused.StripeError.Type, refused.StripeError.Param));

        // The corrected request may use the same key: Stripe ran nothing for the first one.
        var intent = await CreateAsync(Card("pm_card_visa"), key);
        Assert.Equal("succeeded", intent.Status);
        Assert.Equal(intent.Id, (await CreateAsync(Card("pm_card_visa"), key)).Id); // and from now on the key is the payment's
    }

    [Fact]
    public async Task Card_0341_is_saved_on_a_customer_but_every_charge_on_it_is_declined_the_first_included()
    {
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "fail@example.com" });

        // Paying with it on-session, and asking to keep it: declined, and not kept.
        var declined = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(
            Card("pm_card_chargeCustomerFail", o => { o.Customer = customer.Id; o.SetupFutureUsage = "off_session"; }), Guid.NewGuid().ToString()));
        Assert.Equal((HttpStatusCode.PaymentRequired, "card_error", "card_declined"), (declined.HttpStatusCode, declined.StripeError.Type, declined.StripeError.Code));
        Assert.Equal("requires_payment_method", declined.StripeError.PaymentIntent.Status);
        Assert.Null(_stripe.CustomerOf(declined.StripeError.PaymentMethod.Id));

        // Saving it without a charge works (a SetupIntent attaches it to the customer) ...
        var setup = await _setups.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_chargeCustomerFail", Confirm = true, Usage = "off_session",
            AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true,
        });
        Assert.Equal("succeeded", setup.Status);
        Assert.Equal(customer.Id, _stripe.CustomerOf(setup.PaymentMethodId));

        // ... and every charge on the saved card is declined.
        var renewal = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = 2900, Currency = "usd", Customer = customer.Id, PaymentMethod = setup.PaymentMethodId, Confirm = true, OffSession = true,
                AllowedPaymentMethodTypes = ["card"],
            }, Guid.NewGuid().ToString()));
        Assert.Equal(("card_error", "card_declined"), (renewal.StripeError.Type, renewal.StripeError.Code));
    }

    [Fact]
    public async Task use_stripe_sdk_asks_for_the_next_action_Stripe_js_runs_and_a_return_url_alone_for_a_redirect()
    {
        var forStripeJs = await CreateAsync(Card("pm_card_authenticationRequired", o => { o.ReturnUrl = "https://shop.example/back"; o.UseStripeSdk = true; }), Guid.NewGuid().ToString());
        Assert.Equal(("requires_action", "use_stripe_sdk"), (forStripeJs.Status, forStripeJs.NextAction.Type));

        var redirect = await CreateAsync(Card("pm_card_authenticationRequired", o => { o.ReturnUrl = "https://shop.example/back"; o.UseStripeSdk = null; }), Guid.NewGuid().ToString());
        Assert.Equal(("requires_action", "redirect_to_url"), (redirect.Status, redirect.NextAction.Type));
        Assert.Equal("https://shop.example/back", redirect.NextAction.RedirectToUrl.ReturnUrl);
    }

    [Fact]
    public async Task allowed_payment_method_types_must_name_the_card_and_without_it_a_confirmation_needs_a_return_url()
    {
        var notAllowed = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(
            Card("pm_card_visa", o => { o.AllowedPaymentMethodTypes = ["us_bank_account"]; }), Guid.NewGuid().ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, "allowed_payment_method_types"), (notAllowed.HttpStatusCode, notAllowed.StripeError.Param));
        var unknownType = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(
            Card("pm_card_visa", o => { o.AllowedPaymentMethodTypes = ["carte"]; }), Guid.NewGuid().ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, "allowed_payment_method_types"), (unknownType.HttpStatusCode, unknownType.StripeError.Param));

        // Every type the Dashboard enables, some of which redirect the buyer: Stripe wants to know where they come back to.
        var noWayBack = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(
            Card("pm_card_visa", o => { o.AllowedPaymentMethodTypes = null; }), Guid.NewGuid().ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, "return_url"), (noWayBack.HttpStatusCode, noWayBack.StripeError.Param));
        Assert.Equal("succeeded", (await CreateAsync(Card("pm_card_visa", o => { o.AllowedPaymentMethodTypes = null; o.ReturnUrl = "https://shop.example/back"; }), Guid.NewGuid().ToString())).Status);
        Assert.Equal("succeeded", (await CreateAsync(Card("pm_card_visa"), Guid.NewGuid().ToString())).Status);
    }

    [Fact]
    public async Task A_confirmation_token_confirms_one_payment_once_and_its_card_is_the_intents()
    {
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "ct@example.com" });
        var token = await new Stripe.TestHelpers.ConfirmationTokenService(_client).CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions
        {
            PaymentMethod = "pm_card_mastercard", SetupFutureUsage = "off_session",
        });
        Assert.StartsWith("ctoken_", token.Id);
        Assert.Equal(("card", "mastercard", "4444", "off_session"),
            (token.PaymentMethodPreview.Type, token.PaymentMethodPreview.Card.Brand, token.PaymentMethodPreview.Card.Last4, token.SetupFutureUsage));
        Assert.True(token.ExpiresAt > token.Created);

        var paid = await CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 6400, Currency = "usd", Customer = customer.Id, ConfirmationToken = token.Id, Confirm = true,
            SetupFutureUsage = "off_session", AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true, Expand = ["payment_method"],
        }, Guid.NewGuid().ToString());
        Assert.Equal("succeeded", paid.Status);
        Assert.StartsWith("pm_", paid.PaymentMethod.Id);
        Assert.Equal(("mastercard", "4444"), (paid.PaymentMethod.Card.Brand, paid.PaymentMethod.Card.Last4));
        Assert.Equal(customer.Id, _stripe.CustomerOf(paid.PaymentMethod.Id)); // kept for off-session charges
        Assert.Equal(token.Id, Assert.Single(_stripe.Intents, i => i.Id == paid.Id).ConfirmationToken);

        // Used: it names its payment, and confirms nothing else.
        var read = await new ConfirmationTokenService(_client).GetAsync(token.Id);
        Assert.Equal(paid.Id, read.PaymentIntent);
        var reused = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 6400, Currency = "usd", ConfirmationToken = token.Id, Confirm = true, AllowedPaymentMethodTypes = ["card"],
        }, Guid.NewGuid().ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, "confirmation_token"), (reused.HttpStatusCode, reused.StripeError.Param));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 6400, Currency = "usd", ConfirmationToken = "ctoken_nosuchtoken", Confirm = true, AllowedPaymentMethodTypes = ["card"],
        }, Guid.NewGuid().ToString()));
        Assert.Equal(("resource_missing", "confirmation_token"), (unknown.StripeError.Code, unknown.StripeError.Param));
    }

    [Fact]
    public async Task A_confirmation_token_saves_a_card_with_a_SetupIntent_and_one_not_kept_saves_nothing()
    {
        var tokens = new Stripe.TestHelpers.ConfirmationTokenService(_client);
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "setup@example.com" });
        var token = await tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa", SetupFutureUsage = "off_session" });

        var setup = await _setups.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, ConfirmationToken = token.Id, Confirm = true, Usage = "off_session", AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true,
        });
        Assert.Equal("succeeded", setup.Status);
        Assert.Equal(customer.Id, _stripe.CustomerOf(setup.PaymentMethodId));
        Assert.Equal(setup.Id, (await new ConfirmationTokenService(_client).GetAsync(token.Id)).SetupIntent);

        // A payment whose token and request keep nothing leaves the card on no customer.
        var once = await tokens.CreateAsync(new Stripe.TestHelpers.ConfirmationTokenCreateOptions { PaymentMethod = "pm_card_visa" });
        var paid = await CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 4700, Currency = "usd", ConfirmationToken = once.Id, Confirm = true, AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true,
        }, Guid.NewGuid().ToString());
        Assert.Equal(("succeeded", null), (paid.Status, paid.SetupFutureUsage));
        Assert.Null(_stripe.CustomerOf(paid.PaymentMethodId));
    }

    private Task<PaymentIntent> CreateAsync(PaymentIntentCreateOptions options, string key) =>
        _intents.CreateAsync(options, new RequestOptions { IdempotencyKey = key });

    /// <summary>What Encore sends for a buyer's charge on a test payment method: card only, confirmed at once, for Stripe.js.</summary>
    private static PaymentIntentCreateOptions Card(string paymentMethod, Action<PaymentIntentCreateOptions>? change = null)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = 4700, Currency = "usd", PaymentMethod = paymentMethod, Confirm = true, AllowedPaymentMethodTypes = ["card"], UseStripeSdk = true,
        };
        change?.Invoke(options);
        return options;
    }
}
