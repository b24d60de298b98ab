using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>What the fake does to the next PaymentIntent and SetupIntent create calls, for as long as it is set.</summary>
public enum FakeStripeFault
{
    None,

    /// <summary>The intent is created and confirmed, then the connection is dropped: the money moved, the answer is lost.</summary>
    DropAfterCreating,

    /// <summary>The connection is dropped before anything is created: nothing moved.</summary>
    DropBeforeCreating,

    /// <summary>The intent is created and confirmed, then Stripe answers 500 api_error (its outcome is unknown to the caller).</summary>
    ServerErrorAfterCreating,

    /// <summary>Stripe's 409 for a key whose first request is still running (nothing decided yet).</summary>
    ConcurrentRequestInProgress,

    /// <summary>The answer is right but comes after <see cref="FakeStripeServer.SlowBy"/>.</summary>
    Slow,
}

/// <summary>A PaymentIntent in the fake's ledger, with the ConfirmationToken that confirmed it, if one did.</summary>
public sealed record FakeIntent(
    string Id, long Amount, string Currency, string Status, string? Customer, string PaymentMethod, bool OffSession,
    string? IdempotencyKey, long AmountRefunded, IReadOnlyDictionary<string, string> Metadata, string? SetupFutureUsage = null,
    string? ConfirmationToken = null);

/// <summary>
/// A fake Stripe API on a loopback port: the shapes Stripe.net reads (PaymentIntents, Customers, PaymentMethods,
/// Refunds, Search, SetupIntents, ConfirmationTokens), Stripe's test payment methods, idempotent replays by
/// <c>Idempotency-Key</c> as Stripe keeps them (the first answer that ran, a 500 included; nothing for a request refused
/// for its parameters), Stripe's error objects, a ledger the tests read, and fault switches for the PaymentIntent and
/// SetupIntent create calls.
/// <para>
/// Everything it serves and every request parameter it reads is recorded (<see cref="Served"/>, <see cref="ParametersRead"/>)
/// for <see cref="FakeStripeConformance"/>, which holds them against Stripe.net's own types. A new endpoint is covered
/// when it reads its parameters through <see cref="Form"/> (<see cref="Idempotent"/> for a POST body, <see cref="QueryOf"/>
/// for a query string); its responses are recorded whatever writes them.
/// </para>
/// </summary>
public sealed partial class FakeStripeServer : IAsyncDisposable
{
    private sealed record TestCard(string Brand, string Last4);

    private static readonly Dictionary<string, TestCard> TestCards = new()
    {
        ["pm_card_visa"] = new("visa", "4242"),
        ["pm_card_mastercard"] = new("mastercard", "4444"),
        ["pm_card_chargeDeclined"] = new("visa", "0002"),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("visa", "9995"),
        ["pm_card_chargeCustomerFail"] = new("visa", "0341"),
        ["pm_card_authenticationRequired"] = new("visa", "3184"),
    };

    /// <summary>The payment methods detached through the API, in order.</summary>
    public List<string> Detached { get; } = [];

    /// <summary>Whether a payment method is attached to a customer (so it can be charged off-session).</summary>
    public bool IsAttached(string paymentMethodId)
    {
        lock (_lock) return _methods.TryGetValue(paymentMethodId, out var method) && method.Customer is not null;
    }

    private sealed class Method
    {
        public required string Id;
        public required string TestName;
        public required TestCard Card;
        public string? Customer;
        public long Created;
    }

    private sealed class Intent
    {
        public required string Id;
        public long Amount;
        public required string Currency;
        public string Status = "requires_payment_method";
        public string? Customer;
        public required string PaymentMethod;
        public bool OffSession;
        public string? SetupFutureUsage;
        public string? ReturnUrl;
        public bool UseStripeSdk;
        public string? ConfirmationToken;
        public string? Description;
        public string? LatestCharge;
        public JsonObject? LastPaymentError;
        public Dictionary<string, string> Metadata = [];
        public long AmountRefunded;
        public long Created;
        public long Sequence;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _customers = [];
    private readonly Dictionary<string, Method> _methods = [];
    private readonly Dictionary<string, Intent> _intents = [];
    private readonly Dictionary<string, (string Fingerprint, int Status, string Body)> _idempotent = [];
    private readonly HashSet<string> _declinedOffSession = [];
    private WebApplication? _app;
    private int _createCalls;

    public string ApiBase { get; private set; } = "";

    public FakeStripeFault ChargeFault { get; set; }

    /// <summary>How many create calls the fault applies to before it switches itself off; null: until it is reset.</summary>
    public int? FaultTimes { get; set; }

    /// <summary>Stripe's search index lagging behind: while true, search finds nothing (lists still do).</summary>
    public bool SearchLags { get; set; }

    public TimeSpan SlowBy { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>POST /v1/payment_intents calls that reached the fake (replays included).</summary>
    public int CreateCalls => Volatile.Read(ref _createCalls);

    public IReadOnlyList<FakeIntent> Intents
    {
        get
        {
            lock (_lock)
                return _intents.Values.OrderBy(i => i.Created).Select(i => new FakeIntent(
                    i.Id, i.Amount, i.Currency, i.Status, i.Customer, i.PaymentMethod, i.OffSession,
                    i.Metadata.GetValueOrDefault("encore_idempotency_key"), i.AmountRefunded, new Dictionary<string, string>(i.Metadata),
                    i.SetupFutureUsage, i.ConfirmationToken)).ToList();
        }
    }

    /// <summary>
    /// The bank declines every off-session charge on this customer's cards from now on (<c>generic_decline</c>), as once a
    /// card is frozen. Not a Stripe test card: Stripe's test mode has none that pays on-session and is declined
    /// off-session afterwards (its <c>pm_card_chargeCustomerFail</c> declines the first charge too).
    /// </summary>
    public void DeclineOffSessionChargesOf(string customerId)
    {
        lock (_lock) _declinedOffSession.Add(customerId);
    }

    /// <summary>What the buyer's bank does in Stripe.js's 3-D Secure window: the intent (or setup) succeeds, or goes back to requires_payment_method.</summary>
    public void CompleteAuthentication(string paymentIntentId, bool approve)
    {
        lock (_lock)
        {
            if (paymentIntentId.StartsWith("seti_", StringComparison.Ordinal))
            {
                CompleteSetupAuthentication(paymentIntentId, approve);
                return;
            }
            var intent = _intents[paymentIntentId];
            if (intent.Status != "requires_action") return;
            if (approve)
            {
                intent.Status = "succeeded";
                intent.LatestCharge = NewId("ch");
                if (intent.SetupFutureUsage is not null && intent.Customer is not null) _methods[intent.PaymentMethod].Customer = intent.Customer;
            }
            else
            {
                intent.Status = "requires_payment_method";
                intent.LastPaymentError = new JsonObject
                {
                    ["type"] = "card_error", ["code"] = "payment_intent_authentication_failure",
                    ["message"] = "We are unable to authenticate your payment method.",
                };
            }
            EmitIntentChanged(intent);
        }
    }

    public static async Task<FakeStripeServer> StartAsync()
    {
        var server = new FakeStripeServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        server.Map(app);
        await app.StartAsync();
        server._app = app;
        server.ApiBase = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(RecordAsync);
        app.Use(async (context, next) =>
        {
            var auth = context.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer sk_test_", StringComparison.Ordinal))
            {
                await WriteAsync(context, 401, Error("invalid_request_error", null, "Invalid API Key provided."));
                return;
            }
            await next(context);
        });
        UseCallHooks(app);
        app.MapPost("/v1/customers", context => Idempotent(context, form =>
        {
            var customer = new JsonObject
            {
                ["id"] = NewId("cus"), ["object"] = "customer", ["email"] = form.Value("email"), ["name"] = form.Value("name"),
                ["created"] = Now(), ["livemode"] = false, ["metadata"] = new JsonObject(),
            };
            _customers[customer["id"]!.GetValue<string>()] = customer;
            return (200, customer);
        }));
        app.MapGet("/v1/payment_methods/{id}", (HttpContext context, string id) =>
        {
            JsonObject? method;
            lock (_lock) method = FindMethod(id) is { } m ? MethodJson(m) : null;
            return method is null
                ? WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{id}'", param: "payment_method"))
                : WriteAsync(context, 200, method);
        });
        // As Stripe: a saved method loses its customer (and can no longer be charged off-session); one not attached is refused.
        app.MapPost("/v1/payment_methods/{id}/detach", (HttpContext context, string id) => Idempotent(context, _ =>
        {
            lock (_lock)
            {
                if (!_methods.TryGetValue(id, out var method))
                    return FindMethod(id) is null
                        ? (404, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{id}'", param: "payment_method"))
                        : (400, Error("invalid_request_error", null, "The payment method you provided is not attached to a customer so detachment is impossible."));
                if (method.Customer is null)
                    return (400, Error("invalid_request_error", null, "The payment method you provided is not attached to a customer so detachment is impossible."));
                method.Customer = null;
                Detached.Add(id);
                return (200, MethodJson(method));
            }
        }));
        app.MapPost("/v1/payment_intents", CreateIntentAsync);
        MapSetups(app);
        MapConfirmationTokens(app);
        app.MapPost("/v1/payment_intents/{id}/confirm", (HttpContext context, string id) => Idempotent(context, form => ConfirmIntent(id, form)));
        app.MapGet("/v1/payment_intents/search", context =>
        {
            if (RefuseSearch(context) is { } refused) return refused;
            var q = QueryOf(context);
            var match = MetadataQuery().Match(q.Value("query") ?? "");
            if (!match.Success)
                return WriteAsync(context, 400, Error("invalid_request_error", "parameter_invalid_string", "The fake only searches metadata['key']:'value'.", param: "query"));
            var key = match.Groups[1].Value;
            var value = Regex.Unescape(match.Groups[2].Value);
            _ = q.Value("limit"); // at most a page of matches: the fake has no more than that
            var expand = q.Expands("data.payment_method");
            JsonArray data;
            lock (_lock)
                data = [.. _intents.Values.Where(i => !SearchLags && i.Metadata.GetValueOrDefault(key) == value).OrderByDescending(i => i.Created)
                    .Select(i => (JsonNode)IntentJson(i, expand))];
            return WriteAsync(context, 200, new JsonObject
            {
                ["object"] = "search_result", ["url"] = "/v1/payment_intents/search", ["has_more"] = false,
                ["next_page"] = null, ["data"] = data,
            });
        });
        app.MapGet("/v1/payment_intents", context =>
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
                var all = _intents.Values.Where(i => i.Created >= gte && i.Created <= lte && (customer.Length == 0 || i.Customer == customer))
                    .OrderByDescending(i => i.Created).ThenByDescending(i => i.Sequence).ToList();
                if (after.Length > 0) all = all.SkipWhile(i => i.Id != after).Skip(1).ToList();
                more = all.Count > limit;
                data = [.. all.Take(limit).Select(i => (JsonNode)IntentJson(i, expand))];
            }
            return WriteAsync(context, 200, new JsonObject
            {
                ["object"] = "list", ["url"] = "/v1/payment_intents", ["has_more"] = more, ["data"] = data,
            });
        });
        app.MapGet("/v1/payment_intents/{id}", (HttpContext context, string id) =>
        {
            var expand = QueryOf(context).Expands("payment_method");
            JsonObject? intent;
            lock (_lock) intent = _intents.TryGetValue(id, out var i) ? IntentJson(i, expand) : null;
            return intent is null
                ? WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"))
                : WriteAsync(context, 200, intent);
        });
        MapRefunds(app);
    }

    private async Task CreateIntentAsync(HttpContext context)
    {
        Interlocked.Increment(ref _createCalls);
        if (await TakeFaultBeforeAsync(context) is not { } fault) return;
        await Idempotent(context, form => AnsweredAfter(fault, CreateIntent(form)), after: DroppedAfter(fault));
    }

    /// <summary>Takes the fault for a create call and does its part before anything is created; null when that answered the call.</summary>
    private async Task<FakeStripeFault?> TakeFaultBeforeAsync(HttpContext context)
    {
        var fault = TakeFault();
        if (fault == FakeStripeFault.DropBeforeCreating)
        {
            Drop(context);
            return null;
        }
        if (fault == FakeStripeFault.ConcurrentRequestInProgress)
        {
            await WriteAsync(context, 409, Error("idempotency_error", null,
                "There is currently another in-progress request using this Stripe API Idempotency Key. Please try again later."));
            return null;
        }
        if (fault == FakeStripeFault.Slow) await Task.Delay(SlowBy);
        return fault;
    }

    /// <summary>
    /// The answer of a create call that ran, as the fault leaves it: Stripe's 500 after the object was made replaces it, and
    /// is what Stripe keeps under the key and replays (a request refused for its parameters made nothing, and gets its 400).
    /// </summary>
    private static (int, JsonObject) AnsweredAfter(FakeStripeFault fault, (int Status, JsonObject Body) answer) =>
        fault == FakeStripeFault.ServerErrorAfterCreating && !RefusedBeforeRunning(answer.Status)
            ? (500, Error("api_error", null, "An unknown error occurred (fake)."))
            : answer;

    /// <summary>The connection dropped once the object is made: Stripe keeps the answer under the key, the caller never reads it.</summary>
    private static Func<HttpContext, Task>? DroppedAfter(FakeStripeFault fault) =>
        fault == FakeStripeFault.DropAfterCreating ? c => { Drop(c); return Task.CompletedTask; } : null;

    private FakeStripeFault TakeFault()
    {
        lock (_lock)
        {
            var fault = ChargeFault;
            if (fault != FakeStripeFault.None && FaultTimes is { } left)
            {
                if (left <= 1) (ChargeFault, FaultTimes) = (FakeStripeFault.None, null);
                else FaultTimes = left - 1;
            }
            return fault;
        }
    }

    private (int, JsonObject) CreateIntent(Form form)
    {
        if (form.Value("amount") is not { } amountText || !long.TryParse(amountText, out var amount) || amount < 1)
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: amount.", param: "amount"));
        if (form.Value("currency") is not { Length: 3 } currency || currency != currency.ToLowerInvariant())
            return (400, Error("invalid_request_error", "parameter_invalid_string", "Invalid currency.", param: "currency"));
        var customer = form.Value("customer");
        if (customer is not null && !_customers.ContainsKey(customer))
            return (400, Error("invalid_request_error", "resource_missing", $"No such customer: '{customer}'", param: "customer"));
        if (form.Value("confirm") != "true")
            return (400, Error("invalid_request_error", "parameter_invalid_string", "The fake only creates confirmed intents.", param: "confirm"));
        var (read, refused) = ReadConfirmation(form);
        if (refused is { } refusal) return refusal;
        var confirmation = read!;
        var offSession = form.Value("off_session") == "true";
        // The request's values take precedence over the ConfirmationToken's (Stripe's API reference, confirmation_token).
        var setupFutureUsage = form.Value("setup_future_usage") ?? confirmation.Token?.SetupFutureUsage;
        if (offSession && setupFutureUsage is not null)
            return (400, Error("invalid_request_error", "parameter_invalid_string", "setup_future_usage cannot be used with off_session.", param: "setup_future_usage"));
        if (RefuseWithoutWayBack(confirmation, offSession) is { } noWayBack) return noWayBack;

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
        if (offSession && method.Customer is null)
            return (400, Error("invalid_request_error", "payment_method_not_attached",
                "An off-session payment needs a PaymentMethod attached to the customer.", param: "payment_method"));

        var intent = new Intent
        {
            Id = NewId("pi"), Amount = amount, Currency = currency, Customer = customer, PaymentMethod = method.Id,
            OffSession = offSession, SetupFutureUsage = setupFutureUsage, ReturnUrl = confirmation.ReturnUrl, UseStripeSdk = confirmation.UseStripeSdk,
            ConfirmationToken = confirmation.Token?.Id, Description = form.Value("description"), Metadata = form.Metadata(), Created = Now(),
            Sequence = _intents.Count,
        };
        _intents[intent.Id] = intent;
        if (confirmation.Token is { } token) token.PaymentIntent = intent.Id;

        return Confirm(intent, method, offSession, form.Expands("payment_method"));
    }

    /// <summary>
    /// POST /v1/payment_intents/{id}/confirm: confirms again an intent a card error left in requires_payment_method,
    /// on-session unless told otherwise (the buyer is back to authenticate a one-click charge the bank declined off-session).
    /// </summary>
    private (int, JsonObject) ConfirmIntent(string id, Form form)
    {
        if (!_intents.TryGetValue(id, out var intent))
            return (404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "intent"));
        if (intent.Status is not ("requires_payment_method" or "requires_confirmation"))
            return (400, Error("invalid_request_error", "payment_intent_unexpected_state",
                $"This PaymentIntent's status is {intent.Status}, so it cannot be confirmed."));
        var (useStripeSdk, notBoolean) = form.Bool("use_stripe_sdk");
        if (notBoolean is { } refusal) return refusal;
        var pmId = form.Value("payment_method") ?? intent.PaymentMethod;
        if (FindMethod(pmId) is not { } method || !_methods.ContainsKey(method.Id))
            return (400, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{pmId}'", param: "payment_method"));
        if (method.Customer is not null && method.Customer != intent.Customer)
            return (400, Error("invalid_request_error", "payment_method_not_attached_to_customer",
                "The provided PaymentMethod belongs to another customer.", param: "payment_method"));
        var offSession = form.Value("off_session") == "true";
        intent.PaymentMethod = method.Id;
        intent.OffSession = offSession;
        intent.UseStripeSdk = useStripeSdk ?? false;
        intent.LastPaymentError = null;
        if (form.Value("return_url") is { } back) intent.ReturnUrl = back;
        return Confirm(intent, method, offSession, form.Expands("payment_method"));
    }

    /// <summary>
    /// What the test card does when the intent is confirmed: a card error (402), a bank challenge, or success.
    /// <c>pm_card_chargeCustomerFail</c> (4000 0000 0000 0341) is Stripe's card that can be saved to a customer but whose
    /// every charge is declined, the first one included.
    /// </summary>
    private (int, JsonObject) Confirm(Intent intent, Method method, bool offSession, bool expand)
    {
        (string code, string? decline, string message)? failure = method.TestName switch
        {
            "pm_card_chargeDeclined" => ("card_declined", "generic_decline", "Your card was declined."),
            "pm_card_chargeDeclinedInsufficientFunds" => ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
            "pm_card_chargeCustomerFail" => ("card_declined", "generic_decline", "Your card was declined."),
            "pm_card_authenticationRequired" when offSession => ("authentication_required", "authentication_required",
                "Your card was declined. This transaction requires authentication."),
            _ when offSession && intent.Customer is { } c && _declinedOffSession.Contains(c) => ("card_declined", "generic_decline", "Your card was declined."),
            _ => null,
        };
        if (failure is { } f)
        {
            // As Stripe does: the failed method is named in last_payment_error and taken off the intent.
            intent.Status = "requires_payment_method";
            intent.LatestCharge = NewId("ch");
            var error = new JsonObject
            {
                ["type"] = "card_error", ["code"] = f.code, ["decline_code"] = f.decline, ["message"] = f.message,
                ["charge"] = intent.LatestCharge, ["payment_method"] = MethodJson(method),
            };
            intent.LastPaymentError = (JsonObject)error.DeepClone();
            EmitIntentChanged(intent);
            error["payment_intent"] = IntentJson(intent, expand: false);
            return (402, new JsonObject { ["error"] = error });
        }

        if (method.TestName == "pm_card_authenticationRequired")
            intent.Status = "requires_action";
        else
        {
            intent.Status = "succeeded";
            intent.LatestCharge = NewId("ch");
            if (intent.SetupFutureUsage is not null && intent.Customer is not null) method.Customer = intent.Customer;
        }
        EmitIntentChanged(intent);
        return (200, IntentJson(intent, expand));
    }

    /// <summary>
    /// Stripe's idempotent requests: the first answer to a key that ran is kept and replayed (a 402 or a 500 as well as a
    /// 200); other parameters with the same key are refused. A request refused for its parameters (400) or for a missing
    /// object (404) ran nothing and keeps nothing, so the corrected request may use the same key.
    /// </summary>
    private async Task Idempotent(HttpContext context, Func<Form, (int Status, JsonObject Body)> handle, Func<HttpContext, Task>? after = null)
    {
        var form = ReadForm(await context.Request.ReadFormAsync(), context);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var fingerprint = context.Request.Path + "?" + form.Fingerprint;
        int status;
        string body;
        lock (_lock)
        {
            if (key.Length > 0 && _idempotent.TryGetValue(key, out var first))
            {
                if (first.Fingerprint != fingerprint)
                    (status, body) = (400, Error("idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
                        $"Try using a key other than '{key}' if you meant to execute a different request.").ToJsonString());
                else
                    (status, body) = (first.Status, first.Body);
            }
            else
            {
                var (s, json) = handle(form);
                (status, body) = (s, json.ToJsonString());
                if (key.Length > 0 && !RefusedBeforeRunning(status)) _idempotent[key] = (fingerprint, status, body);
            }
        }
        if (after is not null)
        {
            await after(context);
            return;
        }
        if (key.Length > 0) context.Response.Headers["Idempotency-Key"] = key;
        await WriteRawAsync(context, status, body);
    }

    /// <summary>Stripe keeps no result for a request refused before its endpoint ran: bad parameters, an object that does not exist.</summary>
    private static bool RefusedBeforeRunning(int status) => status is 400 or 404;

    private Method? FindMethod(string id) =>
        _methods.TryGetValue(id, out var saved) ? saved
        : TestCards.TryGetValue(id, out var card) ? new Method { Id = id, TestName = id, Card = card, Created = Now() }
        : null;

    private JsonObject IntentJson(Intent i, bool expand) => new()
    {
        ["id"] = i.Id,
        ["object"] = "payment_intent",
        ["amount"] = i.Amount,
        ["amount_received"] = i.Status == "succeeded" ? i.Amount : 0,
        ["capture_method"] = "automatic",
        ["client_secret"] = i.Id + "_secret_fake",
        ["confirmation_method"] = "automatic",
        ["created"] = i.Created,
        ["currency"] = i.Currency,
        ["customer"] = i.Customer,
        ["description"] = i.Description,
        ["last_payment_error"] = i.LastPaymentError?.DeepClone(),
        ["latest_charge"] = i.LatestCharge,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(i.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        // use_stripe_sdk: Stripe.js runs the challenge (handleNextAction); a return_url alone: the buyer is redirected.
        ["next_action"] = i.Status != "requires_action" ? null
            : !i.UseStripeSdk && i.ReturnUrl is { } back
                ? new JsonObject
                {
                    ["type"] = "redirect_to_url",
                    ["redirect_to_url"] = new JsonObject { ["url"] = $"{ApiBase}/fake/3ds/{i.Id}", ["return_url"] = back },
                }
                : new JsonObject { ["type"] = "use_stripe_sdk", ["use_stripe_sdk"] = new JsonObject() },
        ["payment_method"] = expand && _methods.TryGetValue(i.PaymentMethod, out var m2) ? MethodJson(m2) : i.PaymentMethod,
        ["payment_method_types"] = new JsonArray("card"),
        ["setup_future_usage"] = i.SetupFutureUsage,
        ["status"] = i.Status,
    };

    private static JsonObject MethodJson(Method m) => new()
    {
        ["id"] = m.Id,
        ["object"] = "payment_method",
        ["type"] = "card",
        ["card"] = CardJson(m.Card),
        ["customer"] = m.Customer,
        ["created"] = m.Created,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
    };

    private static JsonObject CardJson(TestCard card) => new()
    {
        ["brand"] = card.Brand, ["last4"] = card.Last4, ["exp_month"] = 12, ["exp_year"] = 2034, ["funding"] = "credit", ["country"] = "US",
    };

    private static JsonObject Error(string type, string? code, string message, string? param = null) => new()
    {
        ["error"] = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message, ["param"] = param },
    };

    private static Task WriteAsync(HttpContext context, int status, JsonObject body) => WriteRawAsync(context, status, body.ToJsonString());

    private static async Task WriteRawAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = NewId("req");
        await context.Response.WriteAsync(body);
    }

    private long Now() => Clock.GetUtcNow().ToUnixTimeSeconds();

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    [GeneratedRegex(@"^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$")]
    private static partial Regex MetadataQuery();

    /// <summary>
    /// The parameters of a Stripe request (a form-encoded body, or a query string), as the fake reads them: every name
    /// read is recorded for <see cref="FakeStripeConformance"/>, which checks that Stripe.net's options have it.
    /// </summary>
    private sealed class Form(IEnumerable<KeyValuePair<string, StringValues>> values, Action<string> read)
    {
        private readonly List<KeyValuePair<string, StringValues>> _values = [.. values];

        /// <summary>Whether the request sent a parameter, without reading it: for one Stripe does not know on this route, to refuse it.</summary>
        public bool Has(string name) => _values.Any(v => v.Key == name);

        public string? Value(string name)
        {
            read(name);
            var found = _values.FirstOrDefault(v => v.Key == name);
            return found.Key is null ? null : found.Value.ToString();
        }

        /// <summary>A boolean parameter: true, false, or absent (null); anything else is Stripe's 400.</summary>
        public (bool? Value, (int, JsonObject)? Refusal) Bool(string name) => Value(name) switch
        {
            null => (null, null),
            "true" => (true, null),
            "false" => (false, null),
            var other => (null, (400, Error("invalid_request_error", "parameter_invalid_boolean", $"Invalid boolean: {other}", param: name))),
        };

        /// <summary>A list parameter (<c>name[0]</c>, <c>name[1]</c>, … or <c>name[]</c>); null when absent.</summary>
        public List<string>? List(string name)
        {
            var items = _values.Where(v => v.Key.StartsWith(name + "[", StringComparison.Ordinal) && v.Key.EndsWith(']')).ToList();
            items.ForEach(v => read(v.Key));
            return items.Count == 0 ? null : [.. items.Select(v => v.Value.ToString())];
        }

        public Dictionary<string, string> Metadata()
        {
            var metadata = _values.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal) && f.Key.EndsWith(']')).ToList();
            metadata.ForEach(v => read(v.Key));
            return metadata.ToDictionary(f => f.Key["metadata[".Length..^1], f => f.Value.ToString());
        }

        public bool Expands(string field)
        {
            var expands = _values.Where(f => f.Key.StartsWith("expand[", StringComparison.Ordinal)).ToList();
            expands.ForEach(v => read(v.Key));
            return expands.Any(f => f.Value == field);
        }

        public string Fingerprint => string.Join("&", _values.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));
    }
}
