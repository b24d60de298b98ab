using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Webhooks;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Refunds;

/// <summary>
/// A refund's life after its request: records what the gateway says about it (its answer to the request, a Stripe event,
/// the reconciler's question), each move conditional on the states <see cref="RefundStates"/> allows, in one transaction
/// with what follows from it: <c>order.refunded</c> when it succeeds; the amount back to the line and
/// <c>order.refund_failed</c> when it fails or is canceled, even after it succeeded. A refund made outside Encore (the
/// gateway's dashboard) is recorded on the lines of its payment under the gateway's refund id. The reconciler asks about
/// open refunds (<see cref="SettleOpenAsync"/>): by the gateway's id once known, else again with the same key.
/// </summary>
public sealed class RefundSettlement(
    EncoreDbContext db, IPaymentGateway gateway, WebhookOutbox webhooks, TimeProvider clock, ILogger<RefundSettlement> logger)
    : IRefundSettlement, IOpenWork
{
    Task<int> IOpenWork.SettleAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => SettleOpenAsync(olderThan, cancellationToken);

    /// <summary>The gateway's word on one of its refunds: Encore's own (by the gateway's id or Encore's key) moves; one made elsewhere is recorded.</summary>
    public async Task<bool> ApplyAsync(RefundResult result, CancellationToken cancellationToken)
    {
        var id = result.RefundId;
        var key = result.IdempotencyKey;
        var known = await db.Refunds.AsNoTracking()
            .Where(r => (id.Length > 0 && r.GatewayRefundId == id) || (key != null && r.IdempotencyKey == key))
            .ToListAsync(cancellationToken);
        if (known.Count == 0) return await RecordOutsideRefundAsync(result, cancellationToken);
        var changed = false;
        foreach (var refund in known) changed |= await MoveAsync(refund, result, cancellationToken);
        return changed;
    }

    /// <summary>
    /// Moves the refund to the gateway's state, if <see cref="RefundStates"/> allows it from where it stands, with what
    /// follows from the move, in one transaction. True when this call moved it.
    /// </summary>
    public async Task<bool> MoveAsync(Refund refund, RefundResult result, CancellationToken cancellationToken)
    {
        var to = RefundStates.FromGateway(result.Status);
        var from = RefundStates.From(to);
        var id = refund.Id;
        var now = clock.GetUtcNow();
        var gatewayId = result.RefundId.Length > 0 ? result.RefundId : null;
        var released = RefundStates.Released.Contains(to);
        var final = to is RefundStatus.Succeeded || released;
        var failure = released ? Truncate(result.FailureMessage ?? "The gateway refused the refund.") : null;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Refunds.Where(r => r.Id == id && from.Contains(r.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, to)
                .SetProperty(r => r.GatewayRefundId, r => gatewayId ?? r.GatewayRefundId)
                .SetProperty(r => r.FailureMessage, failure)
                .SetProperty(r => r.SettledAt, r => final ? now : r.SettledAt), cancellationToken);
        if (moved != 1) return false;
        if (to == RefundStatus.Succeeded)
            await PublishAsync(WebhookOutbox.OrderRefunded, refund, null, cancellationToken);
        if (released)
        {
            // Only the move that released it gives the reservation back, once; the line is refundable again.
            var lineId = refund.OrderLineId;
            var amount = refund.Amount;
            await db.OrderLines.Where(l => l.Id == lineId && l.RefundedAmount >= amount)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.RefundedAmount, l => l.RefundedAmount - amount), cancellationToken);
            // A refund the gateway had taken and that failed later; a refused request was answered to the seller at once.
            if ((gatewayId ?? refund.GatewayRefundId) is not null)
                await PublishAsync(WebhookOutbox.OrderRefundFailed, refund, failure, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The gateway did not answer the refund's request: unknown, until the reconciler asks again with the same key.</summary>
    public Task MarkUnknownAsync(Guid refundId, CancellationToken cancellationToken) =>
        db.Refunds.Where(r => r.Id == refundId && r.Status == RefundStatus.Pending && r.GatewayRefundId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RefundStatus.Unknown), cancellationToken);

    /// <summary>
    /// Open refunds past <paramref name="olderThan"/>: read by the gateway's id once it is known (a refund still pending or
    /// waiting at the gateway); else looked for among the payment's refunds by Encore's key, and asked for again with the
    /// same key only when the gateway has none (it never received the request; and a key the gateway has since forgotten,
    /// after Stripe's 24 hours, cannot make a second refund). Unanswered ones first: the money may or may not have gone back.
    /// </summary>
    public async Task<int> SettleOpenAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var open = await (
                from refund in db.Refunds.AsNoTracking()
                join charge in db.Charges on refund.ChargeId equals charge.Id
                where RefundStates.Open.Contains(refund.Status) && refund.CreatedAt < olderThan
                orderby refund.GatewayRefundId != null, refund.CreatedAt
                select new { Refund = refund, charge.GatewayPaymentId })
            .Take(100)
            .ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var item in open)
        {
            var paymentId = item.GatewayPaymentId ?? "";
            var key = item.Refund.IdempotencyKey;
            RefundResult? answer;
            if (item.Refund.GatewayRefundId is { } gatewayId)
                answer = await AskAsync(() => gateway.GetRefundAsync(gatewayId, CancellationToken.None), item.Refund);
            else if (await AskAsync(() => gateway.ListRefundsAsync(paymentId, CancellationToken.None), item.Refund) is not { } made)
                answer = null;
            else
                answer = made.FirstOrDefault(r => r.IdempotencyKey == key) ?? await CallAsync(new RefundRequest(paymentId, item.Refund.Amount, key));
            if (answer is null)
            {
                logger.LogWarning("Reconciler could not reach the gateway for refund {RefundId}; will try again", item.Refund.Id);
                continue;
            }
            if (!await TryMoveAsync(item.Refund, answer, cancellationToken)) continue;
            settled++;
            logger.LogInformation("Reconciled refund {RefundId}: {Status}", item.Refund.Id, answer.Status);
        }
        return settled;
    }

    /// <summary>
    /// Calls the gateway for a refund with its own time-out and not the request's token. A refusal of the request itself
    /// is a failed refund without an id; null when no answer came (the outcome is unknown).
    /// </summary>
    public async Task<RefundResult?> CallAsync(RefundRequest request)
    {
        using var timeout = new CancellationTokenSource(GatewayCalls.Timeout);
        try
        {
            return await gateway.RefundAsync(request, timeout.Token);
        }
        catch (GatewayRequestException refusal) when (refusal.Code == "idempotency_error")
        {
            // The key reached the gateway before with other parameters (a refund made before its key went into the
            // metadata): a refund may exist. Never "failed" on that; it stays open and the log says why.
            logger.LogError("The gateway refused refund {Key} again as reused with other parameters; check it in the gateway's dashboard", request.IdempotencyKey);
            return null;
        }
        catch (GatewayRequestException refusal)
        {
            return new RefundResult("", 0, GatewayRefundStatus.Failed, refusal.Message) { PaymentId = request.PaymentId, IdempotencyKey = request.IdempotencyKey };
        }
        catch (Exception exception) when (exception is GatewayUnavailableException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning(exception, "No answer from the gateway for refund {Key}; the reconciler will settle it", request.IdempotencyKey);
            return null;
        }
    }

    /// <summary>Records an answer; false (logged) when the database would not take it: the refund stays open for the reconciler.</summary>
    public async Task<bool> TryMoveAsync(Refund refund, RefundResult result, CancellationToken cancellationToken)
    {
        try
        {
            return await MoveAsync(refund, result, cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            logger.LogError(exception, "Could not record the gateway's answer for refund {RefundId}; the reconciler will settle it", refund.Id);
            return false;
        }
    }

    private async Task<T?> AskAsync<T>(Func<Task<T>> ask, Refund refund) where T : class
    {
        try
        {
            return await ask();
        }
        catch (Exception exception) when (exception is GatewayUnavailableException or GatewayRequestException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not read refund {RefundId} at the gateway", refund.Id);
            return null;
        }
    }

    /// <summary>
    /// A refund made outside Encore (in the gateway's dashboard) that may move money: recorded on the lines of its payment,
    /// in order (main, then bumps), each within what is left on the line, reserved as Encore's own refunds are, in the
    /// gateway's state and under its refund id (key <c>outside:{refund}:{line}</c>), so that a repeated or concurrent
    /// event adds nothing and a later failure finds it. Nothing is recorded for one that already failed.
    /// </summary>
    private async Task<bool> RecordOutsideRefundAsync(RefundResult result, CancellationToken cancellationToken)
    {
        var status = RefundStates.FromGateway(result.Status);
        if (result.RefundId.Length == 0 || !status.Reserves() || result.PaymentId.Length == 0) return false;
        var charge = await db.Charges.AsNoTracking().FirstOrDefaultAsync(c => c.GatewayPaymentId == result.PaymentId, cancellationToken);
        if (charge is null) return false;
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == charge.OrderId, cancellationToken);
        // Main first, then bumps (in memory: the kind is stored by name, which sorts otherwise).
        var lines = (await db.OrderLines.AsNoTracking().Where(l => l.ChargeId == charge.Id).ToListAsync(cancellationToken))
            .OrderBy(l => l.Kind).ThenBy(l => l.CreatedAt).ThenBy(l => l.Id).ToList();
        var now = clock.GetUtcNow();
        var recorded = new List<Refund>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var missing = result.Amount;
        foreach (var line in lines)
        {
            if (missing <= 0) break;
            var amount = Math.Min(missing, line.Amount - line.RefundedAmount);
            if (amount <= 0) continue;
            var lineId = line.Id;
            var reserved = await db.OrderLines.Where(l => l.Id == lineId && l.RefundedAmount + amount <= l.Amount)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.RefundedAmount, l => l.RefundedAmount + amount), cancellationToken);
            if (reserved == 0) continue;
            var refund = new Refund
            {
                Id = Guid.CreateVersion7(), SellerId = order.SellerId, OrderId = order.Id, OrderLineId = line.Id, ChargeId = charge.Id,
                Amount = amount, Currency = charge.Currency, Reason = "Refunded outside Encore (the payment gateway's dashboard)",
                IdempotencyKey = $"outside:{result.RefundId}:{line.Id:N}", GatewayRefundId = result.RefundId, Status = status,
                RequestedBy = gateway.Name, CreatedAt = now, SettledAt = status == RefundStatus.Succeeded ? now : null,
            };
            db.Refunds.Add(refund);
            recorded.Add(refund);
            missing -= amount;
        }
        if (recorded.Count == 0) return false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same refund recorded a moment ago by another event (its keys are taken): the rollback undoes the reservations.
            foreach (var refund in recorded) db.Entry(refund).State = EntityState.Detached;
            return false;
        }
        if (status == RefundStatus.Succeeded)
            foreach (var refund in recorded) await PublishAsync(WebhookOutbox.OrderRefunded, refund, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var refund in recorded) db.Entry(refund).State = EntityState.Detached;
        return true;
    }

    /// <summary><c>order.refunded</c>, or <c>order.refund_failed</c> with the gateway's reason, in the caller's transaction.</summary>
    private Task PublishAsync(string type, Refund refund, string? failure, CancellationToken cancellationToken) =>
        webhooks.PublishAsync(refund.SellerId, type, refund.OrderId, failure is null
            ? new
            {
                orderId = refund.OrderId, refundId = refund.Id, lineId = refund.OrderLineId, chargeId = refund.ChargeId,
                amount = refund.Amount, currency = refund.Currency, reason = refund.Reason,
            }
            : (object)new
            {
                orderId = refund.OrderId, refundId = refund.Id, lineId = refund.OrderLineId, chargeId = refund.ChargeId,
                amount = refund.Amount, currency = refund.Currency, reason = refund.Reason, failureMessage = failure,
            }, cancellationToken);

    private static string Truncate(string message) => message.Length > 1000 ? message[..1000] : message;
}
