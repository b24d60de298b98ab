using Encore.Web.Data;
using Encore.Web.Data.Entities;
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
        Response.Headers.CacheControl = "no-cache, no-store";
        var charge = await db.Charges.Where(c => c.Id == chargeId).Select(c => new { c.OrderId, c.Kind }).FirstOrDefaultAsync(cancellationToken);
        if (charge is not null && BankReturn.Read(HttpContext) is { } path && await BelongsToOrderAsync(path, charge.OrderId, cancellationToken))
        {
            BankReturn.Forget(HttpContext);
            // Back from a one-click charge, the offer page says how the bank answered (a downsell alone would not say why).
            return LocalRedirect(charge.Kind == ChargeKind.Offer && path.StartsWith("/o/", StringComparison.Ordinal) ? path + "?notice=bank" : path);
        }
        return Page();
    }

    private async Task<bool> BelongsToOrderAsync(string path, Guid orderId, CancellationToken cancellationToken)
    {
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
