using System.Net;
using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// <see cref="IPaymentGateway"/> on Stripe's PaymentIntents, through Stripe.net. Every call that moves money
/// carries Encore's idempotency key as Stripe's <c>Idempotency-Key</c>, so a retry returns Stripe's first answer.
/// <para>
/// Finding a payment by its key: Stripe has no lookup by idempotency key, and replaying the create call
/// would charge a payment whose first request never arrived (the reconciler must never charge). So the key
/// is also written to the PaymentIntent's metadata (<see cref="IdempotencyKeyMetadata"/>) and found with the
/// Search API. Stripe's search index may lag writes (usually under a minute, longer during an outage), Search is
/// not offered to every account (merchants in India, for one), and "not found" makes the reconciler settle a charge
/// as failed; so when search finds nothing, refuses or does not answer, the intents (and setups) created while the
/// charge's own request could run (<see cref="CreatedWhileRequestRan"/>, bounded by the charge's recording) are listed
/// (lists are read-after-write consistent) and their metadata compared. If that list is too long to read to the end,
/// the answer is unknown, not "never seen".
/// </para>
/// <para>
/// A request of amount 0 that saves the card is a card setup, made with a SetupIntent (Stripe refuses a PaymentIntent
/// of 0); see <c>StripeGateway.Setups.cs</c>. The buyer's card at checkout is a ConfirmationToken that Stripe.js made,
/// confirmed here on the server; see <c>StripeGateway.ConfirmationTokens.cs</c>.
/// </para>
/// </summary>
public sealed partial class StripeGateway : IPaymentGateway
{
    public const string IdempotencyKeyMetadata = "encore_idempotency_key";

    /// <summary>Encore's own page that runs Stripe.js <c>handleNextAction</c> for a payment that needs the buyer's bank.</summary>
    public const string AuthenticationPath = "/pay/authenticate/";

    /// <summary>How far Stripe's clock and this server's may disagree, on either side of a charge's recording.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>At most this many listed intents (or setups) are read before the answer counts as unknown.</summary>
    public const int RecentLimit = 1000;

    private static readonly List<string> ExpandMethod = ["payment_method"];

    /// <summary>Appended to a charge's key for the on-session confirmation that follows an off-session <c>authentication_required</c>.</summary>
    public const string AuthenticateKeySuffix = ":authenticate";

    private readonly PaymentIntentService _intents;
    private readonly SetupIntentService _setups;
    private readonly CustomerService _customers;
    private readonly PaymentMethodService _methods;
    private readonly RefundService _refunds;
    private readonly ConfirmationTokenService _confirmationTokens;
    private readonly StripeSettings _settings;
    private readonly ILogger<StripeGateway>? _logger;

    public StripeGateway(StripeSettings settings, IStripeClient? client = null, ILogger<StripeGateway>? logger = null)
    {
        _settings = settings;
        _logger = logger;
        client ??= new StripeClient(
            settings.SecretKey,
            httpClient: new SystemNetHttpClient(new HttpClient { Timeout = GatewayCalls.Timeout }, settings.MaxNetworkRetries),
            apiBase: settings.ApiBase);
        _intents = new PaymentIntentService(client);
        _setups = new SetupIntentService(client);
        _customers = new CustomerService(client);
        _methods = new PaymentMethodService(client);
        _refunds = new RefundService(client);
        _confirmationTokens = new ConfirmationTokenService(client);
    }

    public string Name => "stripe";

    public async Task<SavedCard?> DescribePaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(paymentMethodId) && IsConfirmationToken(paymentMethodId))
            return await DescribeConfirmationTokenAsync(paymentMethodId, cancellationToken);
        if (string.IsNullOrWhiteSpace(paymentMethodId) || !paymentMethodId.StartsWith("pm_", StringComparison.Ordinal)) return null;
        try
        {
            var method = await _methods.GetAsync(paymentMethodId, cancellationToken: cancellationToken);
            return method.Card is { } card ? new SavedCard(method.Id, card.Brand ?? "card", card.Last4 ?? "") : null;
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            return null;
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// <c>POST /v1/payment_methods/{id}/detach</c> under the key <c>encore:detach:{id}</c>. Stripe refuses to detach a
    /// method that is not attached (a second detach after a lost answer, or one detached in the dashboard): then the method
    /// is read, and one without a customer, or one Stripe no longer has, is done.
    /// </summary>
    public async Task DetachPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken)
    {
        StripeException refusal;
        try
        {
            await _methods.DetachAsync(paymentMethodId, null, new RequestOptions { IdempotencyKey = "encore:detach:" + paymentMethodId }, cancellationToken);
            return;
        }
        catch (StripeException e) when (e.StripeError?.Type == "invalid_request_error")
        {
            refusal = e;
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        try
        {
            var method = await _methods.GetAsync(paymentMethodId, cancellationToken: cancellationToken);
            if (method.CustomerId is not null) throw new GatewayRequestException(refusal.StripeError.Code ?? "invalid_request_error", refusal.Message);
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            // Gone at Stripe: nothing can charge it.
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
    }

    public async Task<GatewayCustomer> CreateCustomerAsync(CreateCustomerRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var customer = await _customers.CreateAsync(
                new CustomerCreateOptions { Email = request.Email, Name = request.Name },
                new RequestOptions { IdempotencyKey = request.IdempotencyKey },
                cancellationToken);
            return new GatewayCustomer(customer.Id);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
    }

    public async Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        if (request.Amount == 0) return await SetUpCardAsync(request, cancellationToken);
        var metadata = new Dictionary<string, string>(request.Metadata) { [IdempotencyKeyMetadata] = request.IdempotencyKey };
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.Amount,
            Currency = request.Currency.ToLowerInvariant(),
            Customer = request.CustomerId,
            // The buyer's card: a ConfirmationToken Stripe.js made at checkout, or a payment method (saved, or a test one).
            PaymentMethod = IsConfirmationToken(request.PaymentMethodId) ? null : request.PaymentMethodId,
            ConfirmationToken = IsConfirmationToken(request.PaymentMethodId) ? request.PaymentMethodId : null,
            AllowedPaymentMethodTypes = ["card"],
            Confirm = true,
            OffSession = request.OffSession ? true : null,
            SetupFutureUsage = request.SaveForOffSession && !request.OffSession ? "off_session" : null,
            // A bank challenge on the buyer's own charge is run by Stripe.js (handleNextAction) on Encore's page.
            UseStripeSdk = request.OffSession ? null : true,
            Description = string.IsNullOrEmpty(request.Description) ? null : request.Description,
            Metadata = metadata,
            Expand = ExpandMethod,
        };
        PaymentIntent intent;
        try
        {
            intent = await _intents.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error" && request.OffSession &&
                                        e.StripeError.Code == "authentication_required" && e.StripeError.PaymentIntent?.Id is { Length: > 0 })
        {
            // The bank wants the cardholder for this one-click charge, and the buyer is on the offer page right now:
            // the same PaymentIntent is confirmed again on-session so that Stripe.js can run the bank's challenge.
            return await ConfirmForBuyerAsync(e.StripeError.PaymentIntent.Id, request, cancellationToken);
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error")
        {
            return Declined(e.StripeError, request);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
        return WithReturnPath(ToResult(intent), request);
    }

    /// <summary>The return path carries the buyer's token: it stays on this site, in the action URL, never at Stripe.</summary>
    private static PaymentResult WithReturnPath(PaymentResult result, ChargeRequest request) =>
        result.Status == PaymentStatus.RequiresAction && SafeReturnPath(request.ReturnUrl) is { } back
            ? result with { ActionUrl = $"{AuthenticationPath}{result.PaymentId}?return={Uri.EscapeDataString(back)}" }
            : result;

    /// <summary>
    /// Confirms an off-session PaymentIntent that the bank declined with <c>authentication_required</c> again, on-session
    /// and for Stripe.js (<c>use_stripe_sdk</c>), on the method that was declined. Its own idempotency key, derived
    /// from the charge's, makes a retry replay this confirmation instead of asking the bank twice. A decline here is
    /// a decline; anything else that fails is the same unknown or refused outcome as the charge itself.
    /// </summary>
    private async Task<PaymentResult> ConfirmForBuyerAsync(string paymentIntentId, ChargeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await _intents.ConfirmAsync(paymentIntentId, new PaymentIntentConfirmOptions
            {
                PaymentMethod = request.PaymentMethodId,
                UseStripeSdk = true,
                Expand = ExpandMethod,
            }, new RequestOptions { IdempotencyKey = request.IdempotencyKey + AuthenticateKeySuffix }, cancellationToken);
            return WithReturnPath(ToResult(intent), request);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error")
        {
            return Declined(e.StripeError, request);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
    }

    /// <summary>A card error: Stripe created the PaymentIntent or SetupIntent (now requires_payment_method) and names it in the error.</summary>
    private static PaymentResult Declined(StripeError error, ChargeRequest request)
    {
        var code = error.DeclineCode ?? error.Code ?? "card_declined";
        var card = error.PaymentMethod?.Card is { } c ? new SavedCard(error.PaymentMethod.Id, c.Brand ?? "card", c.Last4 ?? "") : null;
        return new PaymentResult
        {
            PaymentId = error.PaymentIntent?.Id ?? error.SetupIntent?.Id ?? "",
            Status = PaymentStatus.Failed,
            Amount = request.Amount,
            Currency = request.Currency,
            DeclineCode = code,
            FailureMessage = DeclineMessages.For(code),
            Card = card,
        };
    }

    public async Task<PaymentResult> GetPaymentAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (IsSetup(paymentId)) return await GetSetupAsync(paymentId, cancellationToken);
        try
        {
            var intent = await _intents.GetAsync(paymentId, new PaymentIntentGetOptions { Expand = ExpandMethod }, cancellationToken: cancellationToken);
            return ToResult(intent);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
    }

    internal static PaymentResult ToResult(PaymentIntent intent)
    {
        var status = intent.Status switch
        {
            "succeeded" => PaymentStatus.Succeeded,
            "requires_action" => PaymentStatus.RequiresAction,
            "processing" or "requires_capture" => PaymentStatus.Processing,
            // requires_payment_method is not final at Stripe (another method could be confirmed), and Encore confirms an
            // off-session authentication_required again on-session; so a failure read by anyone but the charge's own
            // request settles it only once that request is over (Charges.IsNews, decision 0008). Also requires_confirmation
            // (Encore always confirms on creation) and canceled, which is final.
            _ => PaymentStatus.Failed,
        };
        var code = status == PaymentStatus.Failed
            ? intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? (intent.Status == "canceled" ? "canceled" : "payment_failed")
            : null;
        var method = intent.PaymentMethod;
        var card = method?.Card is { } c
            ? new SavedCard(method.Id, c.Brand ?? "card", c.Last4 ?? "")
            : intent.PaymentMethodId is { } id ? new SavedCard(id, "card", "") : null;
        return new PaymentResult
        {
            PaymentId = intent.Id,
            Status = status,
            Amount = intent.Amount,
            Currency = intent.Currency.ToUpperInvariant(),
            DeclineCode = code,
            FailureMessage = code is null ? null : DeclineMessages.For(code),
            ActionUrl = status == PaymentStatus.RequiresAction ? AuthenticationPath + intent.Id : null,
            Card = card,
        };
    }

    /// <summary>
    /// What the authentication page needs to run Stripe.js for a payment or a card setup (<c>handleNextAction</c> takes
    /// the client secret of either): its client secret while it still requires action; null when there is no such
    /// payment or setup, or nothing left to do.
    /// </summary>
    public async Task<string?> ClientSecretForActionAsync(string paymentId, CancellationToken cancellationToken)
    {
        try
        {
            if (IsSetup(paymentId))
            {
                var setup = await _setups.GetAsync(paymentId, cancellationToken: cancellationToken);
                return setup.Status == "requires_action" ? setup.ClientSecret : null;
            }
            var intent = await _intents.GetAsync(paymentId, cancellationToken: cancellationToken);
            return intent.Status == "requires_action" ? intent.ClientSecret : null;
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            return null;
        }
    }

    public string? PublishableKey => _settings.PublishableKey;

    /// <summary>A live key: real cards, so card numbers must only ever be typed into Stripe's own fields.</summary>
    public bool IsLiveMode => _settings.IsLiveKey;

    /// <summary>Only a path on this site: the authentication page must never become an open redirect.</summary>
    public static string? SafeReturnPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\') ? url : null;

    /// <summary>No trustworthy answer: a network failure, a time-out, or Stripe's own 5xx / rate limit.</summary>
    private static bool IsUnknown(Exception e) => e switch
    {
        HttpRequestException or TaskCanceledException or OperationCanceledException or TimeoutException => true,
        // 409: another request with this idempotency key is still running at Stripe; it may yet charge.
        StripeException s => s.StripeError is null || s.StripeError.Type == "api_error" ||
                             (int)s.HttpStatusCode >= 500 || s.HttpStatusCode == HttpStatusCode.TooManyRequests ||
                             s.HttpStatusCode == HttpStatusCode.Conflict || s.HttpStatusCode == 0,
        _ => false,
    };

    private static GatewayUnavailableException Unavailable(Exception e) =>
        new($"Stripe gave no answer: {e.Message}", e);

    /// <summary>
    /// Stripe's own name for the refusal: its error code, else its type. A key reused with other parameters is a 400 of
    /// type <c>idempotency_error</c>; <c>idempotency_key_in_use</c> is Stripe's 409 for a key whose first request is still
    /// running, which is no refusal but an unknown outcome (<see cref="IsUnknown"/>).
    /// </summary>
    private static GatewayRequestException Refused(StripeException e) =>
        new(e.StripeError?.Code ?? e.StripeError?.Type ?? "stripe_error", e.StripeError?.Message ?? e.Message);
}
