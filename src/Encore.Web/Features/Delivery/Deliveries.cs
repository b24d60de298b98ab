using System.Data.Common;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Delivery;

public enum DeliveryAccess
{
    /// <summary>Paid: everything the product delivers is open.</summary>
    Open,

    /// <summary>The payment is still being confirmed: shown as soon as it settles.</summary>
    Pending,

    /// <summary>Refunded, or its subscription ended or paused: the reason says which.</summary>
    Revoked,
}

/// <summary>One thing the buyer gets, ready to show: a download link, a link, text, or their licence key.</summary>
public sealed record DeliveryItem(
    Guid DeliverableId, DeliverableKind Kind, string Title, string? Href, string? Text, string? FileName, long? Size, string? Key);

/// <summary>What one bought product delivers to this order's buyer, and whether it is open.</summary>
public sealed record ProductDelivery(Guid OrderLineId, Guid ProductId, string ProductName, DeliveryAccess Access, string? Reason, IReadOnlyList<DeliveryItem> Items);

/// <summary>
/// What a buyer gets for an order: per bought product, its deliverables, open only while the line is paid and not
/// refunded and its subscription (if any) has not ended. Decided each time it is shown, so a refund or a cancellation
/// takes access away at once. A licence key is handed to a line the first time it is shown, exactly once.
/// </summary>
public sealed class Deliveries(
    EncoreDbContext db, SignedLinks links, Sellers.SigningSecrets secrets, Email.EmailOutbox mail, IConfiguration configuration, TimeProvider clock,
    ILogger<Deliveries> logger)
{
    private const string DownloadPurpose = "Encore.Delivery.Download.v1";

    private readonly Dictionary<Guid, string> _secrets = [];

    /// <summary>How long a download link works (<c>Encore:Delivery:LinkHours</c>, default 24).</summary>
    public TimeSpan LinkLifetime => TimeSpan.FromHours(Math.Clamp(configuration.GetValue("Encore:Delivery:LinkHours", 24), 1, 24 * 30));

    /// <summary>How long a link works, as pages and mails tell the buyer: "24 hours", "7 days" (the setting's own value).</summary>
    public string LinkLifetimeWords => LinkLifetime.TotalHours is var hours && hours >= 48 && hours % 24 == 0
        ? $"{hours / 24:0} days"
        : $"{hours:0} {(hours == 1 ? "hour" : "hours")}";

    /// <summary>
    /// How long the object store's presigned URL behind a download link works (<c>Encore:Files:S3:UrlMinutes</c>,
    /// default 15, never longer than the link itself): made afresh at each click, after access and the download limit
    /// were checked and the download recorded; short, because a URL in the buyer's hands is not checked again.
    /// </summary>
    public TimeSpan DirectUrlLifetime =>
        TimeSpan.FromMinutes(Math.Clamp(configuration.GetValue("Encore:Files:S3:UrlMinutes", 15), 1, (int)LinkLifetime.TotalMinutes));

    public string DownloadUrl(Guid orderLineId, Guid deliverableId) =>
        $"{links.PublicUrl}/d/{links.Protect(DownloadPurpose, clock.GetUtcNow() + LinkLifetime, orderLineId, deliverableId)}";

    public (LinkCheck Check, Guid OrderLineId, Guid DeliverableId) ReadDownload(string? token) =>
        links.Read(DownloadPurpose, token, 2) is var (check, ids) && check != LinkCheck.Invalid ? (check, ids[0], ids[1]) : (LinkCheck.Invalid, Guid.Empty, Guid.Empty);

    /// <summary>Every product of the order that delivers something, in the order's line order.</summary>
    public async Task<IReadOnlyList<ProductDelivery>> ForOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var lines = await LinesAsync(db.OrderLines.Where(l => l.OrderId == orderId), cancellationToken);
        if (lines.Count == 0) return [];
        var productIds = lines.Select(l => l.ProductId).Distinct().ToList();
        var deliverables = await db.Deliverables.AsNoTracking()
            .Where(d => productIds.Contains(d.ProductId) && d.RemovedAt == null)
            .OrderBy(d => d.Position).ThenBy(d => d.CreatedAt).ToListAsync(cancellationToken);
        if (deliverables.Count == 0) return [];
        var fileIds = deliverables.Select(d => d.FileId).OfType<Guid>().ToList();
        var files = await db.StoredFiles.AsNoTracking().Where(f => fileIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken);

        var result = new List<ProductDelivery>();
        foreach (var line in lines.DistinctBy(l => l.ProductId))
        {
            var own = deliverables.Where(d => d.ProductId == line.ProductId).ToList();
            if (own.Count == 0) continue;
            var (access, reason) = AccessOf(line);
            var items = new List<DeliveryItem>();
            if (access == DeliveryAccess.Open)
            {
                foreach (var d in own)
                {
                    var item = d.Kind switch
                    {
                        DeliverableKind.File when d.FileId is { } fileId && files.TryGetValue(fileId, out var file) =>
                            new DeliveryItem(d.Id, d.Kind, d.Title, DownloadUrl(line.Id, d.Id), null, file.FileName, file.Size, null),
                        DeliverableKind.Link => new DeliveryItem(d.Id, d.Kind, d.Title, await LinkForAsync(d, line, cancellationToken), null, null, null, null),
                        DeliverableKind.Text => new DeliveryItem(d.Id, d.Kind, d.Title, null, d.Text, null, null, null),
                        DeliverableKind.LicenceKey => new DeliveryItem(d.Id, d.Kind, d.Title, null, d.Text, null, null,
                            await KeyForAsync(line, d, cancellationToken)),
                        _ => null,
                    };
                    if (item is not null) items.Add(item);
                }
            }
            result.Add(new ProductDelivery(line.Id, line.ProductId, line.Name, access, reason, items));
        }
        return result;
    }

    /// <summary>What a download link may open now: the file, or why not (in words for the buyer).</summary>
    public async Task<(StoredFile? File, Deliverable? Deliverable, OrderLineAccess? Line, string? Refusal)> AuthorizeDownloadAsync(
        Guid orderLineId, Guid deliverableId, CancellationToken cancellationToken)
    {
        var line = (await LinesAsync(db.OrderLines.Where(l => l.Id == orderLineId), cancellationToken)).SingleOrDefault();
        var deliverable = await db.Deliverables.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deliverableId, cancellationToken);
        if (line is null || deliverable is null || deliverable.ProductId != line.ProductId || deliverable.SellerId != line.SellerId || deliverable.Kind != DeliverableKind.File)
            return (null, null, null, "This download link is not valid.");
        if (deliverable.RemovedAt is not null || deliverable.FileId is not { } fileId)
            return (null, null, line, "The seller has removed this file.");
        var (access, reason) = AccessOf(line);
        if (access == DeliveryAccess.Pending) return (null, null, line, "Your payment is still being confirmed; the download opens as soon as it is.");
        if (access == DeliveryAccess.Revoked) return (null, null, line, reason);
        if (deliverable.DownloadLimit is { } limit &&
            await db.Downloads.CountAsync(d => d.OrderLineId == orderLineId && d.DeliverableId == deliverableId, cancellationToken) >= limit)
            return (null, null, line, LimitReached(limit, line.SupportEmail));
        var file = await db.StoredFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        return file is null ? (null, null, line, "The seller has removed this file.") : (file, deliverable, line, null);
    }

    /// <summary>
    /// Records one download (time and address) against the line and the file it served, numbered per line and
    /// deliverable. False when the seller's download limit is already spent: two downloads started at once race for
    /// the same number, the unique index lets one win, and the other counts again.
    /// </summary>
    public async Task<bool> RecordDownloadAsync(OrderLineAccess line, Deliverable deliverable, StoredFile file, string? ipAddress, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 20; round++)
        {
            var taken = await db.Downloads.CountAsync(d => d.OrderLineId == line.Id && d.DeliverableId == deliverable.Id, cancellationToken);
            if (deliverable.DownloadLimit is { } limit && taken >= limit) return false;
            var download = new Download
            {
                Id = Guid.CreateVersion7(), SellerId = line.SellerId, OrderId = line.OrderId, OrderLineId = line.Id,
                DeliverableId = deliverable.Id, FileId = file.Id, IpAddress = ipAddress, At = clock.GetUtcNow(), Number = taken + 1,
            };
            db.Downloads.Add(download);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another download of the same line took this number a moment ago: count again.
                db.Entry(download).State = EntityState.Detached;
            }
        }
        throw new InvalidOperationException($"Could not number a download of line {line.Id} after 20 rounds.");
    }

    /// <summary>The refusal a spent download limit gets, in words for the buyer.</summary>
    public static string LimitReached(int limit, string supportEmail) =>
        $"This file has been downloaded {limit} {(limit == 1 ? "time" : "times")}, the most the seller allows. Write to {supportEmail} if you need it again.";

    /// <summary>A bought line as access is decided: its charge, refunds and subscription.</summary>
    public sealed record OrderLineAccess(
        Guid Id, Guid OrderId, Guid SellerId, Guid ProductId, string Name, string Email, string SupportEmail, long Amount, long RefundedAmount,
        ChargeStatus ChargeStatus, OrderLineKind Kind, SubscriptionStatus? SubscriptionStatus, DateTimeOffset? SubscriptionEndedAt,
        DateTimeOffset? LastRefundAt);

    private async Task<List<OrderLineAccess>> LinesAsync(IQueryable<OrderLine> query, CancellationToken cancellationToken) =>
        await (from l in query.AsNoTracking()
               where l.Kind != OrderLineKind.Renewal // a renewal pays for access the first line already gives
               join o in db.Orders on l.OrderId equals o.Id
               join v in db.FunnelVersions on o.FunnelVersionId equals v.Id
               join c in db.Charges on l.ChargeId equals c.Id
               join sub in db.Subscriptions on l.SubscriptionId equals sub.Id into subscriptions
               from s in subscriptions.DefaultIfEmpty()
               orderby l.CreatedAt
               select new OrderLineAccess(
                   l.Id, l.OrderId, o.SellerId, l.ProductId, l.Name, o.Email, v.SupportEmail, l.Amount, l.RefundedAmount, c.Status, l.Kind,
                   s == null ? null : s.Status, s == null ? null : s.EndedAt,
                   db.Refunds.Where(r => r.OrderLineId == l.Id).OrderByDescending(r => r.CreatedAt).Select(r => (DateTimeOffset?)r.CreatedAt).FirstOrDefault()))
            .ToListAsync(cancellationToken);

    private static (DeliveryAccess Access, string? Reason) AccessOf(OrderLineAccess line)
    {
        if (line.ChargeStatus != ChargeStatus.Succeeded)
            return line.ChargeStatus == ChargeStatus.Failed
                ? (DeliveryAccess.Revoked, "The payment for it did not go through.")
                : (DeliveryAccess.Pending, "Your payment is being confirmed; what you bought appears here as soon as it is.");
        if (line.Amount > 0 && line.RefundedAmount >= line.Amount)
            return (DeliveryAccess.Revoked, $"It was refunded{On(line.LastRefundAt)}, so its downloads and links are closed.");
        return line.SubscriptionStatus switch
        {
            SubscriptionStatus.Canceled => (DeliveryAccess.Revoked, $"Your subscription ended{On(line.SubscriptionEndedAt)}, so its downloads and links are closed."),
            SubscriptionStatus.Paused => (DeliveryAccess.Revoked, "Your subscription is paused; its downloads and links open again when it resumes."),
            _ => (DeliveryAccess.Open, null),
        };
    }

    private static string On(DateTimeOffset? at) => at is { } value ? $" on {value.UtcDateTime:d MMMM yyyy}" : "";

    /// <summary>
    /// The seller's link, and when asked for, the order, the buyer's e-mail and an HMAC-SHA256 of both with the seller's
    /// signing secret, so the seller's course platform can check the buyer came from a paid order (docs/delivery.md).
    /// </summary>
    private async Task<string> LinkForAsync(Deliverable deliverable, OrderLineAccess line, CancellationToken cancellationToken)
    {
        var url = deliverable.Url ?? "";
        if (!deliverable.SignLink) return url;
        if (!_secrets.TryGetValue(line.SellerId, out var secret))
            _secrets[line.SellerId] = secret = await secrets.OfAsync(line.SellerId, cancellationToken); // once per seller and request, not per link
        var signature = SignLink(secret, line.OrderId, line.Email);
        var separator = url.Contains('?') ? '&' : '?';
        return $"{url}{separator}encore_order={line.OrderId:N}&encore_email={Uri.EscapeDataString(line.Email)}&encore_signature={signature}";
    }

    /// <summary>Lower-case hex HMAC-SHA256 of <c>{order:N}|{email}</c> (UTF-8) under the secret.</summary>
    public static string SignLink(string secret, Guid orderId, string email) => Sellers.SigningSecrets.Sign(secret, $"{orderId:N}|{email}");

    /// <summary>
    /// After a key was taken: when the free keys are down to <see cref="DeliverableCatalog.FewKeysLeft"/> or none, the
    /// seller is mailed, once per level until they add keys. The level is claimed by a conditional update and the mail
    /// queued in the same transaction, so two buyers taking keys at once send one mail, and a crash sends none twice.
    /// </summary>
    private async Task WarnIfLowAsync(OrderLineAccess line, Deliverable deliverable, CancellationToken cancellationToken)
    {
        var left = await db.LicenceKeys.CountAsync(k => k.DeliverableId == deliverable.Id && k.OrderLineId == null, cancellationToken);
        if (left > DeliverableCatalog.FewKeysLeft) return;
        var level = left == 0 ? 0 : DeliverableCatalog.FewKeysLeft;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.Deliverables.Where(d => d.Id == deliverable.Id && (d.KeysWarnedAt == null || d.KeysWarnedAt > level))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.KeysWarnedAt, level), cancellationToken) == 0)
                return;
            await mail.WriteLicenceKeysLowAsync(line.SellerId, line.OrderId, deliverable.Id, left, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Licence keys of deliverable {DeliverableId} are down to {Left}; the seller is mailed", deliverable.Id, left);
        });
    }

    /// <summary>
    /// The line's key from the list: the one it has, or a free one taken now by a conditional update (a key is free
    /// until one update sets its line; the unique (line, list) index keeps a line to one key whatever runs at once).
    /// Null when the list has run out: the page says the seller will send one.
    /// </summary>
    private async Task<string?> KeyForAsync(OrderLineAccess line, Deliverable deliverable, CancellationToken cancellationToken)
    {
        Task<string?> HeldAsync() => db.LicenceKeys.AsNoTracking()
            .Where(k => k.OrderLineId == line.Id && k.DeliverableId == deliverable.Id).Select(k => (string?)k.Key).FirstOrDefaultAsync(cancellationToken);
        for (var round = 0; round < 10; round++)
        {
            if (await HeldAsync() is { } held) return held;
            var free = await db.LicenceKeys.AsNoTracking()
                .Where(k => k.DeliverableId == deliverable.Id && k.OrderLineId == null)
                .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id).Select(k => k.Id).Take(20).ToListAsync(cancellationToken);
            if (free.Count == 0)
            {
                // The last free key may have gone to this very line a moment ago (the same page opened twice at once).
                if (await HeldAsync() is { } mine) return mine;
                logger.LogWarning("Licence keys of deliverable {DeliverableId} ran out; order line {OrderLineId} got none", deliverable.Id, line.Id);
                return null;
            }
            var candidate = free[Random.Shared.Next(free.Count)];
            try
            {
                var now = clock.GetUtcNow();
                if (await db.LicenceKeys.Where(k => k.Id == candidate && k.OrderLineId == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(k => k.OrderLineId, line.Id).SetProperty(k => k.AssignedAt, now), cancellationToken) == 1)
                {
                    await WarnIfLowAsync(line, deliverable, cancellationToken);
                    continue; // read it back above
                }
            }
            catch (Exception exception) when (exception is DbException or DbUpdateException)
            {
                // The unique (line, list) index: the same line took another key at the same moment; read that one.
            }
        }
        return await HeldAsync();
    }
}
