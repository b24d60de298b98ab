using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// ConfirmationTokens, and how the fake reads the way an intent is to be confirmed.
/// <para>
/// Stripe.js makes a ConfirmationToken in the buyer's browser from the Payment Element (<c>createConfirmationToken</c>);
/// in test mode Stripe makes one from a test payment method with <c>POST /v1/test_helpers/confirmation_tokens</c>
/// (<c>payment_method=pm_card_visa</c>, <c>setup_future_usage</c>, <c>return_url</c>), which is what the stand-in Stripe.js
/// of the browser tests calls. <c>GET /v1/confirmation_tokens/{id}</c> reads one (its <c>payment_method_preview</c> carries
/// the card). A token confirms one PaymentIntent or SetupIntent, once, within 12 hours; its <c>setup_future_usage</c>,
/// <c>return_url</c> and <c>use_stripe_sdk</c> apply unless the request sets its own (the request's take precedence).
/// </para>
/// </summary>
public sealed partial class FakeStripeServer
{
    /// <summary>How long a ConfirmationToken can confirm an intent.</summary>
    public static readonly TimeSpan ConfirmationTokenLifetime = TimeSpan.FromHours(12);

    /// <summary>Payment method types Stripe knows (a part of its list): <c>allowed_payment_method_types</c> may name only these.</summary>
    private static readonly HashSet<string> PaymentMethodTypes =
    [
        "acss_debit", "affirm", "afterpay_clearpay", "alipay", "amazon_pay", "au_becs_debit", "bacs_debit", "bancontact", "blik", "boleto",
        "card", "cashapp", "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal", "klarna", "konbini", "link", "mobilepay",
        "multibanco", "oxxo", "p24", "paynow", "paypal", "pix", "promptpay", "revolut_pay", "sepa_debit", "sofort", "swish", "twint",
        "us_bank_account", "wechat_pay", "zip",
    ];

    private sealed class Token
    {
        public required string Id;

        /// <summary>The test payment method (or saved method) whose card the token carries.</summary>
        public required string PaymentMethod;

        public required TestCard Card;
        public string? SetupFutureUsage;
        public string? ReturnUrl;
        public bool UseStripeSdk = true;
        public long Created;
        public string? PaymentIntent;
        public string? SetupIntent;
    }

    /// <summary>How an intent is to be confirmed: with which method, whether Stripe.js runs its next action, the way back.</summary>
    private sealed record Confirmation(Method Method, Token? Token, string? ReturnUrl, bool UseStripeSdk, bool RedirectsAllowed);

    private readonly Dictionary<string, Token> _tokens = [];

    private void MapConfirmationTokens(WebApplication app)
    {
        app.MapPost("/v1/test_helpers/confirmation_tokens", context => Idempotent(context, CreateToken));
        app.MapGet("/v1/confirmation_tokens/{id}", (HttpContext context, string id) =>
        {
            JsonObject? token;
            lock (_lock) token = _tokens.TryGetValue(id, out var t) ? TokenJson(t) : null;
            return token is null
                ? WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"No such confirmationtoken: '{id}'", param: "confirmation_token"))
                : WriteAsync(context, 200, token);
        });
    }

    private (int, JsonObject) CreateToken(Form form)
    {
        if (form.Value("payment_method") is not { } pmId || FindMethod(pmId) is not { } method)
            return (400, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{form.Value("payment_method")}'", param: "payment_method"));
        var setupFutureUsage = form.Value("setup_future_usage");
        if (setupFutureUsage is not (null or "off_session" or "on_session"))
            return (400, Error("invalid_request_error", "parameter_invalid_string", $"Invalid setup_future_usage: {setupFutureUsage}", param: "setup_future_usage"));
        var token = new Token
        {
            Id = NewId("ctoken"), PaymentMethod = method.Id, Card = method.Card, SetupFutureUsage = setupFutureUsage,
            ReturnUrl = form.Value("return_url"), Created = Now(),
        };
        _tokens[token.Id] = token;
        return (200, TokenJson(token));
    }

    /// <summary>
    /// Reads how a PaymentIntent or SetupIntent is to be confirmed: its method (<c>payment_method</c>, else the
    /// <c>confirmation_token</c>'s card, which must exist, be unused and unexpired), <c>allowed_payment_method_types</c> (types
    /// Stripe knows, the card's among them), <c>use_stripe_sdk</c> and <c>return_url</c> (the request's, else the token's).
    /// A refusal is Stripe's 400 for a parameter: nothing ran, nothing is kept under the key.
    /// </summary>
    private (Confirmation? Confirmation, (int, JsonObject)? Refusal) ReadConfirmation(Form form)
    {
        Token? token = null;
        if (form.Value("confirmation_token") is { } tokenId)
        {
            if (!_tokens.TryGetValue(tokenId, out token))
                return (null, (400, Error("invalid_request_error", "resource_missing", $"No such confirmationtoken: '{tokenId}'", param: "confirmation_token")));
            if (token.PaymentIntent is not null || token.SetupIntent is not null)
                return (null, (400, Error("invalid_request_error", null,
                    "This ConfirmationToken has already been used to confirm a PaymentIntent or SetupIntent.", param: "confirmation_token")));
            if (DateTimeOffset.FromUnixTimeSeconds(token.Created) + ConfirmationTokenLifetime <= DateTimeOffset.UtcNow)
                return (null, (400, Error("invalid_request_error", null, "This ConfirmationToken has expired.", param: "confirmation_token")));
        }
        var pmId = form.Value("payment_method") ?? token?.PaymentMethod;
        if (pmId is null || FindMethod(pmId) is not { } method)
            return (null, (400, Error("invalid_request_error", "resource_missing", $"No such PaymentMethod: '{pmId}'", param: "payment_method")));
        var (useStripeSdk, notBoolean) = form.Bool("use_stripe_sdk");
        if (notBoolean is { } refusal) return (null, refusal);
        var allowed = form.List("allowed_payment_method_types");
        if (allowed?.FirstOrDefault(t => !PaymentMethodTypes.Contains(t)) is { } unknown)
            return (null, (400, Error("invalid_request_error", "parameter_invalid_string",
                $"Invalid allowed_payment_method_types[]: '{unknown}' is not a payment method type.", param: "allowed_payment_method_types")));
        if (allowed is not null && !allowed.Contains("card"))
            return (null, (400, Error("invalid_request_error", "payment_intent_incompatible_payment_method",
                $"The PaymentMethod's type (card) is not one of allowed_payment_method_types ({string.Join(", ", allowed)}).", param: "allowed_payment_method_types")));
        var redirectsAllowed = allowed is null && form.Value("automatic_payment_methods[allow_redirects]") != "never";
        return (new Confirmation(method, token, form.Value("return_url") ?? token?.ReturnUrl, useStripeSdk ?? token?.UseStripeSdk ?? false, redirectsAllowed), null);
    }

    /// <summary>
    /// Stripe's refusal of an on-session confirmation with no way back when the intent may use payment methods that
    /// redirect the buyer (every type the Dashboard enables): a <c>return_url</c> is required then.
    /// </summary>
    private static (int, JsonObject)? RefuseWithoutWayBack(Confirmation confirmation, bool offSession) =>
        !offSession && confirmation.RedirectsAllowed && confirmation.ReturnUrl is null
            ? (400, Error("invalid_request_error", null,
                "A return_url must be specified because this Payment Intent is configured to automatically accept the payment methods enabled " +
                "in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment " +
                "methods, set automatic_payment_methods[enabled] to true and automatic_payment_methods[allow_redirects] to never.", param: "return_url"))
            : null;

    private static JsonObject TokenJson(Token t) => new()
    {
        ["id"] = t.Id,
        ["object"] = "confirmation_token",
        ["created"] = t.Created,
        ["expires_at"] = t.Created + (long)ConfirmationTokenLifetime.TotalSeconds,
        ["livemode"] = false,
        ["mandate_data"] = null,
        ["payment_intent"] = t.PaymentIntent,
        ["payment_method_preview"] = new JsonObject
        {
            ["type"] = "card",
            ["card"] = CardJson(t.Card),
            ["billing_details"] = new JsonObject { ["address"] = null, ["email"] = null, ["name"] = null, ["phone"] = null },
            ["allow_redisplay"] = "unspecified",
            ["customer"] = null,
        },
        ["return_url"] = t.ReturnUrl,
        ["setup_future_usage"] = t.SetupFutureUsage,
        ["setup_intent"] = t.SetupIntent,
        ["shipping"] = null,
        ["use_stripe_sdk"] = t.UseStripeSdk,
    };
}
