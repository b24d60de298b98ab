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
    /// <summary>
    /// The signed address of the seller's page for this order, or null for Encore's own page. The funnel comes from the
    /// published-version cache, so a funnel without a page of its own costs no query; one with a page costs one (the
    /// order's state, its open charges and the seller's secret), two the first time the seller's secret is made.
    /// </summary>
    public async Task<string?> RedirectForAsync(PublishedFunnel funnel, Guid orderId, CancellationToken cancellationToken)
    {
        if (funnel.ThankYouUrl is not { } url) return null;
        var order = await (from o in db.Orders.AsNoTracking()
                           where o.Id == orderId
                           join s in db.Sellers on o.SellerId equals s.Id
                           select new { o.Status, s.SigningSecret, Open = db.Charges.Any(c => c.OrderId == o.Id && ChargeStates.Open.Contains(c.Status)) })
            .FirstOrDefaultAsync(cancellationToken);
        if (order is not { Status: OrderStatus.Paid, Open: false }) return null;
        var secret = order.SigningSecret ?? await secrets.OfAsync(funnel.SellerId, cancellationToken);
        return Signed(url, orderId, clock.GetUtcNow().ToUnixTimeSeconds(), secret);
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
