using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// <c>/s</c>: a buyer whose link expired (or who lost the mail) enters the e-mail address, and every subscription of
/// that address still running gets a fresh link by mail. The page answers the same whether the address is known or not,
/// and queues at most one mail per subscription every few minutes, so it reveals nothing and floods no one.
/// </summary>
public sealed class NewLinkModel(EncoreDbContext db, EmailOutbox mail, TimeProvider clock) : PageModel
{
    /// <summary>One fresh link per subscription per this much time, however often it is asked for.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMinutes(10);

    [BindProperty] public string? Email { get; set; }
    public bool Sent { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() => Response.Headers.CacheControl = "no-cache, no-store";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var email = (Email ?? "").Trim();
        if (!CheckoutService.IsEmail(email))
        {
            Error = "Enter the e-mail address your receipts go to, like name@example.com.";
            return Page();
        }
        var now = clock.GetUtcNow();
        var live = SubscriptionManagement.Live;
        var subscriptions = await db.Subscriptions.AsNoTracking()
            .Where(s => s.Email == email && live.Contains(s.Status)).OrderBy(s => s.CreatedAt).Take(20).ToListAsync(cancellationToken);
        var slot = now.ToUnixTimeSeconds() / (long)Spacing.TotalSeconds;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var subscription in subscriptions)
            await mail.WriteSubscriptionMailAsync(subscription, subscription.OrderId, EmailKind.ManageLink, $"link:{slot}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Sent = true;
        return Page();
    }
}
