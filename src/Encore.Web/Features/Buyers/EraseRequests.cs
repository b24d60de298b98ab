using System.Data.Common;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

public enum EraseOutcome
{
    /// <summary>Done now: requested, or confirmed.</summary>
    Done,

    /// <summary>Nothing changed: a request is already open (buyer), or this one is already confirmed (seller).</summary>
    Already,

    /// <summary>No such seller for this buyer, or no such request for this seller.</summary>
    NotFound,

    /// <summary>Not confirmed: a subscription of the address still runs; the seller cancels it first.</summary>
    SubscriptionRunning,
}

/// <summary>A buyer's erase request as a seller sees it.</summary>
public sealed record EraseRequestView(
    Guid Id, string Email, string? Reason, DateTimeOffset RequestedAt, DateTimeOffset? ConfirmedAt, string? ConfirmedBy, DateTimeOffset? ErasedAt = null)
{
    public string Status => ErasedAt is not null ? "erased" : ConfirmedAt is null ? "open" : "confirmed";
}

public sealed record EraseRequestPage(IReadOnlyList<EraseRequestView> Items, int Page, int PageSize, int Total, int Open)
{
    public bool HasNewer => Page > 1;
    public bool HasOlder => (long)Page * PageSize < Total;
}

/// <summary>
/// Buyers' requests that a seller erase their data: asked from the buyer's page, one open request per seller and
/// address (a unique index), and confirmed by that seller only (a conditional update on the seller and the open state).
/// Confirming erases what the seller's orders hold about the address (<see cref="BuyerErasure"/>) and records it.
/// </summary>
public sealed class EraseRequests(EncoreDbContext db, BuyerErasure erasure, TimeProvider clock, ILogger<EraseRequests> logger)
{
    public const int MaxReason = 2000;

    /// <summary>Asks a seller the address has bought from; another seller is <see cref="EraseOutcome.NotFound"/>.</summary>
    public async Task<EraseOutcome> RequestAsync(string email, Guid sellerId, string? reason, CancellationToken cancellationToken)
    {
        if (!await db.Orders.AnyAsync(o => o.SellerId == sellerId && o.Email.ToLower() == email, cancellationToken)) return EraseOutcome.NotFound;
        if (await db.BuyerEraseRequests.AnyAsync(r => r.SellerId == sellerId && r.Email == email && r.ConfirmedAt == null, cancellationToken))
            return EraseOutcome.Already;
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var request = new BuyerEraseRequest
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), SellerId = sellerId, Email = email,
            Reason = reason is { Length: > MaxReason } ? reason[..MaxReason] : reason, RequestedAt = clock.GetUtcNow(),
        };
        db.BuyerEraseRequests.Add(request);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Erase request {RequestId} for seller {SellerId}", request.Id, sellerId);
            return EraseOutcome.Done;
        }
        catch (DbUpdateException exception) when (exception.InnerException is DbException)
        {
            // The unique open (seller, address) index: the same request a moment ago, from another tab.
            db.Entry(request).State = EntityState.Detached;
            return EraseOutcome.Already;
        }
    }

    /// <summary>The seller's requests, open ones first, then newest first; <paramref name="open"/> filters.</summary>
    public async Task<EraseRequestPage> ListAsync(Guid sellerId, bool? open, int page, int pageSize, CancellationToken cancellationToken)
    {
        var requests = db.BuyerEraseRequests.AsNoTracking().Where(r => r.SellerId == sellerId);
        if (open is true) requests = requests.Where(r => r.ConfirmedAt == null);
        if (open is false) requests = requests.Where(r => r.ConfirmedAt != null);
        var total = await requests.CountAsync(cancellationToken);
        var openCount = open is false ? 0 : await db.BuyerEraseRequests.CountAsync(r => r.SellerId == sellerId && r.ConfirmedAt == null, cancellationToken);
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var items = await requests
            .OrderBy(r => r.ConfirmedAt == null ? 0 : 1).ThenByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new EraseRequestView(r.Id, r.Email, r.Reason, r.RequestedAt, r.ConfirmedAt, r.ConfirmedBy, r.ErasedAt))
            .ToListAsync(cancellationToken);
        return new EraseRequestPage(items, page, pageSize, total, openCount);
    }

    public Task<EraseRequestView?> FindAsync(Guid sellerId, Guid requestId, CancellationToken cancellationToken) =>
        db.BuyerEraseRequests.AsNoTracking().Where(r => r.Id == requestId && r.SellerId == sellerId)
            .Select(r => new EraseRequestView(r.Id, r.Email, r.Reason, r.RequestedAt, r.ConfirmedAt, r.ConfirmedBy, r.ErasedAt))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Erases the address's data in the seller's orders and records the request as confirmed: once, and only the
    /// seller's own. The view returned is the request as it was asked (its address), for the seller's message.
    /// </summary>
    public async Task<(EraseOutcome Outcome, EraseRequestView? Request, string? AskedBy)> ConfirmAsync(
        Guid sellerId, Guid requestId, string confirmedBy, Sellers.Audit.AuditActor actor, CancellationToken cancellationToken)
    {
        confirmedBy = confirmedBy.Length > 200 ? confirmedBy[..200] : confirmedBy;
        var request = await FindAsync(sellerId, requestId, cancellationToken);
        if (request is null) return (EraseOutcome.NotFound, null, null);
        if (request.ConfirmedAt is not null) return (EraseOutcome.Already, request, request.Email);
        var result = await erasure.EraseAsync(sellerId, request.Email, confirmedBy, actor, cancellationToken);
        if (result.Outcome == ErasureOutcome.SubscriptionRunning) return (EraseOutcome.SubscriptionRunning, request, request.Email);
        // Erased (the request confirmed with it), or nothing left to erase (another confirm a moment ago): recorded either way.
        var now = clock.GetUtcNow();
        var confirmed = await db.BuyerEraseRequests.Where(r => r.Id == requestId && r.SellerId == sellerId && r.ConfirmedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmedAt, now).SetProperty(r => r.ConfirmedBy, confirmedBy), cancellationToken);
        if (result.Outcome == ErasureOutcome.Erased || confirmed == 1)
        {
            logger.LogInformation("Erase request {RequestId} confirmed by seller {SellerId}", requestId, sellerId);
            return (EraseOutcome.Done, await FindAsync(sellerId, requestId, cancellationToken), request.Email);
        }
        return (EraseOutcome.Already, await FindAsync(sellerId, requestId, cancellationToken), request.Email);
    }
}
