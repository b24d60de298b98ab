using System.Globalization;
using System.Text;
using System.Text.Json;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Analytics;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Audit;

/// <param name="UserId">The person's account, when a person acted.</param>
/// <param name="ApiKeyId">The API key, when a key acted.</param>
/// <param name="Name">The person's e-mail address at the time, or the key's name and first characters.</param>
public sealed record AuditActorDto(Guid? UserId, Guid? ApiKeyId, string Name);

/// <param name="SubjectId">The id of what the action was done to (a refund, an API key, a member…), when there is one.</param>
/// <param name="Details">A short JSON object: an amount and currency, a role before and after, an address's SHA-256.</param>
public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Action, AuditActorDto Actor, string? SubjectId, JsonElement Details, string? IpAddress)
{
    public static AuditEntryDto From(AuditEntry e)
    {
        using var details = JsonDocument.Parse(e.Details);
        return new AuditEntryDto(e.Id, e.At, e.Action, new AuditActorDto(e.ActorUserId, e.ActorApiKeyId, e.Actor), e.SubjectId, details.RootElement.Clone(), e.IpAddress);
    }
}

public sealed record AuditLogPageDto(IReadOnlyList<AuditEntryDto> Items, int Page, int PageSize, int Total);

/// <summary>Reads one seller's audit log, newest first, all of it or one action: a page of it, or all of it for an export.</summary>
public sealed class AuditQuery(EncoreDbContext db)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    private IQueryable<AuditEntry> Of(Guid sellerId, string? action) =>
        db.AuditEntries.AsNoTracking().Where(e => e.SellerId == sellerId && (action == null || e.Action == action))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id);

    public async Task<AuditLogPageDto> PageAsync(Guid sellerId, string? action, int page, int pageSize, CancellationToken cancellationToken)
    {
        var total = await db.AuditEntries.CountAsync(e => e.SellerId == sellerId && (action == null || e.Action == action), cancellationToken);
        var items = await Of(sellerId, action).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new AuditLogPageDto(items.Select(AuditEntryDto.From).ToList(), page, pageSize, total);
    }

    public Task<List<AuditEntry>> AllAsync(Guid sellerId, string? action, CancellationToken cancellationToken) =>
        Of(sellerId, action).ToListAsync(cancellationToken);

    /// <summary>The entries as CSV (<c>at,action,actor,actor_user_id,actor_api_key_id,subject_id,details,ip_address</c>), quoted and formula-safe.</summary>
    public static string Csv(IEnumerable<AuditEntry> entries)
    {
        var csv = new StringBuilder("at,action,actor,actor_user_id,actor_api_key_id,subject_id,details,ip_address\r\n");
        foreach (var e in entries)
        {
            string[] fields =
            [
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), e.Action, e.Actor,
                e.ActorUserId?.ToString() ?? "", e.ActorApiKeyId?.ToString() ?? "", e.SubjectId ?? "", e.Details, e.IpAddress ?? "",
            ];
            csv.AppendJoin(',', fields.Select(AnalyticsCsv.Field)).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>The entries as one JSON array of <see cref="AuditEntryDto"/>, as the API shows them.</summary>
    public static byte[] Json(IEnumerable<AuditEntry> entries) =>
        JsonSerializer.SerializeToUtf8Bytes(entries.Select(AuditEntryDto.From), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    /// <summary>A known action, null for all; false when the text names no action.</summary>
    public static bool TryParseAction(string? text, out string? action)
    {
        action = string.IsNullOrWhiteSpace(text) ? null : text.Trim().ToLowerInvariant();
        return action is null || AuditActions.All.Contains(action);
    }
}
