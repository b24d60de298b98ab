using System.Security.Claims;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Encore.Web.Features.Sellers;

/// <summary>Sign-in for sellers: Identity cookies for the pages, hashed API keys for the seller API, one claim for the seller.</summary>
public static class SellerAuth
{
    public const string SellerIdClaim = "encore:seller";

    /// <summary>The person's <see cref="SellerRole"/> (<c>owner</c> or <c>staff</c>); API keys carry <c>owner</c>.</summary>
    public const string RoleClaim = "encore:role";

    public const string PagesPolicy = "seller-pages";
    public const string ApiPolicy = "seller-api";

    /// <summary>Signed in as one of the seller's owners: what <see cref="SellerRoles"/> puts on owner-only pages and buttons.</summary>
    public const string OwnerPolicy = "seller-owner";

    public static IServiceCollection AddSellerAuth(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddIdentityCore<SellerUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = Accounts.PasswordRules.MinimumLength;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireDigit = false; // length and a blocklist, not composition, make a password strong (NIST SP 800-63B)
                options.Password.RequireLowercase = false;
                // No lock-out: five wrong passwords from anyone would lock the seller out. Guesses are slowed per account
                // and client instead (Accounts.SignInThrottling), in the database.
                options.Lockout.AllowedForNewUsers = false;
                options.SignIn.RequireConfirmedEmail = true;
            })
            .AddEntityFrameworkStores<EncoreDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders() // the e-mail confirmation link's token
            .AddPasswordValidator<Accounts.PasswordRules>()
            .AddClaimsPrincipalFactory<SellerClaimsFactory>();
        services.Configure<DataProtectionTokenProviderOptions>(options => options.TokenLifespan = TimeSpan.FromHours(24));
        // The cookie is checked against the account's security stamp on every request (one read by primary key), so
        // signing out, changing the password or "sign out everywhere" (each changes the stamp) ends every session at once.
        services.AddScoped<ISecurityStampValidator, SellerSessionValidator>();
        services.AddScoped<Accounts.SignInThrottling>();
        services.AddScoped<Accounts.SellerSignIns>();
        services.AddScoped<Accounts.SellerAccountMail>();
        services.AddScoped<Team.SellerTeam>();
        services.AddScoped<Team.TeamInviteMail>();
        services.AddHostedService<Accounts.SignInThrottlePruning>();
        services.AddSellerAccountSecurity(environment); // reset and change-of-address links, two-factor sign-in
        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
            {
                options.LoginPath = "/seller/sign-in";
                // A member signed in but not allowed (staff on an owner's page): 403 and a page that says so, not the sign-in page.
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
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
            .AddPolicy(OwnerPolicy, policy => policy.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireClaim(SellerIdClaim)
                .RequireClaim(RoleClaim, RoleName(SellerRole.Owner)))
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(SellerIdClaim));
        return services;
    }

    /// <summary>The seller the signed-in person or API key acts for; every seller query is scoped by it.</summary>
    public static Guid SellerId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(SellerIdClaim), out var id) ? id : throw new InvalidOperationException("No seller is signed in.");

    /// <summary>True for an owner (and an API key): for hiding what staff cannot use. The server's check is <see cref="OwnerPolicy"/>.</summary>
    public static bool IsSellerOwner(this ClaimsPrincipal user) => user.HasClaim(RoleClaim, RoleName(SellerRole.Owner));

    /// <summary>The role's name in claims, forms, the API and the audit log.</summary>
    public static string RoleName(SellerRole role) => role == SellerRole.Owner ? "owner" : "staff";
}

/// <summary>
/// Validates the seller's cookie on every request: the account must still exist and its security stamp must be the one
/// the cookie was issued with. Unlike Identity's <see cref="SecurityStampValidator{TUser}"/> it does not look at the
/// cookie's age (a "validation interval" of zero still skipped a check within the same tick) and does not rebuild and
/// reissue the cookie on every request: the claims (the seller's id) never change.
/// </summary>
public sealed class SellerSessionValidator(SignInManager<SellerUser> signIn) : ISecurityStampValidator
{
    public async Task ValidateAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        if (await signIn.ValidateSecurityStampAsync(context.Principal) is not null) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}

/// <summary>
/// Puts the seller's id and the person's role into the sign-in cookie. A role change also changes the security stamp, so
/// a cookie never outlives the role it names (the stamp is checked on every request).
/// </summary>
public sealed class SellerClaimsFactory(UserManager<SellerUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<SellerUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(SellerUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(SellerAuth.SellerIdClaim, user.SellerId.ToString()));
        identity.AddClaim(new Claim(SellerAuth.RoleClaim, SellerAuth.RoleName(user.Role)));
        return identity;
    }
}
