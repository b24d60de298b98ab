using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Encore.Web.Infrastructure;

public enum LinkCheck
{
    Valid,
    Expired,
    Invalid,
}

/// <summary>
/// Tokens for links a buyer holds instead of a password: ids and an expiry, signed and encrypted with the app's
/// data-protection keys (kept in the database, so every instance reads every link) under one purpose per kind of link,
/// so a token made for one page opens nothing else. Nothing is stored per link; an altered token is simply invalid.
/// </summary>
public sealed class SignedLinks(IDataProtectionProvider protection, IConfiguration configuration, TimeProvider clock)
{
    /// <summary>Where links point: <c>Encore:PublicUrl</c> (ENCORE_PUBLIC_URL), e.g. https://shop.example.com.</summary>
    public string PublicUrl => (configuration["Encore:PublicUrl"] ?? configuration["ENCORE_PUBLIC_URL"] ?? "http://localhost:5080").TrimEnd('/');

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A token for these ids under <paramref name="purpose"/>, valid until <paramref name="expires"/>.</summary>
    public string Protect(string purpose, DateTimeOffset expires, params Guid[] ids) =>
        protection.CreateProtector(purpose).Protect(
            string.Join('|', ids.Select(id => id.ToString("N")).Append(expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));

    /// <summary>The ids a token carries (<paramref name="count"/> of them), and whether it is valid, expired or not one of ours.</summary>
    public (LinkCheck Check, Guid[] Ids) Read(string purpose, string? token, int count)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000) return (LinkCheck.Invalid, []);
        string payload;
        try
        {
            payload = protection.CreateProtector(purpose).Unprotect(token);
        }
        catch (CryptographicException)
        {
            return (LinkCheck.Invalid, []);
        }
        var parts = payload.Split('|');
        if (parts.Length != count + 1 ||
            !long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return (LinkCheck.Invalid, []);
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
            if (!Guid.TryParseExact(parts[i], "N", out ids[i])) return (LinkCheck.Invalid, []);
        return (clock.GetUtcNow().ToUnixTimeSeconds() > expires ? LinkCheck.Expired : LinkCheck.Valid, ids);
    }
}
