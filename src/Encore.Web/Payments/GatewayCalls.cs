namespace Encore.Web.Payments;

/// <summary>What came back from a gateway call that moves money: a result, a refusal, or nothing we can trust.</summary>
public sealed record GatewayAnswer(PaymentResult? Result, GatewayRequestException? Refusal)
{
    /// <summary>No answer (time-out, lost connection, crash of the gateway): the money may or may not have moved.</summary>
    public bool IsUnknown => Result is null && Refusal is null;
}

public static class GatewayCalls
{
    /// <summary>
    /// Records a gateway's answer; false (logged) when the database would not take it. The charge then
    /// stays open, and the reconciler settles it from the gateway's own record.
    /// </summary>
    public static async Task<bool> TryRecordAsync(ILogger logger, Guid chargeId, Func<Task> record)
    {
        try
        {
            await record();
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            logger.LogError(exception, "Could not record the gateway's answer for charge {ChargeId}; the reconciler will settle it", chargeId);
            return false;
        }
    }

    /// <summary>The decline code of a charge whose request never reached the gateway (the reconciler found no payment under its key).</summary>
    public const string NotReceived = "not_received";

    /// <summary>A failed payment for a charge no money moved for: a refusal, or a key the gateway never saw.</summary>
    public static PaymentResult NothingCharged(long amount, string currency, string code, string message) => new()
    {
        PaymentId = "",
        Status = PaymentStatus.Failed,
        Amount = amount,
        Currency = currency,
        DeclineCode = code,
        FailureMessage = message,
    };

    /// <summary>What a refusal of the request itself means for the buyer: nothing was charged.</summary>
    public static PaymentResult Refused(long amount, string currency, GatewayRequestException refusal) =>
        NothingCharged(amount, currency, refusal.Code, "The payment could not be made. Nothing was charged.");

    /// <summary>How long a money-moving call may take before its outcome counts as unknown.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Calls the gateway with its own time-out and deliberately not the buyer's request token: once a
    /// charge is recorded, a buyer closing the tab must not abandon it half-way.
    /// </summary>
    /// <param name="deadline">An earlier end for the call than its own time-out (a billing run's chunk of renewals); ending counts as no answer.</param>
    public static async Task<GatewayAnswer> ChargeAsync(IPaymentGateway gateway, ChargeRequest request, ILogger logger, CancellationToken deadline = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        timeout.CancelAfter(Timeout);
        try
        {
            return new GatewayAnswer(await gateway.ChargeAsync(request, timeout.Token), null);
        }
        catch (GatewayRequestException refusal)
        {
            logger.LogWarning("Gateway {Gateway} refused charge {Key}: {Code}", gateway.Name, request.IdempotencyKey, refusal.Code);
            return new GatewayAnswer(null, refusal);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Rule 4: unknown is a state. The reconciler asks the gateway by key later.
            logger.LogWarning(exception, "Gateway {Gateway} gave no answer for charge {Key}; outcome unknown", gateway.Name, request.IdempotencyKey);
            return new GatewayAnswer(null, null);
        }
    }
}
