using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>
/// A new seller: their business name and support address (buyers see both), a sign-in address and a password. The answer
/// is the same whether the address is new or already has an account ("check your inbox"), so the page tells no one which
/// addresses have accounts: a new address gets a link to confirm it (the account signs in only after), a known one a mail
/// saying someone tried. Bad input is answered on the form, the same for both, and writes nothing.
/// </summary>
public sealed class SignUpModel(
    UserManager<SellerUser> users, SellerAccountMail mails, EncoreDbContext db, TimeProvider clock, ILogger<SignUpModel> logger) : PageModel
{
    [BindProperty] public string? BusinessName { get; set; }
    [BindProperty] public string? SupportEmail { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    public List<string> Errors { get; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = (BusinessName ?? "").Trim();
        var support = (SupportEmail ?? "").Trim();
        var email = (Email ?? "").Trim();
        var password = Password ?? "";
        Password = null;
        if (name.Length is 0 or > 200) Errors.Add("Enter your business name, as buyers should see it (at most 200 characters).");
        if (!Checkout.CheckoutService.IsEmail(support)) Errors.Add("Enter the support e-mail address buyers can write to.");
        if (!Checkout.CheckoutService.IsEmail(email) || email.Length > 256) Errors.Add("Enter the e-mail address you will sign in with.");
        // The password's rules depend only on what was typed (the address included), never on whether an account exists.
        var candidate = new SellerUser { Email = email, UserName = email };
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, candidate, password);
            Errors.AddRange(checkedPassword.Errors.Select(e => e.Description));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var existing = await users.FindByEmailAsync(email);
        if (existing is null) await CreateAsync(name, support, email, password, cancellationToken);
        else if (!await mails.MaySendAsync(existing, cancellationToken))
            users.PasswordHasher.HashPassword(existing, password); // the same work as the other answers, and nothing else
        else if (existing.EmailConfirmed)
        {
            users.PasswordHasher.HashPassword(existing, password);
            await mails.QueueAsync(existing, EmailKind.SellerSignUpAttempt, cancellationToken);
        }
        else await ReplacePendingAsync(existing, name, support, password, cancellationToken);
        return Redirect("/seller/sign-up/sent");
    }

    private async Task CreateAsync(string name, string support, string email, string password, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var seller = new Seller { Id = Guid.CreateVersion7(), Name = name, SupportEmail = support, CreatedAt = clock.GetUtcNow() };
        db.Sellers.Add(seller);
        await db.SaveChangesAsync(cancellationToken);
        var user = new SellerUser { Id = Guid.CreateVersion7(), SellerId = seller.Id, UserName = email, Email = email };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            // The same address signing up twice at once: the other request made the account, and this one says the same.
            await transaction.RollbackAsync(CancellationToken.None);
            logger.LogInformation("Sign-up not created: {Errors}", string.Join(" ", created.Errors.Select(e => e.Code)));
            return;
        }
        await mails.QueueAsync(user, EmailKind.SellerConfirmEmail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// An address that signed up but never confirmed: the newest sign-up replaces it (business, password), its earlier links
    /// stop working (the security stamp changes) and a new one is sent. Whoever confirms must give this sign-up's password,
    /// so a stranger who signed up with someone else's address can neither keep it nor have it confirmed for them.
    /// </summary>
    private async Task ReplacePendingAsync(SellerUser user, string name, string support, string password, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var seller = await db.Sellers.FindAsync([user.SellerId], cancellationToken);
        if (seller is not null)
        {
            seller.Name = name;
            seller.SupportEmail = support;
        }
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        var updated = await users.UpdateSecurityStampAsync(user); // saves the hash and the seller's row with it
        if (!updated.Succeeded)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return;
        }
        await mails.QueueAsync(user, EmailKind.SellerConfirmEmail, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
