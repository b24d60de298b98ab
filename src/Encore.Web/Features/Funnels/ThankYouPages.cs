using System.Globalization;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Funnels;

/// <summary>
/// The seller's own thank-you page (per funnel version, <see cref="FunnelVersion.ThankYouUrl"/>): where a paid buyer
/// goes when the path ends, with the order id, the time and a signature the seller's site checks with the seller's
/// signing secret (docs/delivery.md). Encore's page is the fallback: it shows when the funnel names no page, when the
/// order is not paid, and while any of its charges is still being confirmed.
/// </summary>
public sealed class ThankYouPages(EncoreDbContext db, SigningSecrets secrets, TimeProvider clock)
{
    /// <summary>The signed address of the seller's page for this order, or null for Encore's own page.</summary>
    public async Task<string?> RedirectForAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await (from o in db.Orders.AsNoTracking()
                           where o.Id == orderId
                           join v in db.FunnelVersions on o.FunnelVersionId equals v.Id
                           select new { o.SellerId, o.Status, v.ThankYouUrl, Open = db.Charges.Any(c => c.OrderId == o.Id && ChargeStates.Open.Contains(c.Status)) })
            .FirstOrDefaultAsync(cancellationToken);
        if (order is not { ThankYouUrl: { } url, Status: OrderStatus.Paid, Open: false }) return null;
        return Signed(url, orderId, clock.GetUtcNow().ToUnixTimeSeconds(), await secrets.OfAsync(order.SellerId, cancellationToken));
    }

    /// <summary>
    /// <paramref name="url"/> with <c>encore_order</c> (32 hex digits), <c>encore_ts</c> (Unix seconds) and
    /// <c>encore_signature</c>: the lower-case hex HMAC-SHA256 of <c>thank-you|{order}|{ts}</c> under the secret.
    /// </summary>
    public static string Signed(string url, Guid orderId, long timestamp, string secret)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = SigningSecrets.Sign(secret, $"thank-you|{orderId:N}|{ts}");
        var separator = url.Contains('?') ? '&' : '?';
        return $"{url}{separator}encore_order={orderId:N}&encore_ts={ts}&encore_signature={signature}";
    }
}
