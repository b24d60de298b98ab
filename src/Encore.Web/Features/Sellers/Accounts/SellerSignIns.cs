using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// Checking a seller's password, throttled (<see cref="SignInThrottling"/>), the same way for an address with an account
/// and one without: the unknown address is hashed against too, so neither the answer nor its time tells them apart.
/// </summary>
public sealed class SellerSignIns(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SignInThrottling throttling, SellerTwoFactor twoFactor)
{
    public enum Outcome { SignedIn, Wrong, Throttled, Unconfirmed, NeedsCode }

    public sealed record Result(Outcome Outcome, SellerUser? User = null, TimeSpan? RetryAfter = null, bool ClientBlocked = false);

    /// <summary>A hash to check unknown addresses against, so they cost what a known one costs.</summary>
    private static string? _decoy;

    /// <summary>Checks <paramref name="password"/> for the account at <paramref name="email"/> from <paramref name="client"/>.</summary>
    public async Task<Result> CheckAsync(string email, string password, string? client, CancellationToken cancellationToken)
    {
        var admission = await throttling.AdmitAsync(email, client, cancellationToken);
        if (!admission.Admitted) return new Result(Outcome.Throttled, RetryAfter: admission.RetryAfter, ClientBlocked: admission.ClientBlocked);
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            var decoy = new SellerUser();
            _decoy ??= users.PasswordHasher.HashPassword(decoy, Guid.NewGuid().ToString());
            users.PasswordHasher.VerifyHashedPassword(decoy, _decoy, password);
            return new Result(Outcome.Wrong);
        }
        if (!await users.CheckPasswordAsync(user, password)) return new Result(Outcome.Wrong);
        await throttling.SucceededAsync(admission);
        return new Result(user.EmailConfirmed ? Outcome.SignedIn : Outcome.Unconfirmed, user);
    }

    /// <summary>
    /// The password sign-in: checked, then the cookie, for a confirmed account only; with two-factor on, the cookie of the
    /// second step instead (<see cref="Outcome.NeedsCode"/>), and the session only after the code.
    /// </summary>
    public async Task<Result> PasswordSignInAsync(string email, string password, string? client, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(email, password, client, cancellationToken);
        if (result.Outcome != Outcome.SignedIn) return result;
        if (result.User!.TwoFactorEnabled)
        {
            await twoFactor.StartSecondStepAsync(result.User);
            return result with { Outcome = Outcome.NeedsCode };
        }
        await signIn.SignInAsync(result.User, isPersistent: false);
        return result;
    }

    /// <summary>What the seller reads when an attempt was not checked.</summary>
    public static string ThrottledMessage(Result result)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds));
        var wait = seconds < 120 ? $"{seconds} seconds" : $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
        return result.ClientBlocked
            ? $"Too many failed sign-ins from your network. Nothing was checked: wait {wait} and try again."
            : $"Too many failed attempts at this account from your network. Nothing was checked: wait {wait} and try again. (The account is not locked: elsewhere, it signs in as usual.)";
    }
}
