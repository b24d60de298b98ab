using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers;

/// <summary>A new seller: their business name and support address (buyers see both), and a sign-in.</summary>
public sealed class SignUpModel(UserManager<SellerUser> users, SignInManager<SellerUser> signIn, EncoreDbContext db, TimeProvider clock) : PageModel
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
        if (name.Length is 0 or > 200) Errors.Add("Enter your business name, as buyers should see it (at most 200 characters).");
        if (!Checkout.CheckoutService.IsEmail(support)) Errors.Add("Enter the support e-mail address buyers can write to.");
        if (Errors.Count > 0) return Page();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var seller = new Seller { Id = Guid.CreateVersion7(), Name = name, SupportEmail = support, CreatedAt = clock.GetUtcNow() };
        db.Sellers.Add(seller);
        await db.SaveChangesAsync(cancellationToken);
        var user = new SellerUser { Id = Guid.CreateVersion7(), SellerId = seller.Id, UserName = Email?.Trim(), Email = Email?.Trim() };
        var created = await users.CreateAsync(user, Password ?? "");
        if (!created.Succeeded)
        {
            Errors.AddRange(created.Errors.Select(e => e.Description));
            await transaction.RollbackAsync(cancellationToken);
            return Page();
        }
        await transaction.CommitAsync(cancellationToken);
        await signIn.SignInAsync(user, isPersistent: false);
        return Redirect("/seller");
    }
}
