using System.Security.Cryptography;
using System.Text;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Identity's token provider for the links a seller is mailed to reset the password and to change the sign-in address:
/// a data-protected token naming the account, the purpose (for a change, the new address with it) and the account's
/// security stamp, with the time it was made. Like Identity's <see cref="DataProtectorTokenProvider{TUser}"/>, but it
/// reads the app's <see cref="TimeProvider"/> (Identity's reads the wall clock) and each purpose has its own lifetime: a
/// reset link <see cref="ResetLifetime"/>, a change link <see cref="ChangeEmailLifetime"/>. A link works once: a reset or
/// a change rotates the stamp, and so does a sign-out, a password change or turning two-factor on or off, each of which
/// ends the link too (docs/decisions/0016-…).
/// </summary>
public sealed class SellerLinkTokens(IDataProtectionProvider protection, TimeProvider clock) : IUserTwoFactorTokenProvider<SellerUser>
{
    public const string ProviderName = "EncoreSellerLinks";

    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan ChangeEmailLifetime = TimeSpan.FromHours(24);

    private readonly IDataProtector _protector = protection.CreateProtector("Encore.Seller.AccountLinks.v1");

    public static TimeSpan LifetimeOf(string purpose) =>
        purpose.StartsWith("ChangeEmail:", StringComparison.Ordinal) ? ChangeEmailLifetime : ResetLifetime;

    public async Task<string> GenerateAsync(string purpose, UserManager<SellerUser> manager, SellerUser user)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(clock.GetUtcNow().UtcTicks);
            writer.Write(user.Id.ToString("N"));
            writer.Write(purpose);
            writer.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }
        return Convert.ToBase64String(_protector.Protect(buffer.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<SellerUser> manager, SellerUser user)
    {
        byte[] data;
        try { data = _protector.Unprotect(Convert.FromBase64String(token)); }
        catch (Exception exception) when (exception is FormatException or CryptographicException) { return false; } // altered or not ours
        using var reader = new BinaryReader(new MemoryStream(data), Encoding.UTF8);
        try
        {
            var made = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            if (made + LifetimeOf(purpose) <= clock.GetUtcNow()) return false;
            if (reader.ReadString() != user.Id.ToString("N")) return false;
            if (!string.Equals(reader.ReadString(), purpose, StringComparison.Ordinal)) return false;
            var stamp = reader.ReadString();
            if (reader.PeekChar() != -1) return false;
            var current = await manager.GetSecurityStampAsync(user) ?? "";
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stamp), Encoding.UTF8.GetBytes(current));
        }
        catch (EndOfStreamException) { return false; }
    }

    /// <summary>Never a sign-in code: these tokens travel in links.</summary>
    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<SellerUser> manager, SellerUser user) => Task.FromResult(false);
}
