using System.Security.Claims;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Encore.Web.Features.Sellers;

/// <summary>Sign-in for sellers: Identity cookies for the pages, hashed API keys for the seller API, one claim for the seller.</summary>
public static class SellerAuth
{
    public const string SellerIdClaim = "encore:seller";
    public const string PagesPolicy = "seller-pages";
    public const string ApiPolicy = "seller-api";

    public static IServiceCollection AddSellerAuth(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddIdentityCore<SellerUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireDigit = false; // length, not composition, makes a password strong (NIST SP 800-63B)
                options.Password.RequireLowercase = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<EncoreDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<SellerClaimsFactory>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
            {
                options.LoginPath = "/seller/sign-in";
                options.AccessDeniedPath = "/seller/sign-in";
                options.Cookie.Name = "encore_seller";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = Infrastructure.CookieSecurity.Policy(environment); // Secure over HTTPS, always in Production
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
            }));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PagesPolicy, policy => policy.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireClaim(SellerIdClaim))
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(SellerIdClaim));
        return services;
    }

    /// <summary>The seller the signed-in person or API key acts for; every seller query is scoped by it.</summary>
    public static Guid SellerId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SellerIdClaim), out var id) ? id : throw new InvalidOperationException("No seller is signed in.");
}

/// <summary>Puts the seller's id into the sign-in cookie.</summary>
public sealed class SellerClaimsFactory(UserManager<SellerUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<SellerUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(SellerUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SellerAuth.SellerIdClaim, user.SellerId.ToString()));
        return identity;
    }
}
