using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Infrastructure.Idempotency;

public enum IdempotencyOutcome
{
    /// <summary>First time this key is seen: run the request, then <see cref="IdempotencyStore.CompleteAsync"/>.</summary>
    Started,

    /// <summary>A finished request had this key: replay its response.</summary>
    Replay,

    /// <summary>A request with this key is still running: 409.</summary>
    InProgress,

    /// <summary>This key was used with another request body: 422.</summary>
    Mismatch,
}

public sealed record IdempotencyBegin(IdempotencyOutcome Outcome, Guid RecordId, int? Status = null, string? Body = null);

/// <summary>
/// Stripe-style idempotent requests, kept in the database so that every instance sees the same keys:
/// the first response to a key is stored and replayed; another body with the same key is refused; a
/// request still running holds a lease, and a retry after the lease ran out (its request died) takes over.
/// </summary>
/// <remarks>
/// A stored response can hold a secret (a checkout's session token, which can charge the saved card), so a
/// record keeps only the SHA-256 of its key and the response sealed with a key derived from the
/// Idempotency-Key itself: the client that holds the key reads its response back; a copy of the database
/// alone reads nothing.
/// </remarks>
public sealed class IdempotencyStore(EncoreDbContext db, TimeProvider clock)
{
    private readonly Dictionary<Guid, byte[]> _sealingKeys = [];
    private readonly Dictionary<Guid, IdempotencyRecord> _deferred = [];

    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    public const int MaxKeyLength = 255;

    public static string HashRequest(string canonicalRequest) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    /// <param name="deferred">
    /// Optimistic: nothing is read or written here; the record is inserted by the request's own first save, so
    /// a first request costs no round trip of its own and a refused one leaves nothing behind. A request whose
    /// key was used before meets the earlier record at the unique index (its save fails), or meets the change
    /// the earlier request made (it is refused); either way the caller then asks <see cref="FindAsync"/> and
    /// answers from the earlier record. Only for handlers whose first save is the change the key guards, and
    /// whose retry after that change is refused (the accept: the step is no longer offered).
    /// </param>
    public async Task<IdempotencyBegin> BeginAsync(string scope, string key, string requestHash, CancellationToken cancellationToken, bool deferred = false)
    {
        var now = clock.GetUtcNow();
        var sealingKey = SealingKeyFor(key);
        var keyHash = HashRequest(key);
        var record = new IdempotencyRecord
        {
            Id = Guid.CreateVersion7(),
            Scope = scope,
            Key = keyHash,
            RequestHash = requestHash,
            CreatedAt = now,
            LeaseExpiresAt = now + Lease,
        };
        if (deferred)
        {
            db.IdempotencyRecords.Add(record);
            _sealingKeys[record.Id] = sealingKey;
            _deferred[record.Id] = record;
            return new IdempotencyBegin(IdempotencyOutcome.Started, record.Id);
        }
        IdempotencyRecord? existing = null;
        // A record found taken may be gone a moment later (its request released the key): then try again.
        for (var attempt = 0; existing is null && attempt < 3; attempt++)
        {
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                _sealingKeys[record.Id] = sealingKey;
                return new IdempotencyBegin(IdempotencyOutcome.Started, record.Id);
            }
            catch (DbUpdateException)
            {
                db.Entry(record).State = EntityState.Detached;
            }
            existing = await db.IdempotencyRecords.AsNoTracking()
                .SingleOrDefaultAsync(r => r.Scope == scope && r.Key == keyHash, cancellationToken);
        }
        if (existing is null) return new IdempotencyBegin(IdempotencyOutcome.InProgress, record.Id);
        return (await FromExistingAsync(existing, requestHash, sealingKey, now, cancellationToken, takeOver: true))!;
    }

    /// <summary>
    /// What an earlier request's record of this key means for this one (a replay, in progress, or another body);
    /// null when there is none, or its request died (lease run out): that record is never taken over here.
    /// </summary>
    public async Task<IdempotencyBegin?> FindAsync(string scope, string key, string requestHash, CancellationToken cancellationToken)
    {
        var keyHash = HashRequest(key);
        var existing = await db.IdempotencyRecords.AsNoTracking()
            .SingleOrDefaultAsync(r => r.Scope == scope && r.Key == keyHash, cancellationToken);
        return existing is null ? null : await FromExistingAsync(existing, requestHash, SealingKeyFor(key), clock.GetUtcNow(), cancellationToken, takeOver: false);
    }

    private async Task<IdempotencyBegin?> FromExistingAsync(
        IdempotencyRecord existing, string requestHash, byte[] sealingKey, DateTimeOffset now, CancellationToken cancellationToken, bool takeOver)
    {
        if (existing.RequestHash != requestHash)
            return new IdempotencyBegin(IdempotencyOutcome.Mismatch, existing.Id);
        _sealingKeys[existing.Id] = sealingKey;
        if (existing.Completed)
            return new IdempotencyBegin(IdempotencyOutcome.Replay, existing.Id, existing.ResponseStatus, Open(sealingKey, existing.ResponseBody));
        if (existing.LeaseExpiresAt > now)
            return new IdempotencyBegin(IdempotencyOutcome.InProgress, existing.Id);
        if (!takeOver) return null;

        // The request that held this key died without answering. Take the key over, once.
        var taken = await db.IdempotencyRecords
            .Where(r => r.Id == existing.Id && !r.Completed && r.LeaseExpiresAt == existing.LeaseExpiresAt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, now + Lease), cancellationToken);
        return taken == 1
            ? new IdempotencyBegin(IdempotencyOutcome.Started, existing.Id)
            : new IdempotencyBegin(IdempotencyOutcome.InProgress, existing.Id);
    }

    /// <summary>True when the record of a deferred begin is still waiting for the request's first save.</summary>
    private bool Unsaved(Guid recordId, out IdempotencyRecord record) =>
        _deferred.TryGetValue(recordId, out record!) && db.Entry(record).State == EntityState.Added;

    public async Task CompleteAsync(Guid recordId, int status, string body, CancellationToken cancellationToken)
    {
        var sealedBody = Seal(SealingKeyOf(recordId), body);
        if (Unsaved(recordId, out var record))
        {
            // The request answered without saving anything of its own: the record is written now, complete.
            record.Completed = true;
            record.ResponseStatus = status;
            record.ResponseBody = sealedBody;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request with this key got there first; it answers its own retries.
                db.Entry(record).State = EntityState.Detached;
            }
            return;
        }
        await db.IdempotencyRecords
            .Where(r => r.Id == recordId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Completed, true)
                .SetProperty(r => r.ResponseStatus, status)
                .SetProperty(r => r.ResponseBody, sealedBody), cancellationToken);
    }

    /// <summary>Gives the key back when the request failed before it changed anything, so a retry runs again.</summary>
    public Task ReleaseAsync(Guid recordId, CancellationToken cancellationToken)
    {
        if (Unsaved(recordId, out var record))
        {
            db.Entry(record).State = EntityState.Detached;
            return Task.CompletedTask;
        }
        return db.IdempotencyRecords
            .Where(r => r.Id == recordId && !r.Completed)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>How long a key is remembered (Stripe's rule): a retry later than this is a new request.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Forgets finished keys past <see cref="Retention"/>: their stored responses hold tokens that need not outlive them.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - Retention;
        return db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff && (r.Completed || r.LeaseExpiresAt < cutoff))
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Waits for a request that holds the key to finish, for callers (pages) that would rather wait than answer 409.</summary>
    public async Task<IdempotencyBegin?> WaitForCompletionAsync(Guid recordId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (clock.GetUtcNow() < deadline)
        {
            var record = await db.IdempotencyRecords.AsNoTracking()
                .Where(r => r.Id == recordId)
                .Select(r => new { r.Completed, r.ResponseStatus, r.ResponseBody })
                .SingleOrDefaultAsync(cancellationToken);
            if (record is null) return null;
            if (record.Completed)
                return new IdempotencyBegin(IdempotencyOutcome.Replay, recordId, record.ResponseStatus, Open(SealingKeyOf(recordId), record.ResponseBody));
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        return null;
    }

    private byte[] SealingKeyOf(Guid recordId) =>
        _sealingKeys.TryGetValue(recordId, out var sealingKey)
            ? sealingKey
            : throw new InvalidOperationException("A record's response is written and read only in the scope that began it with its key.");

    private static byte[] SealingKeyFor(string key) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, info: "encore idempotent response"u8.ToArray());

    /// <summary>AES-GCM: nonce, tag and ciphertext, in base64.</summary>
    private static string Seal(byte[] sealingKey, string body)
    {
        var plain = Encoding.UTF8.GetBytes(body);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(sealingKey, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Convert.ToBase64String(output);
    }

    private static string? Open(byte[] sealingKey, string? sealedBody)
    {
        if (sealedBody is null) return null;
        var input = Convert.FromBase64String(sealedBody);
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(sealingKey, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private const int NonceSize = 12;
    private const int TagSize = 16;
}
