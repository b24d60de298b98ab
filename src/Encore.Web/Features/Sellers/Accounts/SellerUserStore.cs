using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.WebUtilities;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Identity's EF Core store for sellers, with two secrets kept better than its defaults (which store both as plain text
/// in <c>AspNetUserTokens</c>): recovery codes are stored as SHA-256 hashes (salted with the account's id; a code is
/// random, about 47 bits, never chosen by a person, as API keys are stored), and the authenticator key is sealed with
/// ASP.NET Core data protection, so a copy of the table alone yields neither (docs/decisions/0016-…).
/// </summary>
public sealed class SellerUserStore(EncoreDbContext context, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<SellerUser, EncoreDbContext, Guid>(context, describer)
{
    // Identity's own names for the rows (UserStoreBase), so its CountCodesAsync reads what is written here.
    private const string InternalLoginProvider = "[AspNetUserStore]";
    private const string RecoveryCodeTokenName = "RecoveryCodes";
    private const string SealedPrefix = "dp1:";

    private readonly IDataProtector _protector = protection.CreateProtector("Encore.Seller.AuthenticatorKey.v1");

    public override Task ReplaceCodesAsync(SellerUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, InternalLoginProvider, RecoveryCodeTokenName, string.Join(";", recoveryCodes.Select(c => Hash(user, c))), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(SellerUser user, string code, CancellationToken cancellationToken)
    {
        var stored = await GetTokenAsync(user, InternalLoginProvider, RecoveryCodeTokenName, cancellationToken) ?? "";
        var hashes = stored.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var wanted = Hash(user, code);
        if (!hashes.Contains(wanted, StringComparer.Ordinal)) return false;
        // Saved with the account's row by the caller (UserManager updates it, checking its concurrency stamp): of two
        // requests redeeming the same code at once, one fails.
        await SetTokenAsync(user, InternalLoginProvider, RecoveryCodeTokenName, string.Join(";", hashes.Where(h => h != wanted)), cancellationToken);
        return true;
    }

    public override Task SetAuthenticatorKeyAsync(SellerUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, SealedPrefix + _protector.Protect(key), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(SellerUser user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        return stored is not null && stored.StartsWith(SealedPrefix, StringComparison.Ordinal) ? _protector.Unprotect(stored[SealedPrefix.Length..]) : stored;
    }

    /// <summary>Forgets the key and the codes (two-factor turned off): turning it on again starts from a new key.</summary>
    public async Task ForgetTwoFactorSecretsAsync(SellerUser user, CancellationToken cancellationToken)
    {
        await RemoveTokenAsync(user, InternalLoginProvider, "AuthenticatorKey", cancellationToken);
        await RemoveTokenAsync(user, InternalLoginProvider, RecoveryCodeTokenName, cancellationToken);
    }

    /// <summary>
    /// A code as typed (any case, spaces around) to what is stored: Base64url, 43 characters, so ten of them fit the
    /// 512 characters of <c>AspNetUserTokens.Value</c>.
    /// </summary>
    private static string Hash(SellerUser user, string code) =>
        WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Id:N}:{code.Trim().ToUpperInvariant()}")));
}
