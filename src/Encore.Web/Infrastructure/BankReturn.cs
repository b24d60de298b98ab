namespace Encore.Web.Infrastructure;

/// <summary>
/// Where a bank's authentication page sends the buyer back: <c>/pay/return/{chargeId}</c>, an address that
/// holds no secret, so the gateway never sees a session or receipt token. The page the buyer came from is
/// remembered in an HttpOnly cookie of this browser only (sent on the bank's top-level redirect back, as
/// SameSite=Lax allows), and checked against the charge before the buyer is sent on.
/// </summary>
public static class BankReturn
{
    public const string CookieName = "encore_return";
    private const string CookiePath = "/pay/return";

    /// <summary>The return address handed to the gateway for a charge.</summary>
    public static string UrlFor(Guid chargeId) => $"{CookiePath}/{chargeId}";

    /// <summary>Remembers, in this browser, the page (<c>/o/{token}</c> or <c>/r/{token}</c>) to go back to.</summary>
    public static void Remember(HttpContext context, string localPath) =>
        context.Response.Cookies.Append(CookieName, localPath, new CookieOptions
        {
            HttpOnly = true,
            Secure = CookieSecurity.Secure(context),
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Path = CookiePath,
            MaxAge = TimeSpan.FromDays(1),
        });

    public static string? Read(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var path) && path is { Length: < 200 } ? path : null;

    public static void Forget(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath });
}
