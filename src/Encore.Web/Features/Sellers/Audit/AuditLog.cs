using System.Security.Claims;
using System.Text.Json;
using Encore.Web.Data;
using Encore.Web.Data.Entities;

namespace Encore.Web.Features.Sellers.Audit;

/// <summary>The actions the audit log records, as they appear in it, its exports and the API.</summary>
public static class AuditActions
{
    public const string RefundIssued = "refund_issued";
    public const string ApiKeyCreated = "api_key_created";
    public const string ApiKeyRevoked = "api_key_revoked";
    public const string SigningSecretRotated = "signing_secret_rotated";
    public const string WebhookEndpointAdded = "webhook_endpoint_added";
    public const string WebhookEndpointRemoved = "webhook_endpoint_removed";
    public const string MemberInvited = "member_invited";
    public const string InviteRevoked = "invite_revoked";
    public const string InviteAccepted = "invite_accepted";
    public const string RoleChanged = "role_changed";
    public const string MemberRemoved = "member_removed";
    public const string BuyerDataExported = "buyer_data_exported";
    public const string BuyerDataErased = "buyer_data_erased";
    public const string TwoFactorEnabled = "two_factor_enabled";
    public const string TwoFactorDisabled = "two_factor_disabled";
    public const string PasswordReset = "password_reset";
    public const string EmailChanged = "email_changed";

    /// <summary>Every action, for the page's filter.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        RefundIssued, ApiKeyCreated, ApiKeyRevoked, SigningSecretRotated, WebhookEndpointAdded, WebhookEndpointRemoved,
        MemberInvited, InviteRevoked, InviteAccepted, RoleChanged, MemberRemoved, BuyerDataExported, BuyerDataErased,
        TwoFactorEnabled, TwoFactorDisabled, PasswordReset, EmailChanged,
    ];
}

/// <summary>Who acted for the seller: a person (their account and their address at the time) or an API key, and from where.</summary>
public sealed record AuditActor(Guid SellerId, Guid? UserId, Guid? ApiKeyId, string Name, string? IpAddress)
{
    /// <summary>The signed-in person or the API key of the request.</summary>
    public static AuditActor Of(HttpContext http)
    {
        var user = http.User;
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (Guid.TryParse(user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim), out var keyId))
            return new AuditActor(user.SellerId(), null, keyId, "API key " + user.FindFirstValue(ApiKeyAuthenticationHandler.KeyNameClaim), ip);
        var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
        return new AuditActor(user.SellerId(), userId, null, user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "seller", ip);
    }

    /// <summary>A person acting on their own account without a seller session (a mailed link, the second sign-in step).</summary>
    /// <param name="email">Their address at the time (before a change of address, the old one).</param>
    public static AuditActor For(SellerUser account, string? email, string? ip) => new(account.SellerId, account.Id, null, email ?? "", ip);
}

/// <summary>
/// Writes the seller's audit log. <see cref="Add(EncoreDbContext, AuditActor, DateTimeOffset, string, string?, object?)"/>
/// only adds the entry to the context: the caller saves it with the change it records, in the same transaction, so a
/// change is never without its entry and a refused one leaves none. Nothing in Encore updates or deletes an entry.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const int MaxDetailsLength = 4000;

    /// <summary>Adds an entry for what <paramref name="actor"/> did at <paramref name="at"/>; saved with the caller's next save.</summary>
    public static AuditEntry Add(EncoreDbContext db, AuditActor actor, DateTimeOffset at, string action, string? subjectId, object? details = null)
    {
        var json = details is null ? "{}" : JsonSerializer.Serialize(details, Json);
        if (json.Length > MaxDetailsLength) throw new ArgumentException($"An audit entry's details are at most {MaxDetailsLength} characters.", nameof(details));
        var entry = new AuditEntry
        {
            SellerId = actor.SellerId,
            At = at,
            ActorUserId = actor.UserId,
            ActorApiKeyId = actor.ApiKeyId,
            Actor = actor.Name.Length > 300 ? actor.Name[..300] : actor.Name,
            Action = action,
            SubjectId = subjectId,
            Details = json,
            IpAddress = actor.IpAddress,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}
