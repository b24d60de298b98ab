using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

public enum SignInCheck
{
    /// <summary>The link is unused and within its 15 minutes.</summary>
    Valid,

    /// <summary>The link has signed someone in already; it opens nothing more.</summary>
    Used,

    Expired,

    /// <summary>Not a sign-in link of ours (altered, incomplete, another kind of link, or pruned).</summary>
    Invalid,
}

/// <summary>
/// Sign-in to the buyer's page by e-mail link. Asking writes a <see cref="BuyerSignInLink"/> row for any address (so the
/// answer and the work are the same whether it has bought or not) and, only for an address with orders, queues the mail
/// on its most recent order; at most <see cref="LinksPerWindow"/> links per address per <see cref="LimitWindow"/>.
/// The mail's link is a data-protected token naming the row (<see cref="UrlFor"/>, made when the mail is sent); using it
/// is one conditional update, so a link signs in once, whatever is clicked at once.
/// </summary>
public sealed class BuyerSignIns(EncoreDbContext db, EmailOutbox mail, SignedLinks links, TimeProvider clock, ILogger<BuyerSignIns> logger)
{
    private const string Purpose = "Encore.Buyer.SignIn.v1";

    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Links an address gets per <see cref="LimitWindow"/>, however often it is asked for.</summary>
    public const int LinksPerWindow = 3;

    public static readonly TimeSpan LimitWindow = TimeSpan.FromMinutes(15);

    /// <summary>How long a link's row is kept (for the per-address limit and the buyer's own data), used or not.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    public string UrlFor(BuyerSignInLink link) => $"{links.PublicUrl}/account/signin/{links.Protect(Purpose, link.ExpiresAt, link.Id)}";

    /// <summary>Writes a link for the address and, if it has bought, queues its mail; says nothing about which happened.</summary>
    /// <param name="email">The address, normalized (<see cref="BuyerAuth.Normalize"/>).</param>
    public async Task RequestAsync(string email, string? requestIp, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now - LimitWindow;
        var recent = await db.BuyerSignInLinks.CountAsync(l => l.Email == email && l.CreatedAt > since, cancellationToken);
        var latest = await db.Orders.AsNoTracking()
            .Where(o => o.Email.ToLower() == email)
            .OrderByDescending(o => o.CreatedAt)
            .Select(o => new { o.Id, o.SellerId })
            .FirstOrDefaultAsync(cancellationToken);
        if (recent >= LinksPerWindow)
        {
            logger.LogInformation("Sign-in link not sent: {Count} already asked for the same address in the last {Minutes} minutes", recent, LimitWindow.TotalMinutes);
            return;
        }
        var link = new BuyerSignInLink
        {
            Id = Guid.CreateVersion7(now), Email = email, ExpiresAt = now + LinkLifetime, CreatedAt = now,
            RequestIp = requestIp is { Length: > 64 } ? requestIp[..64] : requestIp,
        };
        db.BuyerSignInLinks.Add(link);
        if (latest is null)
            await db.SaveChangesAsync(cancellationToken);
        else // the outbox's save writes the link and its mail in one transaction
            await mail.WriteBuyerSignInAsync(latest.SellerId, latest.Id, link.Id, cancellationToken);
    }

    /// <summary>What a link would do now, without using it (a mail scanner's prefetch changes nothing).</summary>
    public async Task<SignInCheck> CheckAsync(string? token, CancellationToken cancellationToken)
    {
        var (check, ids) = links.Read(Purpose, token, 1);
        if (check == LinkCheck.Invalid) return SignInCheck.Invalid;
        var id = ids[0];
        var link = await db.BuyerSignInLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (link is null) return check == LinkCheck.Expired ? SignInCheck.Expired : SignInCheck.Invalid;
        if (link.UsedAt is not null) return SignInCheck.Used;
        return check == LinkCheck.Expired || link.ExpiresAt <= clock.GetUtcNow() ? SignInCheck.Expired : SignInCheck.Valid;
    }

    /// <summary>
    /// Uses the link: one conditional update (unused and unexpired → used now) that only one request can win. The
    /// winner gets the address to sign in; any other request gets why not, and nothing changes.
    /// </summary>
    public async Task<(SignInCheck Check, string? Email, Guid LinkId)> UseAsync(string? token, CancellationToken cancellationToken)
    {
        var (check, ids) = links.Read(Purpose, token, 1);
        if (check == LinkCheck.Valid)
        {
            var id = ids[0];
            var now = clock.GetUtcNow();
            var claimed = await db.BuyerSignInLinks
                .Where(l => l.Id == id && l.UsedAt == null && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), cancellationToken);
            if (claimed == 1)
            {
                var email = await db.BuyerSignInLinks.AsNoTracking().Where(l => l.Id == id).Select(l => l.Email).SingleAsync(cancellationToken);
                return (SignInCheck.Valid, email, id);
            }
        }
        // Lost the update: say why from the row as it is now (another request used it a moment ago, or it ran out).
        var why = await CheckAsync(token, cancellationToken);
        return (why == SignInCheck.Valid ? SignInCheck.Used : why, null, Guid.Empty);
    }

    /// <summary>Deletes links older than <see cref="Retention"/>. Deleting twice is harmless.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - Retention;
        return db.BuyerSignInLinks.Where(l => l.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}

/// <summary>Prunes sign-in links older than a day, once an hour.</summary>
public sealed class BuyerSignInPruning(IServiceScopeFactory scopes, ILogger<BuyerSignInPruning> logger)
    : PeriodicJob(scopes, logger, TimeSpan.FromHours(1))
{
    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var pruned = await services.GetRequiredService<BuyerSignIns>().PruneAsync(cancellationToken);
        if (pruned > 0) logger.LogInformation("Pruned {Count} buyer sign-in links older than a day", pruned);
    }
}
