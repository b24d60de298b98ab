using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Delivery;

/// <summary>A deliverable as the seller sees it: what it is, its file, its keys and how often it was downloaded.</summary>
public sealed record DeliverableDto(
    Guid Id, Guid ProductId, int Position, string Kind, string Title, string? Url, bool SignLink, string? Text, int? DownloadLimit,
    DeliverableFileDto? File, int? KeysTotal, int? KeysLeft, int Downloads, DateTimeOffset CreatedAt);

public sealed record DeliverableFileDto(Guid Id, string FileName, string ContentType, long Size, string Sha256);

/// <summary>One deliverable of one bought line, on the seller's order page: its downloads and the key handed out (null: none yet).</summary>
public sealed record OrderDeliveryRow(Guid OrderLineId, string ProductName, Guid DeliverableId, string Title, string Kind, int Downloads, string? Key);

/// <summary>A link, text or licence-key deliverable (a file is uploaded with multipart/form-data instead).</summary>
/// <param name="Kind"><c>link</c>, <c>text</c> or <c>licence_key</c>.</param>
/// <param name="Title">What the buyer reads on the button or above the text.</param>
/// <param name="Url">A link: an absolute http(s) URL.</param>
/// <param name="SignLink">A link: append the order, the buyer's e-mail and a signature (docs/delivery.md).</param>
/// <param name="Text">Text: the instructions; a licence key: what the buyer reads with the key.</param>
/// <param name="DownloadLimit">A file: downloads per buyer (1 to 1000); null: no limit.</param>
/// <param name="Keys">A licence key: keys to add to the list, one per buyer.</param>
public sealed record DeliverableRequest(
    string? Kind, string? Title, string? Url = null, bool SignLink = false, string? Text = null, int? DownloadLimit = null,
    IReadOnlyList<string>? Keys = null, int? Position = null);

/// <summary>The seller's side of delivery: a product's deliverables, their files and licence keys. Every query is scoped to the seller.</summary>
public sealed class DeliverableCatalog(EncoreDbContext db, IFileStore files, IConfiguration configuration, TimeProvider clock, ILogger<DeliverableCatalog> logger)
{
    public const int MaxPerProduct = 20;
    public const int MaxKeysPerRequest = 10_000;

    /// <summary>The largest file a seller may upload (<c>Encore:Files:MaxBytes</c>, default 2 GiB).</summary>
    public long MaxFileBytes => configuration.GetValue<long?>("Encore:Files:MaxBytes") ?? 2L * 1024 * 1024 * 1024;

    /// <summary>The seller is warned when a key list has this many left or fewer.</summary>
    public const int FewKeysLeft = 5;

    public async Task<List<DeliverableDto>?> ListAsync(Guid sellerId, Guid productId, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return null;
        var rows = await db.Deliverables.AsNoTracking()
            .Where(d => d.ProductId == productId && d.SellerId == sellerId && d.RemovedAt == null)
            .OrderBy(d => d.Position).ThenBy(d => d.CreatedAt)
            .Select(d => new
            {
                Deliverable = d,
                File = db.StoredFiles.FirstOrDefault(f => f.Id == d.FileId),
                KeysTotal = db.LicenceKeys.Count(k => k.DeliverableId == d.Id),
                KeysLeft = db.LicenceKeys.Count(k => k.DeliverableId == d.Id && k.OrderLineId == null),
                Downloads = db.Downloads.Count(x => x.DeliverableId == d.Id),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => ToDto(r.Deliverable, r.File, r.KeysTotal, r.KeysLeft, r.Downloads)).ToList();
    }

    public async Task<DeliverableDto?> GetAsync(Guid sellerId, Guid productId, Guid deliverableId, CancellationToken cancellationToken) =>
        (await ListAsync(sellerId, productId, cancellationToken))?.FirstOrDefault(d => d.Id == deliverableId);

    /// <summary>Adds a link, text or licence-key deliverable; errors by field, and nothing written when there are any.</summary>
    public async Task<(DeliverableDto? Deliverable, Dictionary<string, string[]>? Errors)> CreateAsync(
        Guid sellerId, Guid productId, DeliverableRequest? request, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return (null, null);
        var errors = new Dictionary<string, string[]>();
        var kind = ParseKind(request?.Kind, errors);
        if (kind == DeliverableKind.File) errors["kind"] = ["Upload a file as multipart/form-data to …/deliverables/files."];
        var deliverable = new Deliverable { Id = Guid.CreateVersion7(), SellerId = sellerId, ProductId = productId, Kind = kind ?? DeliverableKind.Text, Title = "", CreatedAt = clock.GetUtcNow() };
        Apply(deliverable, request, errors);
        var keys = CleanKeys(request?.Keys, errors);
        if (kind == DeliverableKind.LicenceKey && keys.Count == 0 && !errors.ContainsKey("keys")) errors["keys"] = ["Add at least one licence key."];
        if (await CountAsync(productId, cancellationToken) >= MaxPerProduct) errors["product"] = [$"A product delivers at most {MaxPerProduct} things."];
        if (errors.Count > 0) return (null, errors);
        deliverable.Position = request?.Position ?? await NextPositionAsync(productId, cancellationToken);
        db.Deliverables.Add(deliverable);
        AddKeys(deliverable, keys);
        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(sellerId, productId, deliverable.Id, cancellationToken), null);
    }

    /// <summary>Changes a deliverable's words, link, limit or place; its kind and file stay.</summary>
    public async Task<(DeliverableDto? Deliverable, Dictionary<string, string[]>? Errors)> UpdateAsync(
        Guid sellerId, Guid productId, Guid deliverableId, DeliverableRequest? request, CancellationToken cancellationToken)
    {
        var deliverable = await FindAsync(sellerId, productId, deliverableId, cancellationToken);
        if (deliverable is null) return (null, null);
        var errors = new Dictionary<string, string[]>();
        if (request?.Kind is { Length: > 0 } asked && ParseKind(asked, errors) is { } kind && kind != deliverable.Kind)
            errors["kind"] = ["A deliverable keeps its kind; remove it and add another."];
        Apply(deliverable, request, errors);
        var keys = CleanKeys(request?.Keys, errors);
        if (keys.Count > 0 && deliverable.Kind != DeliverableKind.LicenceKey) errors["keys"] = ["Only a licence-key deliverable has keys."];
        if (errors.Count > 0) return (null, errors);
        if (request?.Position is { } position) deliverable.Position = position;
        AddKeys(deliverable, keys);
        await db.SaveChangesAsync(cancellationToken);
        return (await GetAsync(sellerId, productId, deliverableId, cancellationToken), null);
    }

    /// <summary>Removes a deliverable from every buyer's page; its recorded downloads stay.</summary>
    public async Task<bool> RemoveAsync(Guid sellerId, Guid productId, Guid deliverableId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Deliverables.Where(d => d.Id == deliverableId && d.ProductId == productId && d.SellerId == sellerId && d.RemovedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RemovedAt, now), cancellationToken) == 1;
    }

    /// <summary>
    /// Stores an uploaded file and adds it as a deliverable, or (with <paramref name="replace"/>) gives an existing file
    /// deliverable the new file: earlier buyers' links name the deliverable, so they open the new file. The file is
    /// stored whole first; only then does a row name it.
    /// </summary>
    public async Task<(DeliverableDto? Deliverable, Dictionary<string, string[]>? Errors)> UploadAsync(
        Guid sellerId, Guid productId, Guid? replace, string? title, string? fileName, Stream content, CancellationToken cancellationToken)
    {
        Deliverable? deliverable = null;
        if (replace is { } id)
        {
            deliverable = await FindAsync(sellerId, productId, id, cancellationToken);
            if (deliverable is null) return (null, null);
            if (deliverable.Kind != DeliverableKind.File) return (null, new() { ["file"] = ["Only a file deliverable takes a file."] });
        }
        else if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return (null, null);

        var errors = new Dictionary<string, string[]>();
        var name = FileNames.Clean(fileName, errors);
        if (replace is null && await CountAsync(productId, cancellationToken) >= MaxPerProduct) errors["product"] = [$"A product delivers at most {MaxPerProduct} things."];
        if (errors.Count > 0) return (null, errors);

        var file = new StoredFile
        {
            Id = Guid.CreateVersion7(), SellerId = sellerId, FileName = name!, ContentType = FileNames.ContentType(name!),
            Sha256 = "", StorageKey = "", CreatedAt = clock.GetUtcNow(),
        };
        file.StorageKey = $"sellers/{sellerId:N}/{file.Id:N}";
        StoredObject stored;
        try
        {
            stored = await files.PutAsync(file.StorageKey, content, MaxFileBytes, cancellationToken);
        }
        catch (FileTooLargeException exception)
        {
            return (null, new() { ["file"] = [$"The file is larger than {Sizes.Format(exception.Limit)}, the most one upload may be."] });
        }
        catch (FileStoreUnavailableException exception)
        {
            logger.LogError(exception, "Upload of {FileName} for product {ProductId} failed", name, productId);
            return (null, new() { ["file"] = ["The file store did not take the file; nothing was saved. Try again in a moment."] });
        }
        if (stored.Size == 0)
        {
            try
            {
                await files.DeleteAsync(file.StorageKey, CancellationToken.None);
            }
            catch (FileStoreUnavailableException exception)
            {
                // No row names it, so no buyer is offered it; the seller's answer stays the same.
                logger.LogWarning(exception, "The empty upload {Key} could not be deleted from the file store", file.StorageKey);
            }
            return (null, new() { ["file"] = ["The file is empty."] });
        }
        (file.Size, file.Sha256) = (stored.Size, stored.Sha256);
        db.StoredFiles.Add(file);
        if (deliverable is null)
        {
            deliverable = new Deliverable
            {
                Id = Guid.CreateVersion7(), SellerId = sellerId, ProductId = productId, Kind = DeliverableKind.File,
                Title = string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(name!) : title.Trim(), CreatedAt = clock.GetUtcNow(),
                Position = await NextPositionAsync(productId, cancellationToken),
            };
            if (deliverable.Title.Length > 200) deliverable.Title = deliverable.Title[..200];
            db.Deliverables.Add(deliverable);
        }
        deliverable.FileId = file.Id;
        await db.SaveChangesAsync(CancellationToken.None);
        return (await GetAsync(sellerId, productId, deliverable.Id, cancellationToken), null);
    }

    /// <summary>What an order's lines deliver, as the seller's order page shows it: downloads per line and the keys handed out.</summary>
    public async Task<List<OrderDeliveryRow>> ForOrderAsync(Guid sellerId, Guid orderId, CancellationToken cancellationToken)
    {
        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.OrderId == orderId && l.Kind != OrderLineKind.Renewal && db.Orders.Any(o => o.Id == orderId && o.SellerId == sellerId))
            .OrderBy(l => l.CreatedAt).Select(l => new { l.Id, l.ProductId, l.Name }).ToListAsync(cancellationToken);
        if (lines.Count == 0) return [];
        var productIds = lines.Select(l => l.ProductId).Distinct().ToList();
        var lineIds = lines.Select(l => l.Id).ToList();
        var deliverables = await db.Deliverables.AsNoTracking()
            .Where(d => productIds.Contains(d.ProductId) && d.SellerId == sellerId && d.RemovedAt == null)
            .OrderBy(d => d.Position).ThenBy(d => d.CreatedAt).ToListAsync(cancellationToken);
        var downloads = await db.Downloads.AsNoTracking().Where(d => d.OrderId == orderId)
            .GroupBy(d => new { d.OrderLineId, d.DeliverableId }).Select(g => new { g.Key.OrderLineId, g.Key.DeliverableId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var keys = await db.LicenceKeys.AsNoTracking().Where(k => k.OrderLineId != null && lineIds.Contains(k.OrderLineId.Value))
            .Select(k => new { k.OrderLineId, k.DeliverableId, k.Key }).ToListAsync(cancellationToken);
        return lines.DistinctBy(l => l.ProductId).SelectMany(line => deliverables.Where(d => d.ProductId == line.ProductId).Select(d => new OrderDeliveryRow(
            line.Id, line.Name, d.Id, d.Title, KindName(d.Kind),
            downloads.Where(x => x.OrderLineId == line.Id && x.DeliverableId == d.Id).Sum(x => x.Count),
            keys.FirstOrDefault(k => k.OrderLineId == line.Id && k.DeliverableId == d.Id)?.Key))).ToList();
    }

    private Task<Deliverable?> FindAsync(Guid sellerId, Guid productId, Guid deliverableId, CancellationToken cancellationToken) =>
        db.Deliverables.SingleOrDefaultAsync(d => d.Id == deliverableId && d.ProductId == productId && d.SellerId == sellerId && d.RemovedAt == null, cancellationToken);

    private Task<int> CountAsync(Guid productId, CancellationToken cancellationToken) =>
        db.Deliverables.CountAsync(d => d.ProductId == productId && d.RemovedAt == null, cancellationToken);

    private async Task<int> NextPositionAsync(Guid productId, CancellationToken cancellationToken) =>
        (await db.Deliverables.Where(d => d.ProductId == productId).MaxAsync(d => (int?)d.Position, cancellationToken) ?? -1) + 1;

    private void AddKeys(Deliverable deliverable, List<string> keys)
    {
        if (keys.Count == 0) return;
        deliverable.KeysWarnedAt = null; // a fuller list: warn again when it runs low again
        var now = clock.GetUtcNow();
        for (var i = 0; i < keys.Count; i++)
            db.LicenceKeys.Add(new LicenceKey
            {
                // Ordered ids and times: keys are handed out in the order the seller listed them.
                Id = Guid.CreateVersion7(now), SellerId = deliverable.SellerId, DeliverableId = deliverable.Id, Key = keys[i], CreatedAt = now.AddTicks(i),
            });
    }

    private static void Apply(Deliverable deliverable, DeliverableRequest? request, Dictionary<string, string[]> errors)
    {
        if (request is null) { errors["body"] = ["A deliverable is required."]; return; }
        var title = (request.Title ?? "").Trim();
        if (title.Length == 0 && deliverable.Title.Length == 0) errors["title"] = ["Give it a title the buyer reads, e.g. \"Open your course\"."];
        else if (title.Length > 200) errors["title"] = ["At most 200 characters."];
        else if (title.Length > 0) deliverable.Title = title;

        if (deliverable.Kind == DeliverableKind.Link)
        {
            var url = (request.Url ?? deliverable.Url ?? "").Trim();
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http") || url.Length > 2000)
                errors["url"] = ["Enter the full address of the course or community, starting with https://."];
            else deliverable.Url = url;
            deliverable.SignLink = request.SignLink;
        }
        if (deliverable.Kind is DeliverableKind.Text or DeliverableKind.LicenceKey)
        {
            var text = (request.Text ?? deliverable.Text ?? "").Trim();
            if (deliverable.Kind == DeliverableKind.Text && text.Length == 0) errors["text"] = ["Write the instructions the buyer reads."];
            else if (text.Length > 8000) errors["text"] = ["At most 8,000 characters."];
            else deliverable.Text = text.Length == 0 ? null : text;
        }
        if (request.DownloadLimit is { } limit)
        {
            if (deliverable.Kind != DeliverableKind.File) errors["downloadLimit"] = ["Only a file has a download limit."];
            else if (limit is < 1 or > 1000) errors["downloadLimit"] = ["Allow 1 to 1,000 downloads per buyer, or leave it empty for no limit."];
        }
        if (deliverable.Kind == DeliverableKind.File) deliverable.DownloadLimit = request.DownloadLimit;
        if (request.Position is < 0 or > 1000) errors["position"] = ["A position is 0 to 1000."];
    }

    private static DeliverableKind? ParseKind(string? kind, Dictionary<string, string[]> errors)
    {
        switch (kind?.Trim().ToLowerInvariant())
        {
            case "file": return DeliverableKind.File;
            case "link": return DeliverableKind.Link;
            case "text": return DeliverableKind.Text;
            case "licence_key" or "license_key": return DeliverableKind.LicenceKey;
            default:
                errors["kind"] = ["Say what it is: \"link\", \"text\" or \"licence_key\" (files are uploaded)."];
                return null;
        }
    }

    private static List<string> CleanKeys(IReadOnlyList<string>? keys, Dictionary<string, string[]> errors)
    {
        var clean = (keys ?? []).Select(k => (k ?? "").Trim()).Where(k => k.Length > 0).ToList();
        if (clean.Count > MaxKeysPerRequest) errors["keys"] = [$"At most {MaxKeysPerRequest:N0} keys at a time."];
        else if (clean.Any(k => k.Length > 500)) errors["keys"] = ["A key is at most 500 characters."];
        else if (clean.Count != clean.Distinct(StringComparer.Ordinal).Count()) errors["keys"] = ["Each key may be listed once."];
        return clean;
    }

    public static string KindName(DeliverableKind kind) => kind switch
    {
        DeliverableKind.File => "file",
        DeliverableKind.Link => "link",
        DeliverableKind.Text => "text",
        _ => "licence_key",
    };

    private static DeliverableDto ToDto(Deliverable d, StoredFile? file, int keysTotal, int keysLeft, int downloads) => new(
        d.Id, d.ProductId, d.Position, KindName(d.Kind), d.Title, d.Url, d.SignLink, d.Text, d.DownloadLimit,
        file is null ? null : new DeliverableFileDto(file.Id, file.FileName, file.ContentType, file.Size, file.Sha256),
        d.Kind == DeliverableKind.LicenceKey ? keysTotal : null, d.Kind == DeliverableKind.LicenceKey ? keysLeft : null, downloads, d.CreatedAt);
}

/// <summary>File names as a buyer's download gets them: the last segment only, no control characters, a known type.</summary>
public static class FileNames
{
    public static string? Clean(string? fileName, Dictionary<string, string[]> errors)
    {
        var name = (fileName ?? "").Trim();
        if (name.Length == 0) errors["file"] = ["Choose a file to upload."];
        else if (name.Length > 255) errors["file"] = ["The file name is longer than 255 characters."];
        else if (name.IndexOfAny(['/', '\\']) >= 0 || name.Any(char.IsControl) || name is "." or "..")
            errors["file"] = ["The file name may not contain slashes or control characters."];
        else return name;
        return null;
    }

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf", [".zip"] = "application/zip", [".mp3"] = "audio/mpeg", [".m4a"] = "audio/mp4",
        [".wav"] = "audio/wav", [".mp4"] = "video/mp4", [".mov"] = "video/quicktime", [".epub"] = "application/epub+zip",
        [".txt"] = "text/plain", [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
    };

    /// <summary>The type from the name's extension (never the browser's guess, which a download would then trust), else octet-stream.</summary>
    public static string ContentType(string fileName) =>
        Types.TryGetValue(Path.GetExtension(fileName), out var type) ? type : "application/octet-stream";
}
