using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Infrastructure;

/// <summary>The back-off shared by the outbox workers: 30 s × 2^(attempt − 1), at most 6 h; and the lease a worker takes on a row.</summary>
public static class OutboxRetry
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Cap = TimeSpan.FromHours(6);
    public const int MaxAttempts = 10;

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public static TimeSpan Delay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 20);
        var delay = TimeSpan.FromTicks(First.Ticks * (1L << exponent));
        return delay > Cap ? Cap : delay;
    }

    /// <summary>Rows due now and held by no worker's lease, oldest due first.</summary>
    public static Task<List<Guid>> DueAsync<T>(IQueryable<T> rows, DateTimeOffset now, int batch, CancellationToken cancellationToken)
        where T : class, IOutboxRow =>
        Due(rows.AsNoTracking(), now)
            .OrderBy(r => r.NextAttemptAt)
            .Select(r => r.Id)
            .Take(batch)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Takes one row's lease with a conditional update: true for the one worker (of any instance) whose update
    /// found the row still due and unleased; every other worker gets false and leaves it alone.
    /// </summary>
    public static async Task<bool> ClaimAsync<T>(IQueryable<T> rows, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
        where T : class, IOutboxRow
    {
        var until = now + Lease;
        return await Due(rows, now).Where(r => r.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LockedUntil, until), cancellationToken) == 1;
    }

    private static IQueryable<T> Due<T>(IQueryable<T> rows, DateTimeOffset now) where T : class, IOutboxRow =>
        rows.Where(r => r.Status == DeliveryStatus.Pending && r.NextAttemptAt <= now && (r.LockedUntil == null || r.LockedUntil < now));

    public static string Truncate(string? text, int max) => text is null ? "" : text.Length > max ? text[..max] : text;
}
