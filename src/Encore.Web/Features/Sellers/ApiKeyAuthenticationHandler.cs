using System.Security.Claims;
using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// Authenticates <c>Authorization: Bearer enc_sk_…</c> against the SHA-256 of non-revoked seller API keys.
/// A missing or unknown key is a 401 with problem details; the key never reaches a log.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    EncoreDbContext db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SellerApiKey";
    public const string KeyPrefix = "enc_sk_";
    public const string KeyIdClaim = "encore:api-key";
    public const string KeyNameClaim = "encore:api-key-name";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + KeyPrefix, StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (!SecretTokens.LooksValid(key[KeyPrefix.Length..])) return AuthenticateResult.Fail("Malformed API key.");
        var hash = SecretTokens.Hash(key);
        var found = await db.SellerApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.SellerId, k.Name, k.Prefix })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        // A key acts as an owner (only owners create keys); the audit log names it by its id, name and first characters.
        var identity = new ClaimsIdentity(
        [
            new Claim(SellerAuth.SellerIdClaim, found.SellerId.ToString()),
            new Claim(SellerAuth.RoleClaim, SellerAuth.RoleName(Data.Entities.SellerRole.Owner)),
            new Claim(KeyIdClaim, found.Id.ToString()),
            new Claim(KeyNameClaim, $"{found.Name} ({found.Prefix}…)"),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "API key required",
            detail: "Send a seller API key as 'Authorization: Bearer enc_sk_…'. Create one on the seller's API keys page.").ExecuteAsync(Context);
    }
}
