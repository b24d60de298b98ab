using System.Security.Cryptography;
using System.Text;

namespace Encore.Web.Infrastructure;

/// <summary>
/// Binds a post-purchase session to the browser that bought: the checkout page sets a random cookie, the
/// session keeps its hash, and the offer pages answer only a browser that presents it. A leaked offer
/// address alone cannot charge anyone's card. (The JSON API uses the token as a bearer token instead.)
/// </summary>
public static class BrowserBinding
{
    public const string CookieName = "encore_browser";

    /// <summary>The browser's binding secret, set on first sight.</summary>
    public static string Ensure(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var existing) && SecretTokens.LooksValid(existing)) return existing!;
        var secret = SecretTokens.New();
        context.Response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            Secure = CookieSecurity.Secure(context),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(1),
        });
        return secret;
    }

    public static bool Matches(HttpContext context, string bindingHash)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var secret) || !SecretTokens.LooksValid(secret)) return false;
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(SecretTokens.Hash(secret!)), Encoding.ASCII.GetBytes(bindingHash));
    }
}
