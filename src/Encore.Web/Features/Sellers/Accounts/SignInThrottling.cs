using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Password guessing, slowed in the database instead of locking accounts (a lock-out is a lock any stranger can set):
/// <list type="bullet">
/// <item>per account and client (<c>pair:</c>): 3 attempts freely, then each failure makes that client wait 5 s, 10 s,
/// 20 s … at most 15 minutes before its next attempt at that account. The seller, from anywhere else, is not slowed.</item>
/// <item>per client, across accounts (<c>client:</c>): 20 failures freely, then 5 s, 10 s … at most an hour: one
/// address trying many accounts.</item>
/// </list>
/// Each attempt is counted before the password is checked, with a conditional update that only one request can win, so
/// neither parallel requests nor several instances get more guesses; a success clears the pair and gives the client its
/// attempt back. A day without attempts forgets a key. Nothing here lives in the process.
/// The second step of a two-factor sign-in (a code from the app, or a recovery code) is counted per account across every
/// client (<c>code:</c>, 5 attempts freely, then 5 s, 10 s … at most 15 minutes) and per client: whoever reaches that step
/// already has the password, so the code's million values must not be spread over many addresses.
/// </summary>
public sealed class SignInThrottling(EncoreDbContext db, TimeProvider clock)
{
    public sealed record Rule(string Name, int Free, TimeSpan First, TimeSpan Longest)
    {
        /// <summary>How long the next attempt waits once this many attempts in a row failed (the latest counted).</summary>
        public TimeSpan? Delay(int failures)
        {
            if (failures < Free) return null;
            var doublings = Math.Min(failures - Free, 20);
            var delay = TimeSpan.FromTicks(First.Ticks << doublings);
            return delay < Longest ? delay : Longest;
        }
    }

    public static readonly Rule AccountFromClient = new("pair", Free: 3, First: TimeSpan.FromSeconds(5), Longest: TimeSpan.FromMinutes(15));
    public static readonly Rule Client = new("client", Free: 20, First: TimeSpan.FromSeconds(5), Longest: TimeSpan.FromHours(1));
    public static readonly Rule SecondFactor = new("code", Free: 5, First: TimeSpan.FromSeconds(5), Longest: TimeSpan.FromMinutes(15));

    /// <summary>After a day without attempts a key starts again from nothing (and its row is pruned).</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    /// <summary>An attempt counted on one key, with what the row held before, to undo it on success.</summary>
    public sealed record Claim(string Key, int Version, int PreviousFailures, DateTimeOffset? PreviousLastAttemptAt, DateTimeOffset? PreviousBlockedUntil);

    /// <summary>The outcome of asking to try: a claim on every key, or how long to wait (nothing counted).</summary>
    public sealed record Admission(IReadOnlyList<Claim> Claims, TimeSpan? RetryAfter, bool ClientBlocked)
    {
        public bool Admitted => RetryAfter is null;
    }

    public static string PairKey(string email, string? client) => Key(AccountFromClient, $"{Normalize(email)}\n{client ?? "unknown"}");

    public static string ClientKey(string? client) => Key(Client, client ?? "unknown");

    public static string CodeKey(Guid userId) => Key(SecondFactor, userId.ToString("N"));

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();

    private static string Key(Rule rule, string value) => $"{rule.Name}:{SecretTokens.Hash(value)}";

    /// <summary>Counts an attempt at <paramref name="email"/> from <paramref name="client"/> on both keys, or says how long to wait.</summary>
    public Task<Admission> AdmitAsync(string email, string? client, CancellationToken cancellationToken) =>
        AdmitAsync(PairKey(email, client), AccountFromClient, client, cancellationToken);

    /// <summary>Counts an attempt at the second step (a code) for the account, and from the client, or says how long to wait.</summary>
    public Task<Admission> AdmitCodeAsync(Guid userId, string? client, CancellationToken cancellationToken) =>
        AdmitAsync(CodeKey(userId), SecondFactor, client, cancellationToken);

    private async Task<Admission> AdmitAsync(string key, Rule rule, string? client, CancellationToken cancellationToken)
    {
        var pair = await ClaimAsync(key, rule, cancellationToken);
        if (pair.Claim is null) return new Admission([], pair.RetryAfter, ClientBlocked: false);
        var byClient = await ClaimAsync(ClientKey(client), Client, cancellationToken);
        if (byClient.Claim is null)
        {
            await UndoAsync(pair.Claim, CancellationToken.None);
            return new Admission([], byClient.RetryAfter, ClientBlocked: true);
        }
        return new Admission([pair.Claim, byClient.Claim], null, false);
    }

    /// <summary>The password (or code) was right: the account's count starts again, and the client gets its attempt back.</summary>
    public async Task SucceededAsync(Admission admission)
    {
        foreach (var claim in admission.Claims)
        {
            if (!claim.Key.StartsWith(Client.Name + ":", StringComparison.Ordinal))
                await db.SignInThrottles.Where(t => t.Key == claim.Key).ExecuteDeleteAsync(CancellationToken.None);
            else await UndoAsync(claim, CancellationToken.None);
        }
    }

    private async Task<(Claim? Claim, TimeSpan? RetryAfter)> ClaimAsync(string key, Rule rule, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 5; round++)
        {
            var now = clock.GetUtcNow();
            var row = await db.SignInThrottles.AsNoTracking().SingleOrDefaultAsync(t => t.Key == key, cancellationToken);
            if (row?.BlockedUntil is { } blocked && blocked > now) return (null, blocked - now);
            var failures = (row is null || row.LastAttemptAt < now - Forget ? 0 : row.Failures) + 1;
            DateTimeOffset? until = rule.Delay(failures) is { } delay ? now + delay : null;
            if (row is null)
            {
                var added = new SignInThrottle { Key = key, Failures = failures, LastAttemptAt = now, BlockedUntil = until, Version = 1 };
                db.SignInThrottles.Add(added);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    // Nothing left tracked: every later move of the row is a conditional update or delete, and a second
                    // check in the same request (the password, then the code) may add this key's row again.
                    db.Entry(added).State = EntityState.Detached;
                    return (new Claim(key, 1, 0, null, null), null);
                }
                catch (DbUpdateException)
                {
                    db.Entry(added).State = EntityState.Detached; // another request counted the first attempt: read it again
                    continue;
                }
            }
            var version = row.Version;
            var won = await db.SignInThrottles.Where(t => t.Key == key && t.Version == version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Failures, failures)
                    .SetProperty(t => t.LastAttemptAt, now)
                    .SetProperty(t => t.BlockedUntil, until)
                    .SetProperty(t => t.Version, version + 1), cancellationToken) == 1;
            if (won) return (new Claim(key, version + 1, row.Failures, row.LastAttemptAt, row.BlockedUntil), null);
        }
        return (null, TimeSpan.FromSeconds(1)); // many attempts at this very moment: this one is not checked
    }

    /// <summary>Gives an attempt back: the row as it was, unless others counted since (then one failure fewer).</summary>
    private async Task UndoAsync(Claim claim, CancellationToken cancellationToken)
    {
        var restored = claim.PreviousLastAttemptAt is null
            ? await db.SignInThrottles.Where(t => t.Key == claim.Key && t.Version == claim.Version).ExecuteDeleteAsync(cancellationToken)
            : await db.SignInThrottles.Where(t => t.Key == claim.Key && t.Version == claim.Version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Failures, claim.PreviousFailures)
                    .SetProperty(t => t.LastAttemptAt, claim.PreviousLastAttemptAt.Value)
                    .SetProperty(t => t.BlockedUntil, claim.PreviousBlockedUntil)
                    .SetProperty(t => t.Version, claim.Version + 1), cancellationToken);
        if (restored == 0)
            await db.SignInThrottles.Where(t => t.Key == claim.Key && t.Failures > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, t => t.Failures - 1).SetProperty(t => t.Version, t => t.Version + 1), cancellationToken);
    }

    /// <summary>Deletes keys without an attempt for a day.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - Forget;
        return db.SignInThrottles.Where(t => t.LastAttemptAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}

/// <summary>Prunes the throttle's forgotten keys hourly.</summary>
public sealed class SignInThrottlePruning(IServiceScopeFactory scopes, ILogger<SignInThrottlePruning> logger)
    : PeriodicJob(scopes, logger, TimeSpan.FromHours(1))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<SignInThrottling>().PruneAsync(cancellationToken);
}
