using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Team;

public sealed record TeamMember(Guid Id, string Email, SellerRole Role);

public sealed record PendingInvite(Guid Id, string Email, SellerRole Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>An invitation as its link's page shows it.</summary>
public sealed record InviteView(Guid Id, Guid SellerId, string Email, SellerRole Role, string SellerName);

/// <summary>What changing the team did: nothing (<see cref="Refusal"/> says why, or <see cref="NotFound"/>), or the change.</summary>
public sealed record TeamChange(bool Done, string? Refusal = null, bool NotFound = false)
{
    public static readonly TeamChange Ok = new(true);
    public static readonly TeamChange Missing = new(false, NotFound: true);

    public static TeamChange Refused(string why) => new(false, why);
}

/// <summary>
/// The people who sign in for one seller: invitations (by mail, one-time, 7 days), roles, removal. Every change is one
/// transaction with its audit entry. A role change also changes the member's security stamp and a removal deletes the
/// account, so the member's sessions end on their next request. The seller always keeps an owner: changes that would
/// leave none are refused under a lock on the seller's row, so two owners demoting each other at once cannot both win.
/// </summary>
public sealed class SellerTeam(EncoreDbContext db, UserManager<SellerUser> users, TimeProvider clock)
{
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);

    public Task<List<TeamMember>> MembersAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.SellerId == sellerId).OrderBy(u => u.Email)
            .Select(u => new TeamMember(u.Id, u.Email ?? "", u.Role)).ToListAsync(cancellationToken);

    public Task<List<PendingInvite>> PendingInvitesAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.SellerInvites.AsNoTracking()
            .Where(i => i.SellerId == sellerId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new PendingInvite(i.Id, i.Email, i.Role, i.CreatedAt, i.ExpiresAt)).ToListAsync(cancellationToken);
    }

    /// <summary>Invites an address with a role: the invitation, its mail and its audit entry in one save.</summary>
    public async Task<TeamChange> InviteAsync(AuditActor actor, string? email, SellerRole role, CancellationToken cancellationToken)
    {
        var address = (email ?? "").Trim().ToLowerInvariant();
        if (address.Length is < 3 or > 256 || address.IndexOf('@') is < 1 || address.EndsWith('@') || address.Any(char.IsWhiteSpace))
            return TeamChange.Refused("Enter the e-mail address of the person to invite, like name@example.com.");
        var normalized = users.NormalizeEmail(address);
        if (await db.Users.AnyAsync(u => u.SellerId == actor.SellerId && u.NormalizedEmail == normalized, cancellationToken))
            return TeamChange.Refused($"{address} is already a member of your team. Nothing was sent.");
        var now = clock.GetUtcNow();
        if (await db.SellerInvites.AnyAsync(i => i.SellerId == actor.SellerId && i.Email == address && i.AcceptedAt == null &&
                                                 i.RevokedAt == null && i.ExpiresAt > now, cancellationToken))
            return TeamChange.Refused($"{address} already has an invitation waiting. Revoke it first to send a new one. Nothing was sent.");

        var invite = new SellerInvite
        {
            Id = Guid.CreateVersion7(now), SellerId = actor.SellerId, Email = address, Role = role,
            InvitedByUserId = actor.UserId ?? Guid.Empty, CreatedAt = now, ExpiresAt = now + InviteLifetime,
        };
        db.SellerInvites.Add(invite);
        db.EmailMessages.Add(new EmailMessage
        {
            Id = Guid.CreateVersion7(now), SellerId = actor.SellerId, OrderId = null, Kind = EmailKind.TeamInvite,
            Reference = invite.Id.ToString("N"), Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        AuditLog.Add(db, actor, now, AuditActions.MemberInvited, invite.Id.ToString(), new { email = address, role = SellerAuth.RoleName(role) });
        await db.SaveChangesAsync(cancellationToken);
        return TeamChange.Ok;
    }

    public async Task<TeamChange> RevokeInviteAsync(AuditActor actor, Guid inviteId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var email = await db.SellerInvites.Where(i => i.Id == inviteId && i.SellerId == actor.SellerId).Select(i => i.Email).FirstOrDefaultAsync(cancellationToken);
        if (email is null) return TeamChange.Missing;
        if (await db.SellerInvites.Where(i => i.Id == inviteId && i.SellerId == actor.SellerId && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), cancellationToken) != 1)
            return TeamChange.Refused($"The invitation of {email} was already accepted or revoked. Nothing changed.");
        AuditLog.Add(db, actor, now, AuditActions.InviteRevoked, inviteId.ToString(), new { email });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TeamChange.Ok;
    }

    public async Task<TeamChange> ChangeRoleAsync(AuditActor actor, Guid userId, SellerRole role, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockSellerAsync(actor.SellerId, cancellationToken);
        var member = await FindMemberAsync(actor.SellerId, userId, cancellationToken);
        if (member is null) return TeamChange.Missing;
        if (member.Role == role) return TeamChange.Refused($"{member.Email} is already {Article(role)}. Nothing changed.");
        if (member.Role == SellerRole.Owner && await OwnersAsync(actor.SellerId, cancellationToken) <= 1)
            return TeamChange.Refused($"{member.Email} is your team's only owner: make someone else an owner first. Nothing changed.");
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        await db.Users.Where(u => u.Id == userId && u.SellerId == actor.SellerId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, role).SetProperty(u => u.SecurityStamp, stamp)
                .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
        AuditLog.Add(db, actor, now, AuditActions.RoleChanged, userId.ToString(),
            new { email = member.Email, from = SellerAuth.RoleName(member.Role), to = SellerAuth.RoleName(role) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TeamChange.Ok;
    }

    public async Task<TeamChange> RemoveAsync(AuditActor actor, Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockSellerAsync(actor.SellerId, cancellationToken);
        var member = await FindMemberAsync(actor.SellerId, userId, cancellationToken);
        if (member is null) return TeamChange.Missing;
        if (member.Role == SellerRole.Owner && await OwnersAsync(actor.SellerId, cancellationToken) <= 1)
            return TeamChange.Refused($"{member.Email} is your team's only owner and cannot be removed. Nothing changed.");
        // Identity's own rows (claims, logins, tokens) go with the account (cascade); the audit log keeps the id and address.
        await db.Users.Where(u => u.Id == userId && u.SellerId == actor.SellerId).ExecuteDeleteAsync(cancellationToken);
        AuditLog.Add(db, actor, now, AuditActions.MemberRemoved, userId.ToString(), new { email = member.Email, role = SellerAuth.RoleName(member.Role) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TeamChange.Ok;
    }

    /// <summary>The invitation a link's token opens: unused, not revoked, not expired; null otherwise (an altered token too).</summary>
    public async Task<InviteView?> FindInviteAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecretTokens.LooksValid(token)) return null;
        var hash = SecretTokens.Hash(token!);
        var now = clock.GetUtcNow();
        return await (from i in db.SellerInvites.AsNoTracking()
                      join s in db.Sellers on i.SellerId equals s.Id
                      where i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now
                      select new InviteView(i.Id, i.SellerId, i.Email, i.Role, s.Name)).FirstOrDefaultAsync(cancellationToken);
    }

    public sealed record Acceptance(SellerUser? User, string? Refusal, IReadOnlyList<string> PasswordErrors, bool Gone = false);

    /// <summary>
    /// Accepts an invitation once: the account (confirmed: the link came to the address), the invitation marked used by
    /// a conditional update, and the audit entry, in one transaction. A refused password changes nothing.
    /// </summary>
    public async Task<Acceptance> AcceptAsync(string? token, string password, string? ip, CancellationToken cancellationToken)
    {
        if (await FindInviteAsync(token, cancellationToken) is not { } invite) return new Acceptance(null, null, [], Gone: true);
        var normalized = users.NormalizeEmail(invite.Email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            return new Acceptance(null, $"{invite.Email} already has an Encore account, and one address can sign in for one seller only for now. " +
                                        "Ask whoever invited you to invite another address of yours. Nothing was changed.", []);
        var user = new SellerUser
        {
            Id = Guid.CreateVersion7(), SellerId = invite.SellerId, UserName = invite.Email, Email = invite.Email, EmailConfirmed = true, Role = invite.Role,
        };
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
            errors.AddRange((await validator.ValidateAsync(users, user, password)).Errors.Select(e => e.Description));
        if (errors.Count > 0) return new Acceptance(null, null, errors);

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.SellerInvites.Where(i => i.Id == invite.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedUserId, user.Id), cancellationToken) != 1)
            return new Acceptance(null, null, [], Gone: true); // accepted or revoked a moment ago
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail")
                ? new Acceptance(null, $"{invite.Email} already has an Encore account. Nothing was changed.", [])
                : new Acceptance(null, null, created.Errors.Select(e => e.Description).ToList());
        }
        AuditLog.Add(db, AuditActor.For(user, invite.Email, ip), now, AuditActions.InviteAccepted, user.Id.ToString(),
            new { inviteId = invite.Id, role = SellerAuth.RoleName(invite.Role) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Acceptance(user, null, []);
    }

    private Task<TeamMember?> FindMemberAsync(Guid sellerId, Guid userId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId && u.SellerId == sellerId)
            .Select(u => new TeamMember(u.Id, u.Email ?? "", u.Role)).FirstOrDefaultAsync(cancellationToken);

    private Task<int> OwnersAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Users.CountAsync(u => u.SellerId == sellerId && u.Role == SellerRole.Owner, cancellationToken);

    /// <summary>
    /// Writes the seller's row (to itself): PostgreSQL holds its row lock until the transaction ends, so a second change
    /// to the same team waits and then counts the owners as the first left them; SQLite has one writer at a time anyway.
    /// </summary>
    private Task LockSellerAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Sellers.Where(s => s.Id == sellerId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, x => x.Name), cancellationToken);

    public static string Article(SellerRole role) => role == SellerRole.Owner ? "an owner" : "staff";
}
