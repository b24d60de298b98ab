using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// The buyer's key to one subscription's "Manage your subscription" page: a link signed and encrypted with the app's
/// data-protection keys (kept in the database, so every instance reads every link), single purpose (it opens that
/// page for that subscription and nothing else), expiring after <see cref="Lifetime"/>. Every mail carries a fresh one;
/// an expired link is refreshed by entering the e-mail address on <c>/s</c>. Nothing is stored per link.
/// </summary>
public sealed class ManageLinks(IDataProtectionProvider protection, IConfiguration configuration, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(45);

    private readonly IDataProtector _protector = protection.CreateProtector("Encore.Subscriptions.Manage.v1");

    /// <summary>Where links point: <c>Encore:PublicUrl</c> (ENCORE_PUBLIC_URL), e.g. https://shop.example.com.</summary>
    public string PublicUrl => (configuration["Encore:PublicUrl"] ?? configuration["ENCORE_PUBLIC_URL"] ?? "http://localhost:5080").TrimEnd('/');

    public string TokenFor(Guid subscriptionId)
    {
        var expires = (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return _protector.Protect($"{subscriptionId:N}|{expires.ToString(CultureInfo.InvariantCulture)}");
    }

    public string UrlFor(Guid subscriptionId) => $"{PublicUrl}/s/{TokenFor(subscriptionId)}";

    /// <summary>The subscription a link opens; <see cref="LinkCheck.Expired"/> or <see cref="LinkCheck.Invalid"/> otherwise.</summary>
    public (LinkCheck Check, Guid SubscriptionId) Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000) return (LinkCheck.Invalid, Guid.Empty);
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return (LinkCheck.Invalid, Guid.Empty);
        }
        var parts = payload.Split('|');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var id) ||
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return (LinkCheck.Invalid, Guid.Empty);
        return clock.GetUtcNow().ToUnixTimeSeconds() > expires ? (LinkCheck.Expired, id) : (LinkCheck.Valid, id);
    }
}

public enum LinkCheck
{
    Valid,
    Expired,
    Invalid,
}
