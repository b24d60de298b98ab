using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// The buyer's sign-in: a cookie scheme of its own (<c>encore_buyer</c>), apart from the sellers' Identity cookie and API
/// keys. It is set only by a used sign-in link, carries the address it was sent to, lasts 24 hours and is sent only to
/// <c>/account</c>, so no seller page or API ever sees it, and no seller credential opens a buyer's page.
/// </summary>
public static class BuyerAuth
{
    public const string Scheme = "Buyer";
    public const string PagesPolicy = "buyer-pages";
    public const string EmailClaim = "encore:buyer-email";
    public const string LinkClaim = "encore:buyer-link";

    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(24);

    public static IServiceCollection AddBuyerAccount(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "encore_buyer";
            options.Cookie.Path = "/account";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = Infrastructure.CookieSecurity.Policy(environment);
            options.ExpireTimeSpan = CookieLifetime;
            options.SlidingExpiration = false;
            // Not signed in (or the cookie has expired): back to the e-mail form, with nothing carried in the address.
            options.Events.OnRedirectToLogin = context => Redirect(context.Response);
            options.Events.OnRedirectToAccessDenied = context => Redirect(context.Response);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(PagesPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireClaim(EmailClaim));
        services.AddScoped<BuyerSignIns>();
        services.AddScoped<BuyerSignInMail>();
        services.AddScoped<BuyerPurchases>();
        services.AddScoped<BuyerData>();
        services.AddScoped<EraseRequests>();
        services.AddScoped<BuyerErasure>();
        services.AddScoped<ConsentRetention>();
        services.AddHostedService<BuyerSignInPruning>();
        return services;
    }

    /// <summary>The address the signed-in buyer proved they read (lower-case); every buyer query is scoped by it.</summary>
    public static string BuyerEmail(this ClaimsPrincipal user) =>
        user.FindFirstValue(EmailClaim) is { Length: > 0 } email ? email : throw new InvalidOperationException("No buyer is signed in.");

    /// <summary>The buyer signed in on this browser, if any, whatever the page's own policy (for pages anyone may open).</summary>
    public static async Task<string?> SignedInBuyerAsync(HttpContext http) =>
        (await http.AuthenticateAsync(Scheme)).Principal?.FindFirstValue(EmailClaim);

    internal static ClaimsPrincipal Principal(string email, Guid linkId) =>
        new(new ClaimsIdentity([new Claim(EmailClaim, email), new Claim(LinkClaim, linkId.ToString())], Scheme));

    private static Task Redirect(HttpResponse response)
    {
        response.Redirect("/account");
        return Task.CompletedTask;
    }

    /// <summary>An address as buyer pages compare it: trimmed, lower-case.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
