using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// Refunds, with the status Stripe gives them: <c>succeeded</c> (most card refunds, at once), <c>pending</c>,
/// <c>requires_action</c>, and later <c>failed</c> or <c>canceled</c> (a refund can fail even after it succeeded). Encore's
/// key goes into the refund's metadata as for payments, so that a refund Stripe reports (an event, a list) is matched to
/// Encore's even when the answer to its request was lost; a refund without it was made elsewhere (the Dashboard).
/// </summary>
public sealed partial class StripeGateway
{
    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var refund = await _refunds.CreateAsync(
                new RefundCreateOptions
                {
                    PaymentIntent = request.PaymentId,
                    Amount = request.Amount,
                    Metadata = new Dictionary<string, string> { [IdempotencyKeyMetadata] = request.IdempotencyKey },
                },
                new RequestOptions { IdempotencyKey = request.IdempotencyKey },
                cancellationToken);
            return ToResult(refund);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e) when (e.StripeError?.Code is "amount_too_large" or "charge_already_refunded" or "charge_disputed")
        {
            return new RefundResult("", 0, GatewayRefundStatus.Failed, e.StripeError.Message ?? "The payment has less left to refund than asked.")
            {
                PaymentId = request.PaymentId, IdempotencyKey = request.IdempotencyKey,
            };
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
    }

    public async Task<RefundResult> GetRefundAsync(string refundId, CancellationToken cancellationToken)
    {
        try
        {
            return ToResult(await _refunds.GetAsync(refundId, cancellationToken: cancellationToken));
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

    public async Task<IReadOnlyList<RefundResult>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken)
    {
        try
        {
            var refunds = new List<RefundResult>();
            await foreach (var refund in _refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = paymentId, Limit = 100 }, cancellationToken: cancellationToken))
                refunds.Add(ToResult(refund));
            return refunds;
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

    internal static RefundResult ToResult(global::Stripe.Refund refund)
    {
        var status = refund.Status switch
        {
            "succeeded" => GatewayRefundStatus.Succeeded,
            "requires_action" => GatewayRefundStatus.RequiresAction,
            "failed" => GatewayRefundStatus.Failed,
            "canceled" => GatewayRefundStatus.Canceled,
            _ => GatewayRefundStatus.Pending,
        };
        var message = status switch
        {
            GatewayRefundStatus.Failed => $"The bank could not return the money ({refund.FailureReason ?? "unknown"}).",
            GatewayRefundStatus.Canceled => "The refund was canceled before the money went back.",
            _ => null,
        };
        return new RefundResult(refund.Id, refund.Amount, status, message)
        {
            PaymentId = refund.PaymentIntentId ?? "",
            IdempotencyKey = refund.Metadata?.GetValueOrDefault(IdempotencyKeyMetadata),
        };
    }
}
