using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>Creates, lists and revokes a seller's API keys; every query is scoped by the seller.</summary>
public sealed class SellerApiKeys(EncoreDbContext db, TimeProvider clock)
{
    /// <summary>Creates a key and returns it: the only moment it exists outside the caller's hands. Audited with it.</summary>
    public async Task<string> CreateAsync(AuditActor actor, string name, CancellationToken cancellationToken)
    {
        var key = ApiKeyAuthenticationHandler.KeyPrefix + SecretTokens.New();
        var now = clock.GetUtcNow();
        var apiKey = new SellerApiKey
        {
            Id = Guid.CreateVersion7(),
            SellerId = actor.SellerId,
            Name = string.IsNullOrWhiteSpace(name) ? "API key" : name.Trim()[..Math.Min(name.Trim().Length, 100)],
            Prefix = key[..12],
            KeyHash = SecretTokens.Hash(key),
            CreatedAt = now,
        };
        db.SellerApiKeys.Add(apiKey);
        AuditLog.Add(db, actor, now, AuditActions.ApiKeyCreated, apiKey.Id.ToString(), new { apiKey.Name, apiKey.Prefix });
        await db.SaveChangesAsync(cancellationToken); // one transaction: the key and its entry
        return key;
    }

    public Task<List<SellerApiKey>> ListAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.SellerApiKeys.AsNoTracking().Where(k => k.SellerId == sellerId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Revokes one of this seller's keys; false when the seller has no such key (another seller's key is "no such key").</summary>
    public async Task<bool> RevokeAsync(AuditActor actor, Guid keyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sellerId = actor.SellerId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.SellerApiKeys.AsNoTracking().Where(k => k.Id == keyId && k.SellerId == sellerId)
            .Select(k => new { k.Name, k.Prefix }).FirstOrDefaultAsync(cancellationToken);
        if (key is null || await db.SellerApiKeys
                .Where(k => k.Id == keyId && k.SellerId == sellerId && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) != 1)
            return false;
        AuditLog.Add(db, actor, now, AuditActions.ApiKeyRevoked, keyId.ToString(), new { key.Name, key.Prefix });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
