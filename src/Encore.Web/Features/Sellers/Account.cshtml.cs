using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// The seller's sign-in: change the password (every other session ends, this one goes on; the seller is mailed), change
/// the sign-in address by a mailed link, a way to two-factor sign-in, and sign out everywhere. The current password is
/// checked through the sign-in throttle, so a borrowed session cannot be used to guess it.
/// </summary>
public sealed class AccountModel(
    UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SellerSignIns signIns, SellerAccountMail mails, EncoreDbContext db) : PageModel
{
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? NewEmail { get; set; }
    public string? Email { get; private set; }
    public bool TwoFactorEnabled { get; private set; }
    public List<string> Errors { get; } = [];
    public List<string> EmailErrors { get; } = [];
    public bool Changed { get; private set; }

    /// <summary>After asking for a new address: the address (the same answer whether another account has it or not).</summary>
    public string? EmailSentTo { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? changed, string? emailSent)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Show(user);
        Changed = changed is not null;
        EmailSentTo = emailSent is { Length: > 0 and <= 256 } ? emailSent : null;
        return Page();
    }

    /// <summary>
    /// Asks for a new sign-in address, given the current password (throttled like sign-in): a link to the new address (not
    /// sent, when the sender finds another account has it) and a notice to the current one, both queued in one transaction,
    /// at most <see cref="SellerAccountMail.PerAddress"/> per <see cref="SellerAccountMail.Window"/>. Nothing changes until
    /// the link is opened. The answer is the same whether the address is free or taken.
    /// </summary>
    public async Task<IActionResult> OnPostEmailAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Show(user);
        var next = (NewEmail ?? "").Trim();
        var password = CurrentPassword ?? "";
        CurrentPassword = null;
        if (!Checkout.CheckoutService.IsEmail(next) || next.Length > 256) EmailErrors.Add("Enter the new e-mail address, like name@example.com.");
        else if (string.Equals(next, user.Email, StringComparison.OrdinalIgnoreCase)) EmailErrors.Add("That is already your sign-in address.");
        if (EmailErrors.Count > 0) return Refused(StatusCodes.Status400BadRequest);
        var check = await signIns.CheckAsync(user.Email!, password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (check.Outcome == SellerSignIns.Outcome.Throttled)
        {
            EmailErrors.Add(SellerSignIns.ThrottledMessage(check));
            return Refused(StatusCodes.Status429TooManyRequests);
        }
        if (check.Outcome == SellerSignIns.Outcome.Wrong)
        {
            EmailErrors.Add("The current password is not right. Nothing was sent.");
            return Refused(StatusCodes.Status400BadRequest);
        }
        if (await mails.MaySendAsync(user, cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await mails.QueueAsync(user, EmailKind.SellerEmailChangeConfirm, cancellationToken, to: next);
            await mails.QueueAsync(user, EmailKind.SellerEmailChangeNotice, cancellationToken, to: user.Email);
            await transaction.CommitAsync(cancellationToken);
        }
        return Redirect("/seller/account?emailSent=" + Uri.EscapeDataString(next));
    }

    private void Show(SellerUser user)
    {
        Email = user.Email;
        TwoFactorEnabled = user.TwoFactorEnabled;
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Show(user);
        var current = CurrentPassword ?? "";
        var next = NewPassword ?? "";
        (CurrentPassword, NewPassword) = (null, null);
        foreach (var validator in users.PasswordValidators)
            Errors.AddRange((await validator.ValidateAsync(users, user, next)).Errors.Select(e => "New password: " + e.Description));
        if (Errors.Count > 0) return Refused(StatusCodes.Status400BadRequest);

        var check = await signIns.CheckAsync(user.Email!, current, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (check.Outcome == SellerSignIns.Outcome.Throttled)
        {
            Errors.Add(SellerSignIns.ThrottledMessage(check));
            return Refused(StatusCodes.Status429TooManyRequests);
        }
        if (check.Outcome == SellerSignIns.Outcome.Wrong)
        {
            Errors.Add("The current password is not right. Nothing was changed.");
            return Refused(StatusCodes.Status400BadRequest);
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var changed = await users.ChangePasswordAsync(user, current, next); // a new security stamp: every other session ends
            if (!changed.Succeeded)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                Errors.AddRange(changed.Errors.Select(e => e.Description));
                return Refused(StatusCodes.Status400BadRequest);
            }
            await mails.QueueAsync(user, EmailKind.SellerPasswordChanged, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await signIn.RefreshSignInAsync(user); // this browser goes on, with a cookie of the new stamp
        return Redirect("/seller/account?changed=1");
    }

    /// <summary>Ends every session of the account, this one included (the security stamp changes).</summary>
    public async Task<IActionResult> OnPostEverywhereAsync()
    {
        if (await users.GetUserAsync(User) is { } user) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return Redirect("/seller/sign-in?signedOut=everywhere");
    }

    private PageResult Refused(int status)
    {
        Response.StatusCode = status;
        return Page();
    }
}
