using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// The link mailed to a new address. Opening it changes nothing; posting makes it the account's address and user name,
/// confirmed (Identity's change-email token, good for that address only), rotating the security stamp: every session
/// ends and the link works once. An address another account took meanwhile, or a used, expired or altered link, changes
/// nothing and says so.
/// </summary>
public sealed class ChangeEmailModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, EncoreDbContext db) : PageModel
{
    public string? Email { get; private set; }
    public string? NewEmail { get; private set; }
    public bool Invalid { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid userId, string? email, string? code)
    {
        Response.Headers.CacheControl = "no-store";
        if (await FindAsync(userId, email, code) is not { } found) return Gone();
        (Email, NewEmail) = (found.User.Email, found.NewEmail);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid userId, string? email, string? code, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await FindAsync(userId, email, code) is not { } found) return Gone();
        var user = found.User;
        var previous = user.Email ?? "";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Both refuse an address another account has (Identity's unique e-mail and user name), and a link used meanwhile
        // (a new stamp, or the account's concurrency stamp).
        var changed = await users.ChangeEmailAsync(user, found.NewEmail, found.Token);
        if (changed.Succeeded) changed = await users.SetUserNameAsync(user, found.NewEmail);
        if (!changed.Succeeded)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return Gone();
        }
        AuditLog.Add(db, AuditActor.For(user, previous, HttpContext.Connection.RemoteIpAddress?.ToString()),
            HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), AuditActions.EmailChanged, user.Id.ToString(),
            new { from = previous, to = found.NewEmail });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.SignOutAsync();
        return Redirect("/seller/sign-in?emailChanged=done");
    }

    private async Task<(SellerUser User, string NewEmail, string Token)?> FindAsync(Guid userId, string? email, string? code)
    {
        if (SellerAccountMail.DecodeToken(code) is not { } token || string.IsNullOrWhiteSpace(email) || email.Length > 256) return null;
        if (await users.FindByIdAsync(userId.ToString()) is not { Email: not null } user) return null;
        if (await users.FindByEmailAsync(email) is { } holder && holder.Id != user.Id) return null;
        var valid = await users.VerifyUserTokenAsync(user, users.Options.Tokens.ChangeEmailTokenProvider, UserManager<SellerUser>.GetChangeEmailTokenPurpose(email), token);
        return valid ? (user, email, token) : null;
    }

    private PageResult Gone()
    {
        Invalid = true;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
