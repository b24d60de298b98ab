using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Delivery;
using Encore.Web.Features.Orders;
using Encore.Web.Features.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

/// <summary>One order on the buyer's page: its receipt and what it delivers, with fresh links.</summary>
public sealed record BuyerOrder(Receipt Receipt, IReadOnlyList<ProductDelivery> Deliveries);

/// <summary>A subscription on the buyer's page, with a fresh link to its manage page.</summary>
public sealed record BuyerSubscription(
    Guid Id, string ProductName, string Price, SubscriptionStatus Status, bool CancelAtPeriodEnd, DateTimeOffset? NextChargeAt,
    DateTimeOffset CurrentPeriodEnd, DateTimeOffset? EndedAt, string ManageUrl);

/// <summary>The buyer's latest request that a seller erase their data.</summary>
public sealed record BuyerEraseState(DateTimeOffset RequestedAt, DateTimeOffset? ConfirmedAt);

/// <summary>What the buyer has from one seller: a page of orders (newest first), the subscriptions, the erase request.</summary>
public sealed record SellerPurchases(
    Guid SellerId, string SellerName, string SupportEmail, int OrderCount, int Page, int PageSize,
    IReadOnlyList<BuyerOrder> Orders, IReadOnlyList<BuyerSubscription> Subscriptions, BuyerEraseState? Erase)
{
    public bool HasNewer => Page > 1;
    public bool HasOlder => (long)Page * PageSize < OrderCount;
    public DateTimeOffset Newest => Orders.Count > 0 ? Orders[0].Receipt.CreatedAt : DateTimeOffset.MinValue;
}

/// <summary>
/// The buyer's page: every order of the signed-in address (any case), grouped by seller, newest first, in pages of
/// <see cref="PageSize"/> per seller; each with its receipt (<see cref="ReceiptQuery"/>) and deliveries
/// (<see cref="Deliveries"/>, fresh links), the address's subscriptions and its erase requests. Every query is scoped
/// by the address; a seller the address never bought from gives nothing.
/// </summary>
public sealed class BuyerPurchases(EncoreDbContext db, ReceiptQuery receipts, Deliveries deliveries, ManageLinks manageLinks)
{
    public const int PageSize = 10;

    /// <param name="email">The signed-in address, normalized.</param>
    /// <param name="sellerId">Only this seller's section (for its older pages); null: every seller, first page each.</param>
    public async Task<IReadOnlyList<SellerPurchases>> ForBuyerAsync(string email, Guid? sellerId, int page, CancellationToken cancellationToken)
    {
        var counts = await db.Orders.AsNoTracking()
            .Where(o => o.Email.ToLower() == email)
            .GroupBy(o => o.SellerId)
            .Select(g => new { SellerId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        if (sellerId is { } only) counts = counts.Where(c => c.SellerId == only).ToList();
        if (counts.Count == 0) return [];
        page = sellerId is null ? 1 : Math.Max(1, page);

        var ids = counts.Select(c => c.SellerId).ToList();
        var sellers = await db.Sellers.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.Name, s.SupportEmail }).ToDictionaryAsync(s => s.Id, cancellationToken);
        var subscriptions = await db.Subscriptions.AsNoTracking()
            .Where(s => s.Email.ToLower() == email && ids.Contains(s.SellerId))
            .OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);
        var erasures = await db.BuyerEraseRequests.AsNoTracking()
            .Where(r => r.Email == email && ids.Contains(r.SellerId))
            .OrderByDescending(r => r.RequestedAt).ToListAsync(cancellationToken);

        var sections = new List<SellerPurchases>();
        foreach (var (id, count) in counts.Select(c => (c.SellerId, c.Count)))
        {
            var orderIds = await db.Orders.AsNoTracking()
                .Where(o => o.SellerId == id && o.Email.ToLower() == email)
                .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
                .Skip((page - 1) * PageSize).Take(PageSize)
                .Select(o => o.Id).ToListAsync(cancellationToken);
            var orders = new List<BuyerOrder>();
            foreach (var orderId in orderIds)
            {
                if (await receipts.ForOrderAsync(orderId, cancellationToken) is not { } receipt) continue;
                IReadOnlyList<ProductDelivery> delivered = receipt.Status == OrderStatus.PaymentFailed ? [] : await deliveries.ForOrderAsync(orderId, cancellationToken);
                orders.Add(new BuyerOrder(receipt, delivered));
            }
            var seller = sellers.GetValueOrDefault(id);
            var erase = erasures.FirstOrDefault(r => r.SellerId == id);
            sections.Add(new SellerPurchases(
                id, seller?.Name ?? "", seller?.SupportEmail ?? "", count, page, PageSize, orders,
                subscriptions.Where(s => s.SellerId == id).Select(s => new BuyerSubscription(
                    s.Id, s.ProductName, s.Price.Describe(), s.Status, s.CancelAtPeriodEnd, s.NextChargeAt, s.CurrentPeriodEnd, s.EndedAt,
                    manageLinks.UrlFor(s.Id))).ToList(),
                erase is null ? null : new BuyerEraseState(erase.RequestedAt, erase.ConfirmedAt)));
        }
        return sections.OrderByDescending(s => s.Newest).ThenBy(s => s.SellerName, StringComparer.Ordinal).ToList();
    }
}
