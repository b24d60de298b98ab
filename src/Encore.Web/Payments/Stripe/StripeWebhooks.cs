using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// <c>POST /webhooks/stripe</c>: Stripe's word that a payment, a card setup or a refund changed. The signature is checked
/// with Stripe.net's own helper and the secret <c>ENCORE_STRIPE_WEBHOOK_SECRET</c>; each event id is handled
/// once. An event is a prompt, not a fact to copy: for a payment Encore asks the gateway about the charge
/// and records the answer through the same settlement as the reconciler, so a forged, stale or replayed
/// event can never make a charge succeed that did not. For a refund it asks the gateway for the refund (or, for
/// <c>charge.refunded</c>, whose charge carries no refunds list since API version 2022-11-15, for the payment's refunds)
/// and records each through <see cref="IRefundSettlement"/>: Encore's own move to Stripe's state, others are recorded.
/// <para>
/// Stripe renders an event's objects in the webhook endpoint's API version, and Stripe.net reads them as its own pinned
/// version (<see cref="StripeConfiguration.ApiVersion"/>) does. An event Stripe.net would not read as its own is refused
/// with a 400 and a log line saying which version the endpoint must use; Stripe retries it (for up to three days) and
/// it is handled once the seller has set the endpoint's version.
/// </para>
/// </summary>
public static class StripeWebhooks
{
    public const string SecretSetting = "ENCORE_STRIPE_WEBHOOK_SECRET";

    /// <summary>The events Encore acts on, which the Dashboard endpoint subscribes to (the README lists them). Others are acknowledged.</summary>
    public static readonly IReadOnlyList<string> Handled =
    [
        EventTypes.PaymentIntentSucceeded, EventTypes.PaymentIntentPaymentFailed, EventTypes.SetupIntentSucceeded,
        EventTypes.SetupIntentSetupFailed, EventTypes.ChargeRefunded, EventTypes.RefundCreated, EventTypes.RefundUpdated,
        EventTypes.RefundFailed, EventTypes.ChargeRefundUpdated,
    ];

    private static readonly string[] RefundEvents =
        [EventTypes.RefundCreated, EventTypes.RefundUpdated, EventTypes.RefundFailed, EventTypes.ChargeRefundUpdated];

    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", HandleAsync)
            .WithTags("Webhooks")
            .WithName("StripeWebhook")
            .WithSummary($"Receives Stripe events ({string.Join(", ", Handled)}) of API version {StripeConfiguration.ApiVersion}, signed with the endpoint's secret.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(512 * 1024))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, IConfiguration configuration, EncoreDbContext db, IPaymentGateway gateway, Reconciler reconciler,
        IRefundSettlement refunds, TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Encore.StripeWebhooks");
        var secret = configuration[SecretSetting];
        if (string.IsNullOrEmpty(secret)) return Results.NotFound();
        var signature = http.Request.Headers["Stripe-Signature"].ToString();
        if (signature.Length == 0) return Results.Problem(statusCode: 400, title: "Missing signature", detail: "Stripe signs every event in the Stripe-Signature header.");
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signature, secret, throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is StripeException or ArgumentException or FormatException or Newtonsoft.Json.JsonException)
        {
            logger.LogWarning("Refused a Stripe webhook: {Reason}", exception.Message);
            return Results.Problem(statusCode: 400, title: "Invalid signature", detail: "The Stripe-Signature header does not match this body.");
        }
        if (!ReadsAsStripeNet(body))
        {
            logger.LogError(
                "Refused Stripe event {EventId} ({EventType}): it is rendered in API version {EventApiVersion}, but Encore reads events as " +
                "Stripe.net does, for API version {ApiVersion}. Set the API version of the webhook endpoint to {ApiVersion} in Stripe's Dashboard " +
                "(Developers, Webhooks); Stripe sends the event again, and it is handled then.",
                stripeEvent.Id, stripeEvent.Type, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion, StripeConfiguration.ApiVersion);
            return Results.Problem(statusCode: 400, title: "Unexpected API version",
                detail: $"This endpoint reads Stripe events of API version {StripeConfiguration.ApiVersion}; this one is {stripeEvent.ApiVersion}. " +
                        "Set the webhook endpoint's API version in Stripe's Dashboard.");
        }
        if (await db.StripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, http.RequestAborted)) return Results.Ok(new { received = true, duplicate = true });

        // A payment, or a card saved without a charge (a free trial, a new card): the same settlement either way.
        var payment = stripeEvent.Data.Object switch
        {
            PaymentIntent intent when stripeEvent.Type is EventTypes.PaymentIntentSucceeded or EventTypes.PaymentIntentPaymentFailed => (intent.Id, intent.Metadata),
            SetupIntent setup when stripeEvent.Type is EventTypes.SetupIntentSucceeded or EventTypes.SetupIntentSetupFailed => (setup.Id, setup.Metadata),
            _ => default((string Id, Dictionary<string, string>? Metadata)?),
        };
        try
        {
            if (payment is { } named)
                await SettlePaymentAsync(db, gateway, reconciler, named.Id, named.Metadata, http.RequestAborted);
            else if (stripeEvent.Data.Object is global::Stripe.Refund refund && RefundEvents.Contains(stripeEvent.Type))
                await refunds.ApplyAsync(await gateway.GetRefundAsync(refund.Id, http.RequestAborted), CancellationToken.None);
            else if (stripeEvent.Data.Object is global::Stripe.Charge { PaymentIntentId: { Length: > 0 } intentId } && stripeEvent.Type == EventTypes.ChargeRefunded)
                foreach (var each in await gateway.ListRefundsAsync(intentId, http.RequestAborted))
                    await refunds.ApplyAsync(each, CancellationToken.None);
        }
        catch (GatewayUnavailableException)
        {
            // Not recorded as handled: Stripe sends it again, and the reconciler asks meanwhile.
            return Results.Problem(statusCode: 503, title: "Gateway unavailable", detail: "Could not confirm the event with the gateway; send it again.");
        }
        catch (GatewayRequestException exception)
        {
            // The gateway does not know the payment or refund: nothing to record, whatever the event claims.
            logger.LogWarning("Stripe event {EventId} names an object the gateway does not know: {Reason}", stripeEvent.Id, exception.Message);
        }

        db.StripeEvents.Add(new StripeEventRecord { Id = stripeEvent.Id, Type = stripeEvent.Type, ReceivedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // The same event at the same moment on another request or instance: its effects are conditional, so once.
        }
        return Results.Ok(new { received = true });
    }

    /// <summary>
    /// Whether Stripe.net reads the event as its own version: the same rule it applies when asked to throw on a mismatch
    /// (the same release, e.g. any <c>….endive</c> version for 2026-10-28.endive), checked by Stripe.net itself.
    /// </summary>
    private static bool ReadsAsStripeNet(string body)
    {
        try
        {
            EventUtility.ParseEvent(body, throwOnApiVersionMismatch: true);
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    /// <summary>Asks the gateway about the charge the PaymentIntent or SetupIntent belongs to, and settles it if it is still open here.</summary>
    private static async Task SettlePaymentAsync(
        EncoreDbContext db, IPaymentGateway gateway, Reconciler reconciler, string paymentId, Dictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var charge = metadata is not null && metadata.TryGetValue("encore_charge", out var id) && Guid.TryParse(id, out var chargeId)
            ? await db.Charges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == chargeId, cancellationToken)
            : await db.Charges.AsNoTracking().FirstOrDefaultAsync(c => c.GatewayPaymentId == paymentId, cancellationToken);
        if (charge is null || charge.Status is ChargeStatus.Succeeded or ChargeStatus.Failed) return;
        await reconciler.ApplyAsync(charge, await gateway.GetPaymentAsync(paymentId, cancellationToken), cancellationToken);
    }
}
