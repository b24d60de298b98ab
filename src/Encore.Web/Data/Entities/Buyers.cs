namespace Encore.Web.Data.Entities;

/// <summary>
/// One sign-in link to the buyer's page, asked for by entering an e-mail address. No token is stored, not even a hash:
/// the mail's link is a data-protected token naming this row, made when the mail is sent; the row alone decides whether
/// it still opens anything (unused and unexpired, then used once by a conditional update). Rows are kept for a day.
/// </summary>
public sealed class BuyerSignInLink
{
    public Guid Id { get; set; }

    /// <summary>The address as asked for, trimmed and lower-case (a known buyer's or not: the row is written either way).</summary>
    public required string Email { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set once, when the link signs someone in; a link with it set opens nothing more.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The client address that asked for it.</summary>
    public string? RequestIp { get; set; }
}

/// <summary>
/// A buyer's request that one seller erase the personal data it holds about the buyer's address. The seller sees it and
/// confirms it has handled it; confirming records when and by whom. At most one request per seller and address is open.
/// </summary>
public sealed class BuyerEraseRequest
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }

    /// <summary>The buyer's address, trimmed and lower-case, as they signed in with it.</summary>
    public required string Email { get; set; }

    /// <summary>What the buyer wrote, if anything.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>Who confirmed: the signed-in seller user's e-mail or the API key's prefix.</summary>
    public string? ConfirmedBy { get; set; }

    /// <summary>When the buyer's data was erased (the address then replaced by the erasure's pseudonym).</summary>
    public DateTimeOffset? ErasedAt { get; set; }
}
