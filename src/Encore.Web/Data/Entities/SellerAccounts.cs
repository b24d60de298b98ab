using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Data.Entities;

/// <summary>A person who signs in for a seller. Passwords are hashed by ASP.NET Core Identity.</summary>
public sealed class SellerUser : IdentityUser<Guid>
{
    public Guid SellerId { get; set; }
}

/// <summary>
/// A key for the seller JSON API. Only its SHA-256 is stored; the key itself is shown once, when created.
/// Revoking keeps the row, so the key's history stays readable.
/// </summary>
public sealed class SellerApiKey
{
    public Guid Id { get; set; }
    public Guid SellerId { get; set; }
    public required string Name { get; set; }

    /// <summary>The key's first characters, to tell keys apart in a list; not enough to use it.</summary>
    public required string Prefix { get; set; }

    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
