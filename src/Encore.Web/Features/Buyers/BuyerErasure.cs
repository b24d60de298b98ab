using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

public enum ErasureOutcome
{
    Erased,

    /// <summary>The seller has no order from this address (or it was erased already).</summary>
    NotFound,

    /// <summary>A subscription of the address still runs: it is cancelled first (Encore cannot bill someone it forgot).</summary>
    SubscriptionRunning,
}

public sealed record ErasureResult(ErasureOutcome Outcome, int Orders = 0, int Subscriptions = 0, string? Pseudonym = null);

/// <summary>
/// Erases what one seller's orders hold about one buyer's address (docs/data-rights.md). Removed or replaced: the e-mail
/// (by a random pseudonym, the same on every row of this erasure, so the seller's books still group the orders), the
/// name, IP addresses and browsers of consent records and downloads, the mails' recipients and bodies, the address and
/// name inside webhook payloads, the erase requests' address and reason. Kept: amounts, currencies, dates, products,
/// card brand and last four, gateway ids and the consent records' disclosure text and SHA-256, so the books and the
/// evidence of a dispute survive. One transaction: all of it, or nothing.
/// </summary>
public sealed class BuyerErasure(EncoreDbContext db, TimeProvider clock, ILogger<BuyerErasure> logger)
{
    public const string ErasedName = "Erased buyer";

    /// <param name="email">The address, trimmed and lower-case.</param>
    /// <param name="by">Who erased (the seller user's e-mail or the API key's prefix), recorded on the buyer's erase requests.</param>
    /// <param name="actor">Who erased, for the seller's audit log (written in the erasure's transaction).</param>
    public async Task<ErasureResult> EraseAsync(Guid sellerId, string email, string by, Sellers.Audit.AuditActor actor, CancellationToken cancellationToken)
    {
        email = email.Trim().ToLowerInvariant();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var orders = await db.Orders.Where(o => o.SellerId == sellerId && o.Email.ToLower() == email)
                .Select(o => new { o.Id, o.Email, o.BuyerName }).ToListAsync(cancellationToken);
            var subscriptions = await db.Subscriptions.Where(s => s.SellerId == sellerId && s.Email.ToLower() == email)
                .Select(s => new { s.Id, s.Status, s.Email, s.BuyerName }).ToListAsync(cancellationToken);
            if (orders.Count == 0 && subscriptions.Count == 0) return new ErasureResult(ErasureOutcome.NotFound);
            var running = subscriptions.Count(s => s.Status is not (SubscriptionStatus.Canceled or SubscriptionStatus.Ended));
            if (running > 0) return new ErasureResult(ErasureOutcome.SubscriptionRunning, Subscriptions: running);

            var pseudonym = $"erased-{Guid.NewGuid():N}"[..19] + "@erased.invalid";
            var orderIds = orders.Select(o => o.Id).ToList();
            var subscriptionIds = subscriptions.Select(s => s.Id).ToList();
            await db.Orders.Where(o => orderIds.Contains(o.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Email, pseudonym).SetProperty(o => o.BuyerName, ErasedName), cancellationToken);
            await db.Subscriptions.Where(x => subscriptionIds.Contains(x.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Email, pseudonym).SetProperty(x => x.BuyerName, ErasedName), cancellationToken);
            await db.ConsentRecords.Where(c => orderIds.Contains(c.OrderId))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.IpAddress, (string?)null).SetProperty(c => c.UserAgent, (string?)null), cancellationToken);
            await db.Downloads.Where(d => orderIds.Contains(d.OrderId))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IpAddress, (string?)null), cancellationToken);
            await db.EmailMessages.Where(m => m.OrderId != null && orderIds.Contains(m.OrderId.Value))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.To, m => m.To == null ? null : pseudonym)
                    .SetProperty(m => m.TextBody, (string?)null).SetProperty(m => m.HtmlBody, (string?)null), cancellationToken);

            // The address and name as they were written into webhook payloads (JSON strings), replaced where they stand.
            var words = orders.SelectMany(o => new[] { o.Email, o.BuyerName }).Concat(subscriptions.SelectMany(x => new[] { x.Email, x.BuyerName }))
                .Where(w => w.Length > 0).Distinct().OrderByDescending(w => w.Length).ToList();
            foreach (var word in words)
            {
                var quoted = System.Text.Json.JsonSerializer.Serialize(word);
                var replacement = System.Text.Json.JsonSerializer.Serialize(word.Contains('@') ? pseudonym : ErasedName);
                await db.WebhookEvents.Where(e => e.SellerId == sellerId && e.OrderId != null && orderIds.Contains(e.OrderId.Value) && e.Payload.Contains(quoted))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Payload, e => e.Payload.Replace(quoted, replacement)), cancellationToken);
            }

            var now = clock.GetUtcNow();
            await db.BuyerEraseRequests.Where(r => r.SellerId == sellerId && r.Email == email)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Email, pseudonym).SetProperty(r => r.Reason, (string?)null)
                    .SetProperty(r => r.ConfirmedAt, r => r.ConfirmedAt ?? now).SetProperty(r => r.ConfirmedBy, r => r.ConfirmedBy ?? by)
                    .SetProperty(r => r.ErasedAt, now), cancellationToken);
            // The log keeps no address: the pseudonym the orders now carry, and the SHA-256 of the address to match a buyer who asks.
            Sellers.Audit.AuditLog.Add(db, actor, now, Sellers.Audit.AuditActions.BuyerDataErased, pseudonym,
                new { addressSha256 = Infrastructure.SecretTokens.Hash(email), orders = orders.Count, subscriptions = subscriptions.Count });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Seller {SellerId} erased a buyer: {Orders} orders, {Subscriptions} subscriptions, now {Pseudonym}",
                sellerId, orders.Count, subscriptions.Count, pseudonym);
            return new ErasureResult(ErasureOutcome.Erased, orders.Count, subscriptions.Count, pseudonym);
        });
    }
}
