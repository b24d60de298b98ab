using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// Each seller's own signing secret: the HMAC-SHA256 key of what Encore signs for the seller's site (signed course
/// links, the thank-you redirect). One per seller, so a seller's site trusts nothing another seller of the same Encore
/// could sign. Made on first use by a conditional update (two instances making it at once agree on the first one
/// written), shown on the seller's API keys page and in the seller API, and rotated there.
/// </summary>
public sealed class SigningSecrets(EncoreDbContext db, TimeProvider clock)
{
    /// <summary>The seller's secret, made now when they have none yet.</summary>
    public async Task<string> OfAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(sellerId, cancellationToken) is { } secret) return secret;
        var fresh = NewSecret();
        await db.Sellers.Where(s => s.Id == sellerId && s.SigningSecret == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SigningSecret, fresh), cancellationToken);
        return await ReadAsync(sellerId, cancellationToken) ?? throw new InvalidOperationException($"Seller {sellerId} not found.");
    }

    /// <summary>Replaces the seller's secret (audited): what was signed with the old one no longer checks out on the seller's site.</summary>
    public async Task<string> RotateAsync(Audit.AuditActor actor, CancellationToken cancellationToken)
    {
        var fresh = NewSecret();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Sellers.Where(s => s.Id == actor.SellerId).ExecuteUpdateAsync(s => s.SetProperty(x => x.SigningSecret, fresh), cancellationToken);
        Audit.AuditLog.Add(db, actor, clock.GetUtcNow(), Audit.AuditActions.SigningSecretRotated, actor.SellerId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fresh;
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the UTF-8 <paramref name="message"/> under the UTF-8 <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    private Task<string?> ReadAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Sellers.AsNoTracking().Where(s => s.Id == sellerId).Select(s => s.SigningSecret).FirstOrDefaultAsync(cancellationToken);

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
