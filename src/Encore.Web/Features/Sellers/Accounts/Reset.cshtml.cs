using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// The link of the reset mail. Opening it changes nothing (mail scanners open links); posting a new password that passes
/// <see cref="PasswordRules"/> sets it, rotates the security stamp (every session ends, and the link with it: it works
/// once) and mails the seller that the password changed, in one transaction. A used, expired or altered link shows why it
/// does not work and changes nothing. The seller is not signed in: with two-factor on, that would skip the code.
/// </summary>
public sealed class ResetModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, SellerAccountMail mails, EncoreDbContext db) : PageModel
{
    [BindProperty] public string? NewPassword { get; set; }
    public string? Email { get; private set; }
    public bool Invalid { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(Guid userId, string? code)
    {
        Response.Headers.CacheControl = "no-store";
        if (await FindAsync(userId, code) is not { } found) return Gone();
        Email = found.User.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var password = NewPassword ?? "";
        NewPassword = null;
        if (await FindAsync(userId, code) is not { } found) return Gone();
        var user = found.User;
        Email = user.Email;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reset = await users.ResetPasswordAsync(user, found.Token, password); // checks the link, the rules; a new stamp
        if (!reset.Succeeded)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            // A parallel request used the link first (the account's concurrency stamp changed), or it ran out meanwhile.
            if (reset.Errors.Any(e => e.Code is "InvalidToken" or "ConcurrencyFailure")) return Gone();
            Errors.AddRange(reset.Errors.Select(e => e.Description));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await mails.QueueAsync(user, EmailKind.SellerPasswordChanged, cancellationToken);
        AuditLog.Add(db, AuditActor.For(user, user.Email, HttpContext.Connection.RemoteIpAddress?.ToString()),
            HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), AuditActions.PasswordReset, user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.SignOutAsync(); // this browser's own session, if it had one, ended with the stamp anyway
        return Redirect("/seller/sign-in?reset=done");
    }

    private async Task<(SellerUser User, string Token)?> FindAsync(Guid userId, string? code)
    {
        if (SellerAccountMail.DecodeToken(code) is not { } token) return null;
        if (await users.FindByIdAsync(userId.ToString()) is not { Email: not null } user) return null;
        var valid = await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<SellerUser>.ResetPasswordTokenPurpose, token);
        return valid ? (user, token) : null;
    }

    private PageResult Gone()
    {
        Invalid = true;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
