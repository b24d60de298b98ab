using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Data.Entities;

/// <summary>A person who signs in for a seller. Passwords are hashed by ASP.NET Core Identity.</summary>
public sealed class SellerUser : IdentityUser<Guid>
{
    public Guid SellerId { get; set; }

    /// <summary>What the person may do for the seller; every change to it also changes the security stamp (sessions end).</summary>
    public SellerRole Role { get; set; }
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

/// <summary>
/// Failed password attempts against one key: an account from one client (<c>pair:</c>), or one client against any account
/// (<c>client:</c>). The key is a SHA-256 of what it names, so the table holds no address. Each attempt is counted before
/// the password is checked, by a conditional update on <see cref="Version"/>, so instances and parallel requests agree;
/// <see cref="BlockedUntil"/> refuses the next attempts for a delay that doubles with each failure (docs/decisions/0013-…).
/// </summary>
public sealed class SignInThrottle
{
    public required string Key { get; set; }

    /// <summary>Attempts since the last success (or since a day without any), this one included.</summary>
    public int Failures { get; set; }

    public DateTimeOffset LastAttemptAt { get; set; }

    /// <summary>No attempt is checked before then; null: the next one may come now.</summary>
    public DateTimeOffset? BlockedUntil { get; set; }

    /// <summary>Bumped by every change: the condition of the update that counts an attempt.</summary>
    public int Version { get; set; }
}
