using Encore.Web.Data;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Payments;

/// <summary>
/// The buyer's way back from the bank. The gateway only knows this address (no token in it); the browser's
/// <see cref="BankReturn"/> cookie names the page to go back to, and it is followed only when its token
/// belongs to the order of this charge. Without it (another browser, an API storefront) the page says the
/// payment is being confirmed, and nothing is shown of the order.
/// </summary>
public sealed class ReturnModel(EncoreDbContext db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid chargeId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (BankReturn.Read(HttpContext) is { } path && await BelongsToChargeAsync(path, chargeId, cancellationToken))
        {
            BankReturn.Forget(HttpContext);
            return LocalRedirect(path);
        }
        return Page();
    }

    private async Task<bool> BelongsToChargeAsync(string path, Guid chargeId, CancellationToken cancellationToken)
    {
        var orderId = await db.Charges.Where(c => c.Id == chargeId).Select(c => (Guid?)c.OrderId).FirstOrDefaultAsync(cancellationToken);
        if (orderId is null) return false;
        if (path.StartsWith("/o/", StringComparison.Ordinal) && path[3..] is var session && SecretTokens.LooksValid(session))
        {
            var hash = SecretTokens.Hash(session);
            return await db.PostPurchaseSessions.AnyAsync(s => s.TokenHash == hash && s.OrderId == orderId, cancellationToken);
        }
        if (path.StartsWith("/r/", StringComparison.Ordinal) && path[3..] is var receipt && SecretTokens.LooksValid(receipt))
        {
            var hash = SecretTokens.Hash(receipt);
            return await db.Orders.AnyAsync(o => o.ReceiptTokenHash == hash && o.Id == orderId, cancellationToken);
        }
        return false;
    }
}
