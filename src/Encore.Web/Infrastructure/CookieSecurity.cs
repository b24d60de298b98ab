using Microsoft.AspNetCore.Antiforgery;

namespace Encore.Web.Infrastructure;

/// <summary>
/// When Encore's cookies carry <c>Secure</c>: always in Production (where Encore runs behind HTTPS, and a TLS-terminating
/// proxy that is not listed in <c>ENCORE_TRUSTED_PROXIES</c> would otherwise make every request look like plain HTTP),
/// and elsewhere whenever the request came over HTTPS, so a developer's http://localhost still signs in.
/// Applies to the seller's and the buyer's sign-in cookies and Encore's own small cookies. The antiforgery cookie is
/// Secure whenever the request is HTTPS, in Production too: ASP.NET Core's antiforgery refuses to issue an "always
/// Secure" cookie on a request that looks like plain HTTP, so behind a TLS proxy missing from ENCORE_TRUSTED_PROXIES
/// every form would fail instead of only losing that flag (that cookie alone signs nobody in).
/// </summary>
public static class CookieSecurity
{
    public static CookieSecurePolicy Policy(IHostEnvironment environment) =>
        environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>For cookies written by hand: the same rule as <see cref="Policy"/>.</summary>
    public static bool Secure(HttpContext context) =>
        context.Request.IsHttps || context.RequestServices.GetRequiredService<IHostEnvironment>().IsProduction();

    public static IServiceCollection AddEncoreCookieSecurity(this IServiceCollection services) =>
        services.Configure<AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
}
