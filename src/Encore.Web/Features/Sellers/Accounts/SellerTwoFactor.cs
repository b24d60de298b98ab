using Encore.Web.Features.Sellers.Audit;
using System.Security.Claims;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Two-factor sign-in with an authenticator app: Identity's authenticator token provider (TOTP, RFC 6238: 6 digits, 30 s
/// steps, one step either side) and its recovery codes (stored hashed, <see cref="SellerUserStore"/>). Every code checked
/// here is counted first (<see cref="SignInThrottling.AdmitCodeAsync"/>), for the sign-in's second step as for turning
/// two-factor on or off. Turning it on or off rotates the security stamp, so every other session ends.
/// </summary>
public sealed class SellerTwoFactor(
    UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SellerUserStore store, SignInThrottling throttling, EncoreDbContext db,
    TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>How the second step's cookie names the account and the password step's stamp (5 minutes, Identity's default).</summary>
    private const string StampClaim = "encore:stamp";

    public enum Outcome { Right, Wrong, Throttled }

    public sealed record Check(Outcome Outcome, TimeSpan? RetryAfter = null, bool ClientBlocked = false, bool RecoveryCodeUsed = false);

    /// <summary>The right password was given for an account with two-factor on: remember who, for the code step only.</summary>
    public async Task StartSecondStepAsync(SellerUser user)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id.ToString()));
        identity.AddClaim(new Claim(StampClaim, await users.GetSecurityStampAsync(user)));
        await signIn.Context.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The account waiting for its code in this browser, if its password was given in the last minutes and nothing changed since.</summary>
    public async Task<SellerUser?> PendingAsync()
    {
        var result = await signIn.Context.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        if (result.Principal?.FindFirstValue(ClaimTypes.Name) is not { } id || await users.FindByIdAsync(id) is not { TwoFactorEnabled: true } user) return null;
        return result.Principal.FindFirstValue(StampClaim) == await users.GetSecurityStampAsync(user) ? user : null;
    }

    /// <summary>The second step: a code from the app or a recovery code (used up); on success the seller is signed in.</summary>
    public async Task<Check> CompleteSignInAsync(SellerUser user, string? code, string? client, CancellationToken cancellationToken)
    {
        var check = await VerifyAsync(user, code, allowRecoveryCode: true, client, cancellationToken);
        if (check.Outcome != Outcome.Right) return check;
        await signIn.Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "mfa");
        return check;
    }

    /// <summary>The key the app is set up with: a new one, stored without turning two-factor on (no session ends).</summary>
    public async Task<string> NewKeyAsync(SellerUser user, CancellationToken cancellationToken)
    {
        await store.SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), cancellationToken);
        await users.UpdateAsync(user);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    /// <summary>Turns two-factor on once a code from the app proves it is set up; returns the recovery codes (shown once), or why not.</summary>
    public async Task<(Check Check, IReadOnlyList<string>? RecoveryCodes)> EnableAsync(SellerUser user, string? code, string? client, CancellationToken cancellationToken)
    {
        if (await users.GetAuthenticatorKeyAsync(user) is null) return (new Check(Outcome.Wrong), null);
        var check = await VerifyAsync(user, code, allowRecoveryCode: false, client, cancellationToken);
        if (check.Outcome != Outcome.Right) return (check, null);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        Ensure(await users.SetTwoFactorEnabledAsync(user, true)); // a new stamp: every other session ends
        await AuditAsync(user, AuditActions.TwoFactorEnabled, client, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.RefreshSignInAsync(user);
        return (check, codes);
    }

    /// <summary>Turns two-factor off (the key and the codes forgotten), given the password or a current code.</summary>
    public async Task<Check> DisableAsync(SellerUser user, string? proof, SellerSignIns signIns, string? client, CancellationToken cancellationToken)
    {
        var check = await ProveAsync(user, proof, signIns, client, cancellationToken);
        if (check.Outcome != Outcome.Right) return check;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await store.ForgetTwoFactorSecretsAsync(user, cancellationToken);
        Ensure(await users.SetTwoFactorEnabledAsync(user, false)); // saves the forgetting too, with a new stamp
        await AuditAsync(user, AuditActions.TwoFactorDisabled, client, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.RefreshSignInAsync(user);
        return check;
    }

    /// <summary>New recovery codes (the old ones stop working), given the password or a current code.</summary>
    public async Task<(Check Check, IReadOnlyList<string>? RecoveryCodes)> RegenerateCodesAsync(
        SellerUser user, string? proof, SellerSignIns signIns, string? client, CancellationToken cancellationToken)
    {
        var check = await ProveAsync(user, proof, signIns, client, cancellationToken);
        if (check.Outcome != Outcome.Right) return (check, null);
        return (check, (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList());
    }

    public Task<int> RecoveryCodesLeftAsync(SellerUser user) => users.CountRecoveryCodesAsync(user);

    /// <summary>The change in the seller's audit log, in the change's transaction.</summary>
    private async Task AuditAsync(SellerUser user, string action, string? client, CancellationToken cancellationToken)
    {
        AuditLog.Add(db, AuditActor.For(user, user.Email, client), clock.GetUtcNow(), action, user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The key as the seller types it: groups of four, lower case.</summary>
    public static string Readable(string key) =>
        string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

    /// <summary>The otpauth URI an authenticator app reads from the QR code.</summary>
    public static string AuthenticatorUri(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString("Encore:" + email)}?secret={key}&issuer=Encore&digits=6";

    /// <summary>A 6-digit code (spaces and dashes ignored) from the app; anything else is a password.</summary>
    private static string? AppCode(string? text)
    {
        var digits = new string((text ?? "").Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length == 6 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>The password, or a current code from the app, each through its own throttle.</summary>
    private async Task<Check> ProveAsync(SellerUser user, string? proof, SellerSignIns signIns, string? client, CancellationToken cancellationToken) =>
        AppCode(proof) is not null
            ? await VerifyAsync(user, proof, allowRecoveryCode: false, client, cancellationToken)
            : await CheckPasswordAsync(user, proof, signIns, client, cancellationToken);

    /// <summary>
    /// The account's password, through the password sign-in's throttle: asked again before two-factor is turned on, so a
    /// session left open on someone else's screen cannot tie the account to their app and lock its owner out.
    /// </summary>
    public async Task<Check> CheckPasswordAsync(SellerUser user, string? password, SellerSignIns signIns, string? client, CancellationToken cancellationToken)
    {
        var check = await signIns.CheckAsync(user.Email!, password ?? "", client, cancellationToken);
        return check.Outcome switch
        {
            SellerSignIns.Outcome.Throttled => new Check(Outcome.Throttled, check.RetryAfter, check.ClientBlocked),
            SellerSignIns.Outcome.Wrong => new Check(Outcome.Wrong),
            _ => new Check(Outcome.Right),
        };
    }

    private async Task<Check> VerifyAsync(SellerUser user, string? code, bool allowRecoveryCode, string? client, CancellationToken cancellationToken)
    {
        var typed = (code ?? "").Trim();
        if (typed.Length is 0 or > 64) return new Check(Outcome.Wrong);
        var admission = await throttling.AdmitCodeAsync(user.Id, client, cancellationToken);
        if (!admission.Admitted) return new Check(Outcome.Throttled, admission.RetryAfter, admission.ClientBlocked);
        var right = false;
        var recovery = false;
        if (AppCode(typed) is { } digits)
            right = await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, digits);
        else if (allowRecoveryCode)
            right = recovery = (await users.RedeemTwoFactorRecoveryCodeAsync(user, typed)).Succeeded; // once: the code is gone
        if (!right) return new Check(Outcome.Wrong);
        await throttling.SucceededAsync(admission);
        return new Check(Outcome.Right, RecoveryCodeUsed: recovery);
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("The account was not updated: " + string.Join(" ", result.Errors.Select(e => e.Code)));
    }

    /// <summary>What the seller reads when a code was not checked.</summary>
    public static string ThrottledMessage(Check check)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(check.RetryAfter!.Value.TotalSeconds));
        var wait = seconds < 120 ? $"{seconds} seconds" : $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
        return check.ClientBlocked
            ? $"Too many failed attempts from your network. Nothing was checked: wait {wait} and try again."
            : $"Too many wrong attempts for this account. Nothing was checked: wait {wait} and try again.";
    }
}
