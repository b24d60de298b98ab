namespace Encore.Web.Data.Entities;

public enum DeliverableKind
{
    /// <summary>A file the seller uploaded (PDF, audio, video, zip), downloaded through an expiring signed link.</summary>
    File = 0,

    /// <summary>A link to a course or community, optionally with the order and a signature appended.</summary>
    Link = 1,

    /// <summary>Instructions in plain text.</summary>
    Text = 2,

    /// <summary>A licence key: each buyer takes one from the seller's list, exactly once.</summary>
    LicenceKey = 3,
}

/// <summary>
/// Something a product gives its buyers, in the seller's order. Buyers reach it through their order: what they may
/// open is decided when they open it (paid, not refunded, subscription not ended), so a refund takes access away.
/// </summary>
public sealed class Deliverable
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid ProductId { get; set; }
    public int Position { get; set; }
    public DeliverableKind Kind { get; set; }

    /// <summary>What the buyer reads on the button or above the text: "Workbook (PDF)", "Open your course".</summary>
    public required string Title { get; set; }

    /// <summary>A file: the stored file buyers get now (replacing it keeps every earlier buyer's link working).</summary>
    public Guid? FileId { get; set; }

    /// <summary>A link: where it leads.</summary>
    public string? Url { get; set; }

    /// <summary>A link: append <c>encore_order</c>, <c>encore_email</c> and <c>encore_signature</c> so the seller's platform can verify the buyer.</summary>
    public bool SignLink { get; set; }

    /// <summary>Text: the instructions; a licence key: what the buyer reads with the key.</summary>
    public string? Text { get; set; }

    /// <summary>A file: downloads per buyer's order line; null: no limit.</summary>
    public int? DownloadLimit { get; set; }

    /// <summary>
    /// A licence-key list: the fewest free keys the seller has been mailed about since they last added keys
    /// (<see cref="Features.Delivery.DeliverableCatalog.FewKeysLeft"/>, then 0); null: not warned. Set by a conditional
    /// update, so one mail goes per level whatever runs at once.
    /// </summary>
    public int? KeysWarnedAt { get; set; }

    /// <summary>Removed deliverables stay for the downloads recorded against them, and are shown to nobody.</summary>
    public DateTimeOffset? RemovedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A file in the file store: written whole before this row exists, so nothing half-written is ever offered.</summary>
public sealed class StoredFile
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>The name the buyer's download gets: no path separators, no control characters.</summary>
    public required string FileName { get; set; }

    public required string ContentType { get; set; }
    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content, computed while it streamed in.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The object's key in the file store (folder or bucket).</summary>
    public required string StorageKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One download of a file deliverable by the buyer of an order line.</summary>
public sealed class Download
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid OrderId { get; set; }
    public Guid OrderLineId { get; set; }
    public Guid DeliverableId { get; set; }
    public Guid FileId { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>
    /// 1 for the line's first download of this deliverable, 2 for the next…: unique per line and deliverable, so two
    /// downloads started at once cannot both take the last one a download limit allows.
    /// </summary>
    public int Number { get; set; }
}

/// <summary>A licence key of a seller's list; an order line takes it once, for good.</summary>
public sealed class LicenceKey
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public Guid DeliverableId { get; set; }
    public required string Key { get; set; }
    public Guid? OrderLineId { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
