using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>A SetupIntent in the fake's ledger: a card saved for later, no money; with the ConfirmationToken that confirmed it, if one did.</summary>
public sealed record FakeSetup(
    string Id, string Status, string? Customer, string? PaymentMethod, string Usage, string? IdempotencyKey,
    IReadOnlyDictionary<string, string> Metadata, string? ConfirmationToken = null);

/// <summary>
/// SetupIntents: <c>POST /v1/setup_intents</c> (created and confirmed in one call), <c>GET /v1/setup_intents/{id}</c> and
/// the list <c>GET /v1/setup_intents</c> (<c>customer</c>, <c>created[gte]</c>, <c>limit</c>, <c>starting_after</c>;
/// Stripe has no search for them), with the same idempotent replays, test cards, fault switches and checks of the
/// confirmation (<c>confirmation_token</c>, <c>allowed_payment_method_types</c>, <c>use_stripe_sdk</c>) as PaymentIntents.
/// A setup that succeeds attaches its method to the customer, so off-session PaymentIntents on it succeed afterwards.
/// </summary>
public sealed partial class FakeStripeServer
{
    private sealed class Setup
    {
        public required string Id;
        public string Status = "requires_payment_method";
        public string? Customer;
        public string? PaymentMethod;
        public string Usage = "off_session";
        public string? Description;
        public string? ConfirmationToken;
        public bool UseStripeSdk;
        public JsonObject? LastSetupError;
        public Dictionary<string, string> Metadata = [];
        public long Created;
        public long Sequence;
    }

    /// <summary>What Stripe refuses on a SetupIntent (it has no amount, and off-session is its <c>usage</c>).</summary>
    private static readonly string[] NotSetupParameters = ["amount", "currency", "off_session", "setup_future_usage"];

    private readonly Dictionary<string, Setup> _setups = [];
    private int _setupCreateCalls;

    /// <summary>POST /v1/setup_intents calls that reached the fake (replays included).</summary>
    public int SetupCreateCalls => Volatile.Read(ref _setupCreateCalls);

    public IReadOnlyList<FakeSetup> Setups
    {
        get
        {
            lock (_lock)
                return _setups.Values.OrderBy(s => s.Created).ThenBy(s => s.Sequence).Select(s => new FakeSetup(
                    s.Id, s.Status, s.Customer, s.PaymentMethod ?? s.LastSetupError?["payment_method"]?["id"]?.GetValue<string>(), s.Usage,
                    s.Metadata.GetValueOrDefault("encore_idempotency_key"), new Dictionary<string, string>(s.Metadata), s.ConfirmationToken)).ToList();
        }
    }

    /// <summary>The customer a saved payment method is attached to; null when it is attached to none (or unknown).</summary>
    public string? CustomerOf(string paymentMethodId)
    {
        lock (_lock) return _methods.TryGetValue(paymentMethodId, out var method) ? method.Customer : null;
    }

    private void MapSetups(WebApplication app)
    {
        app.MapPost("/v1/setup_intents", CreateSetupAsync);
        app.MapGet("/v1/setup_intents/{id}", (HttpContext context, string id) =>
        {
            var expand = QueryOf(context).Expands("payment_method");
            JsonObject? setup;
            lock (_lock) setup = _setups.TryGetValue(id, out var s) ? SetupJson(s, expand) : null;
            return setup is null
                ? WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"No such setupintent: '{id}'", param: "intent"))
                : WriteAsync(context, 200, setup);
        });
        app.MapGet("/v1/setup_intents", context =>
        {
            var q = QueryOf(context);
            var gte = q.Value("created[gte]") is { } g ? long.Parse(g) : 0;
            var lte = q.Value("created[lte]") is { } le ? long.Parse(le) : long.MaxValue;
            var limit = q.Value("limit") is { } l ? int.Parse(l) : 10;
            var after = q.Value("starting_after") ?? "";
            var customer = q.Value("customer") ?? "";
            var expand = q.Expands("data.payment_method");
            JsonArray data;
            bool more;
            lock (_lock)
            {
                var all = _setups.Values.Where(s => s.Created >= gte && s.Created <= lte && (customer.Length == 0 || s.Customer == customer))
                    .OrderByDescending(s => s.Created).ThenByDescending(s => s.Sequence).ToList();
                if (after.Length > 0) all = all.SkipWhile(s => s.Id != after).Skip(1).ToList();
                more = all.Count > limit;
                data = [.. all.Take(limit).Select(s => (JsonNode)SetupJson(s, expand))];
            }
            return WriteAsync(context, 200, new JsonObject
            {
                ["object"] = "list", ["url"] = "/v1/setup_intents", ["has_more"] = more, ["data"] = data,
            });
        });
    }

    private async Task CreateSetupAsync(HttpContext context)
    {
        Interlocked.Increment(ref _setupCreateCalls);
        if (await TakeFaultBeforeAsync(context) is not { } fault) return;
        await Idempotent(context, form => AnsweredAfter(fault, CreateSetup(form)), after: DroppedAfter(fault));
    }

    private (int, JsonObject) CreateSetup(Form form)
    {
        if (NotSetupParameters.FirstOrDefault(form.Has) is { } unknown)
            return (400, Error("invalid_request_error", "parameter_unknown", $"Received unknown parameter: {unknown}", param: unknown));
        var customer = form.Value("customer");
        if (customer is not null && !_customers.ContainsKey(customer))
            return (400, Error("invalid_request_error", "resource_missing", $"No such customer: '{customer}'", param: "customer"));
        if (form.Value("confirm") != "true")
            return (400, Error("invalid_request_error", "parameter_invalid_string", "The fake only creates confirmed setups.", param: "confirm"));
        if (form.Value("usage") is { } usage && usage is not ("off_session" or "on_session"))
            return (400, Error("invalid_request_error", "parameter_invalid_string", "Invalid usage.", param: "usage"));
        var (read, refused) = ReadConfirmation(form);
        if (refused is { } refusal) return refusal;
        var confirmation = read!;
        if (RefuseWithoutWayBack(confirmation, offSession: false) is { } noWayBack) return noWayBack;
        var given = confirmation.Method;

        Method method;
        if (_methods.ContainsKey(given.Id))
        {
            method = given;
            if (method.Customer is not null && method.Customer != customer)
                return (400, Error("invalid_request_error", "payment_method_not_attached_to_customer",
                    "The provided PaymentMethod belongs to another customer.", param: "payment_method"));
        }
        else
        {
            // A test token (pm_card_visa), or a ConfirmationToken's card, becomes a new PaymentMethod, as in Stripe.
            method = new Method { Id = NewId("pm"), TestName = given.TestName, Card = given.Card, Created = Now() };
            _methods[method.Id] = method;
        }

        var setup = new Setup
        {
            Id = NewId("seti"), Customer = customer, PaymentMethod = method.Id, Usage = form.Value("usage") ?? "off_session",
            Description = form.Value("description"), ConfirmationToken = confirmation.Token?.Id, UseStripeSdk = confirmation.UseStripeSdk,
            Metadata = form.Metadata(), Created = Now(), Sequence = _setups.Count,
        };
        _setups[setup.Id] = setup;
        if (confirmation.Token is { } token) token.SetupIntent = setup.Id;
        return ConfirmSetup(setup, method, form.Expands("payment_method"));
    }

    /// <summary>What the test card does to a setup: a card error (402), a bank challenge, or a method saved to the customer.</summary>
    private (int, JsonObject) ConfirmSetup(Setup setup, Method method, bool expand)
    {
        (string code, string decline, string message)? failure = method.TestName switch
        {
            "pm_card_chargeDeclined" => ("card_declined", "generic_decline", "Your card was declined."),
            "pm_card_chargeDeclinedInsufficientFunds" => ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
            _ => null, // pm_card_chargeCustomerFail is saved; its charges fail later
        };
        if (failure is { } f)
        {
            // As Stripe does: the failed method is named in last_setup_error and taken off the setup.
            setup.Status = "requires_payment_method";
            setup.PaymentMethod = null;
            var error = new JsonObject
            {
                ["type"] = "card_error", ["code"] = f.code, ["decline_code"] = f.decline, ["message"] = f.message,
                ["payment_method"] = MethodJson(method),
            };
            setup.LastSetupError = (JsonObject)error.DeepClone();
            error["setup_intent"] = SetupJson(setup, expand: false);
            return (402, new JsonObject { ["error"] = error });
        }
        if (method.TestName == "pm_card_authenticationRequired")
            setup.Status = "requires_action";
        else
            Attach(setup, method);
        return (200, SetupJson(setup, expand));
    }

    private static void Attach(Setup setup, Method method)
    {
        setup.Status = "succeeded";
        if (setup.Customer is not null) method.Customer = setup.Customer;
    }

    /// <summary>The bank's answer in Stripe.js's window for a setup: saved to the customer, or back to requires_payment_method.</summary>
    private void CompleteSetupAuthentication(string setupIntentId, bool approve)
    {
        var setup = _setups[setupIntentId];
        if (setup.Status != "requires_action") return;
        var method = _methods[setup.PaymentMethod!];
        if (approve)
        {
            Attach(setup, method);
            return;
        }
        setup.Status = "requires_payment_method";
        setup.PaymentMethod = null;
        setup.LastSetupError = new JsonObject
        {
            ["type"] = "card_error", ["code"] = "setup_intent_authentication_failure",
            ["message"] = "We are unable to authenticate your payment method.", ["payment_method"] = MethodJson(method),
        };
    }

    private JsonObject SetupJson(Setup s, bool expand) => new()
    {
        ["id"] = s.Id,
        ["object"] = "setup_intent",
        ["client_secret"] = s.Id + "_secret_fake",
        ["created"] = s.Created,
        ["customer"] = s.Customer,
        ["description"] = s.Description,
        ["last_setup_error"] = s.LastSetupError?.DeepClone(),
        ["livemode"] = false,
        ["metadata"] = new JsonObject(s.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        ["next_action"] = s.Status != "requires_action" ? null : new JsonObject { ["type"] = "use_stripe_sdk", ["use_stripe_sdk"] = new JsonObject() },
        ["payment_method"] = s.PaymentMethod is null ? null
            : expand && _methods.TryGetValue(s.PaymentMethod, out var m) ? MethodJson(m) : s.PaymentMethod,
        ["payment_method_types"] = new JsonArray("card"),
        ["status"] = s.Status,
        ["usage"] = s.Usage,
    };
}
