using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Refunds;

/// <summary>A seller's request to give back money on one line of one of their orders.</summary>
/// <param name="Amount">Minor units; null means everything still left on the line.</param>
/// <param name="IdempotencyKey">The client's key (API header, or the page's per-render key): the same key refunds once.</param>
/// <param name="Actor">The person or API key asking, for the audit log (written with the refund); null when Encore itself refunds.</param>
public sealed record RefundCommand(
    Guid SellerId, Guid OrderId, Guid LineId, long? Amount, string? Reason, string IdempotencyKey, string RequestedBy,
    Sellers.Audit.AuditActor? Actor = null);

public enum RefundOutcome
{
    Succeeded,
    Failed,

    /// <summary>Not settled yet: the gateway's answer was lost, or the gateway is still processing it (or waits for the buyer's side).</summary>
    Open,

    /// <summary>No such order or line for this seller.</summary>
    NotFound,

    /// <summary>Refused before anything moved: <see cref="RefundResultView.Field"/> names what was wrong.</summary>
    Invalid,
}

public sealed record RefundResultView(RefundOutcome Outcome, Refund? Refund, string? Field = null, string? Message = null, string? Code = null)
{
    public static RefundResultView Invalid(string field, string code, string message) => new(RefundOutcome.Invalid, null, field, message, code);

    public static readonly RefundResultView NotFound = new(RefundOutcome.NotFound, null);

    public static RefundResultView Of(Refund refund) => new(refund.Status switch
    {
        RefundStatus.Succeeded => RefundOutcome.Succeeded,
        RefundStatus.Failed or RefundStatus.Canceled => RefundOutcome.Failed,
        _ => RefundOutcome.Open,
    }, refund, Message: refund.FailureMessage);
}

/// <summary>
/// Refunds one order line, fully or partly, exactly once per idempotency key. Transaction 1 reserves the
/// amount on the line with a conditional update (the database refuses a reservation beyond the line) and
/// inserts the pending refund; the gateway is called with a key derived from the client's; transaction 2
/// (<see cref="RefundSettlement"/>) records the gateway's state of it (a refusal or a failure releases the reservation;
/// pending or requires action keep it until the gateway says more). A lost answer is Unknown, never Failed: the
/// reconciler asks again with the same key.
/// </summary>
public sealed class RefundService(EncoreDbContext db, RefundSettlement settlement, TimeProvider clock)
{
    public const int MaxReasonLength = 500;

    /// <summary>The gateway key for a client's key on one line: the same request key always maps to the same refund.</summary>
    public static string GatewayKey(Guid lineId, string requestKey) =>
        $"refund:{lineId:N}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)))}";

    public async Task<RefundResultView> RefundAsync(RefundCommand command, CancellationToken cancellationToken)
    {
        var reason = command.Reason?.Trim() ?? "";
        if (reason.Length > MaxReasonLength)
            return RefundResultView.Invalid("reason", "reason_too_long", $"The reason may be at most {MaxReasonLength} characters.");
        if (string.IsNullOrEmpty(command.IdempotencyKey))
            return RefundResultView.Invalid("idempotencyKey", "idempotency_key_missing", "An idempotency key is required.");

        var row = await (
                from line in db.OrderLines.AsNoTracking()
                join order in db.Orders on line.OrderId equals order.Id
                join charge in db.Charges on line.ChargeId equals charge.Id
                where line.Id == command.LineId && line.OrderId == command.OrderId && order.SellerId == command.SellerId
                select new { Line = line, charge.Status, charge.GatewayPaymentId })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null) return RefundResultView.NotFound;

        var key = GatewayKey(command.LineId, command.IdempotencyKey);
        // The same request again (a double-submitted form, a retry): the first refund's outcome, nothing moved twice.
        if (await FindByKeyAsync(key, cancellationToken) is { } existing) return RefundResultView.Of(existing);

        if (row.Status != ChargeStatus.Succeeded || string.IsNullOrEmpty(row.GatewayPaymentId))
            return RefundResultView.Invalid("lineId", "charge_not_succeeded", "This line's payment has not succeeded, so there is nothing to refund.");
        var left = row.Line.Amount - row.Line.RefundedAmount;
        var amount = command.Amount ?? left;
        if (command.Amount is not null && amount <= 0)
            return RefundResultView.Invalid("amount", "amount_invalid", "The amount to refund must be larger than zero.");
        if (amount <= 0)
            return RefundResultView.Invalid("amount", "nothing_left", "This line has already been refunded in full.");
        if (amount > left)
            return TooMuch(amount, left, row.Line.Currency);

        var now = clock.GetUtcNow();
        var refund = new Refund
        {
            Id = Guid.CreateVersion7(),
            SellerId = command.SellerId,
            OrderId = command.OrderId,
            OrderLineId = command.LineId,
            ChargeId = row.Line.ChargeId,
            Amount = amount,
            Currency = row.Line.Currency,
            Reason = reason,
            IdempotencyKey = key,
            Status = RefundStatus.Pending,
            RequestedBy = command.RequestedBy.Length > 200 ? command.RequestedBy[..200] : command.RequestedBy,
            CreatedAt = now,
        };

        // Transaction 1: reserve on the line (only while what is left covers it), record the pending refund.
        bool? reserved;
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var lineId = command.LineId;
            var orderId = command.OrderId;
            var sellerId = command.SellerId;
            var updated = await db.OrderLines
                .Where(l => l.Id == lineId && l.OrderId == orderId &&
                            db.Orders.Any(o => o.Id == orderId && o.SellerId == sellerId) &&
                            l.RefundedAmount + amount <= l.Amount)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.RefundedAmount, l => l.RefundedAmount + amount), cancellationToken);
            if (updated != 1) reserved = false; // disposed without commit: rolled back
            else
            {
                db.Refunds.Add(refund);
                var audit = command.Actor is { } actor
                    ? Sellers.Audit.AuditLog.Add(db, actor, now, Sellers.Audit.AuditActions.RefundIssued, refund.Id.ToString(),
                        new { amount, currency = refund.Currency, orderId = refund.OrderId, lineId = refund.OrderLineId })
                    : null;
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    reserved = true;
                }
                catch (DbUpdateException)
                {
                    // Most likely the same key won a race a moment ago; the rollback gives the reservation back.
                    db.Entry(refund).State = EntityState.Detached;
                    if (audit is not null) db.Entry(audit).State = EntityState.Detached;
                    await transaction.RollbackAsync(CancellationToken.None);
                    reserved = null;
                }
            }
        }
        if (reserved is null)
            return await FindByKeyAsync(key, cancellationToken) is { } raced
                ? RefundResultView.Of(raced)
                : throw new InvalidOperationException("The refund could not be recorded.");
        if (reserved == false)
        {
            var now2 = await db.OrderLines.AsNoTracking().Where(l => l.Id == command.LineId)
                .Select(l => l.Amount - l.RefundedAmount).FirstAsync(cancellationToken);
            return TooMuch(amount, now2, row.Line.Currency);
        }
        db.Entry(refund).State = EntityState.Detached;

        // The gateway, with its own time-out and not the request's token: once reserved, the refund is seen through.
        var answer = await settlement.CallAsync(new RefundRequest(row.GatewayPaymentId!, amount, key));
        if (answer is not null) await settlement.TryMoveAsync(refund, answer, CancellationToken.None);
        else await MarkUnknownAsync(refund.Id);
        return RefundResultView.Of(await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, CancellationToken.None));
    }

    private async Task MarkUnknownAsync(Guid refundId)
    {
        try
        {
            await settlement.MarkUnknownAsync(refundId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Still pending: the reconciler asks the gateway again by key either way.
        }
    }

    private Task<Refund?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == key, cancellationToken);

    private static RefundResultView TooMuch(long amount, long left, string currency) =>
        RefundResultView.Invalid("amount", "amount_exceeds_refundable",
            $"You asked to refund {new Encore.Domain.Money(amount, currency).Format()}, but only {new Encore.Domain.Money(Math.Max(left, 0), currency).Format()} is left to refund on this line. Nothing was refunded.");
}
