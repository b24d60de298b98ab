using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Orders;

/// <summary>The thank-you page and receipt of an order, at its receipt link (for buyers who did not keep their card, and e-mails).</summary>
public sealed class ReceiptModel(ReceiptQuery receipts, CheckoutSettlement settlement, Delivery.Deliveries deliveries, EncoreDbContext db) : PageModel
{
    public Receipt? Receipt { get; private set; }

    public string? ActionUrl { get; private set; }

    /// <summary>What each bought product delivers (a product still being paid for says so).</summary>
    public IReadOnlyList<Delivery.ProductDelivery> Deliveries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Receipt = await receipts.ForReceiptTokenAsync(token, cancellationToken);
        if (Receipt is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (Receipt.HasOpenCharges && await settlement.RefreshFromGatewayAsync(Receipt.OrderId, cancellationToken))
            Receipt = await receipts.ForOrderAsync(Receipt.OrderId, cancellationToken);
        var orderId = Receipt!.OrderId;
        ActionUrl = await db.Charges.AsNoTracking()
            .Where(c => c.OrderId == orderId && c.Status == ChargeStatus.RequiresAction)
            .Select(c => c.ActionUrl).FirstOrDefaultAsync(cancellationToken);
        if (Receipt.Status != OrderStatus.PaymentFailed) Deliveries = await deliveries.ForOrderAsync(orderId, cancellationToken);
        return Page();
    }
}
