using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>Creates, lists and revokes a seller's API keys; every query is scoped by the seller.</summary>
public sealed class SellerApiKeys(EncoreDbContext db, TimeProvider clock)
{
    /// <summary>Creates a key and returns it: the only moment it exists outside the caller's hands.</summary>
    public async Task<string> CreateAsync(Guid sellerId, string name, CancellationToken cancellationToken)
    {
        var key = ApiKeyAuthenticationHandler.KeyPrefix + SecretTokens.New();
        db.SellerApiKeys.Add(new SellerApiKey
        {
            Id = Guid.CreateVersion7(),
            SellerId = sellerId,
            Name = string.IsNullOrWhiteSpace(name) ? "API key" : name.Trim()[..Math.Min(name.Trim().Length, 100)],
            Prefix = key[..12],
            KeyHash = SecretTokens.Hash(key),
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public Task<List<SellerApiKey>> ListAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.SellerApiKeys.AsNoTracking().Where(k => k.SellerId == sellerId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Revokes one of this seller's keys; false when the seller has no such key (another seller's key is "no such key").</summary>
    public async Task<bool> RevokeAsync(Guid sellerId, Guid keyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.SellerApiKeys
            .Where(k => k.Id == keyId && k.SellerId == sellerId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) == 1;
    }
}
