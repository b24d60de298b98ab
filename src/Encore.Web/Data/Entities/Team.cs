namespace Encore.Web.Data.Entities;

/// <summary>What a person signed in for a seller may do (docs/decisions/0017-team-roles-and-audit-log.md).</summary>
public enum SellerRole
{
    /// <summary>Everything, including refunds, API keys, the signing secret, webhooks, the team, buyers' data and the audit log.</summary>
    Owner = 0,

    /// <summary>Runs the shop (funnels, products, prices) and reads orders, subscriptions and analytics; moves no money back and holds no keys.</summary>
    Staff = 1,
}

/// <summary>
/// An owner's invitation to join the seller's team. The mail's link carries a token made when the mail is sent; only its
/// SHA-256 is kept here. Accepted once (a conditional update), revocable until then, dead after <see cref="ExpiresAt"/>.
/// </summary>
public sealed class SellerInvite
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>Trimmed and lower-case.</summary>
    public required string Email { get; set; }

    public SellerRole Role { get; set; }

    /// <summary>SHA-256 of the link's token; null until the mail is sent (each send replaces it: only the newest link opens).</summary>
    public string? TokenHash { get; set; }

    public Guid InvitedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// One line of a seller's audit log: who did what to which thing, when and from where. Written in the same transaction as
/// the change it records, never changed nor deleted by Encore (<see cref="Features.Sellers.Audit.AuditLog"/>).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Given by the database in the order entries are written: what "newest first" means when two share a moment.</summary>
    public long Id { get; set; }
    public Guid SellerId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The person's account, when a person acted (kept after the account is removed).</summary>
    public Guid? ActorUserId { get; set; }

    /// <summary>The API key, when a key acted.</summary>
    public Guid? ActorApiKeyId { get; set; }

    /// <summary>The person's e-mail address at the time, or the key's name and first characters.</summary>
    public required string Actor { get; set; }

    /// <summary>What happened, in snake_case (<see cref="Features.Sellers.Audit.AuditActions"/>).</summary>
    public required string Action { get; set; }

    /// <summary>The id of what it happened to (a refund, a key, a member, an invite…); null when there is no such thing.</summary>
    public string? SubjectId { get; set; }

    /// <summary>A short JSON object with what else matters (an amount and currency, a role before and after).</summary>
    public string Details { get; set; } = "{}";

    /// <summary>The client address the request came from.</summary>
    public string? IpAddress { get; set; }
}
