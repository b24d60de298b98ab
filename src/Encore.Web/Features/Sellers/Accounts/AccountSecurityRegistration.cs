using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Password reset and change of address by mailed link, and two-factor sign-in: Identity's token providers and store as
/// Encore configures them, and the pages under <c>Features/Sellers/Accounts</c>, which are for people not (yet) signed in:
/// open to anyone, and their POSTs limited per client like the sign-in page's (docs/decisions/0016-…).
/// </summary>
public static class AccountSecurityRegistration
{
    public static IServiceCollection AddSellerAccountSecurity(this IServiceCollection services, IHostEnvironment environment)
    {
        services.Configure<IdentityOptions>(options =>
        {
            options.Tokens.ProviderMap[SellerLinkTokens.ProviderName] = new TokenProviderDescriptor(typeof(SellerLinkTokens));
            options.Tokens.PasswordResetTokenProvider = SellerLinkTokens.ProviderName;
            options.Tokens.ChangeEmailTokenProvider = SellerLinkTokens.ProviderName;
        });
        services.AddTransient<SellerLinkTokens>();
        services.AddScoped<SellerUserStore>();
        services.AddScoped<IUserStore<SellerUser>>(sp => sp.GetRequiredService<SellerUserStore>());
        services.AddScoped<SellerTwoFactor>();
        // The cookie between the password and the code: 5 minutes, then the password again.
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, options =>
        {
            options.Cookie.Name = "encore_seller_2fa";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurity.Policy(environment);
            options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        // After Program's conventions (AuthorizeFolder("/Sellers")): an allowance comes after the requirement it lifts.
        services.PostConfigure<RazorPagesOptions>(options =>
        {
            options.Conventions.AllowAnonymousToFolder("/Sellers/Accounts");
            options.Conventions.AddFolderApplicationModelConvention("/Sellers/Accounts",
                page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
        });
        return services;
    }
}
