using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// The seller's sign-in: change the password (every other session ends, this one goes on) and sign out everywhere. The
/// current password is checked through the sign-in throttle, so a borrowed session cannot be used to guess it.
/// </summary>
public sealed class AccountModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SellerSignIns signIns) : PageModel
{
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    public string? Email { get; private set; }
    public List<string> Errors { get; } = [];
    public bool Changed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? changed)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Email = user.Email;
        Changed = changed is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        Email = user.Email;
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
        var changed = await users.ChangePasswordAsync(user, current, next); // a new security stamp: every other session ends
        if (!changed.Succeeded)
        {
            Errors.AddRange(changed.Errors.Select(e => e.Description));
            return Refused(StatusCodes.Status400BadRequest);
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
