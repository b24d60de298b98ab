using System.Globalization;
using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>What the seller searches the subscription list by; every field optional.</summary>
/// <param name="Query">A buyer's e-mail or a product's name, or part of either (any case), or a subscription id.</param>
public sealed record SubscriptionSearch(string? Query, SubscriptionStatus? Status, Guid? ProductId, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxQueryLength = 320;

    /// <summary>
    /// Reads the query string's words (the API's and the list page's): status as its wire name, productId as a UUID,
    /// page from 1, pageSize up to <see cref="MaxPageSize"/>. Errors name the field, with a message a person can act on.
    /// </summary>
    public static (SubscriptionSearch? Search, Dictionary<string, string> Errors) Parse(
        string? query, string? status, string? productId, string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string>();
        if (query is { Length: > MaxQueryLength }) errors["q"] = "Search for a buyer's e-mail address or a product's name.";
        if (!SubscriptionEvents.TryParseStatus(status, out var parsedStatus))
            errors["status"] = "Use one of trialing, active, past_due, paused, canceled or ended.";
        Guid? product = null;
        if (!string.IsNullOrWhiteSpace(productId))
        {
            if (Guid.TryParse(productId, out var parsed)) product = parsed;
            else errors["productId"] = "Use a product id (a UUID).";
        }
        var pageNumber = 1;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber is < 1 or > 1_000_000))
            errors["page"] = "Use a page number from 1.";
        var size = DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(pageSize) && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
            errors["pageSize"] = $"Use a page size from 1 to {MaxPageSize}.";
        return errors.Count > 0 ? (null, errors) : (new SubscriptionSearch(query, parsedStatus, product, pageNumber, size), errors);
    }
}

public sealed record SubscriptionListRow(
    Guid Id, string Email, Guid ProductId, string ProductName, long Amount, string Currency, BillingInterval Interval, int IntervalCount,
    int TrialDays, int? Payments, SubscriptionStatus Status, bool CancelAtPeriodEnd, DateTimeOffset? NextChargeAt, DateTimeOffset StartedAt)
{
    public Price Price => new(new Money(Amount, Currency), new Recurrence(Interval, IntervalCount, TrialDays, Payments));
}

public sealed record SubscriptionListPage(IReadOnlyList<SubscriptionListRow> Items, int Page, int PageSize, int Total)
{
    public bool HasPrevious => Page > 1;
    public bool HasNext => (long)Page * PageSize < Total;
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record ProductOption(Guid Id, string Name);

/// <summary>A renewal order: one per payment after the first (or every payment after a trial), reused by dunning's retries.</summary>
public sealed record RenewalOrderRow(Guid Id, int PaymentIndex, OrderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);

/// <summary>
/// One subscription as the seller sees it: the subscription, the funnel it was sold in, every renewal charge (dunning's
/// retries included), its renewal orders, and the refunds of its lines (the first payment's included).
/// </summary>
public sealed record SubscriptionDetail(
    Subscription Subscription, string FunnelName, IReadOnlyList<Charge> Charges, IReadOnlyList<RenewalOrderRow> RenewalOrders, IReadOnlyList<Refund> Refunds);

/// <summary>The seller's subscriptions: every query scoped to the seller.</summary>
public sealed class SellerSubscriptions(EncoreDbContext db)
{
    public async Task<SubscriptionListPage> ListAsync(Guid sellerId, SubscriptionSearch search, CancellationToken cancellationToken)
    {
        var subscriptions = db.Subscriptions.AsNoTracking().Where(s => s.SellerId == sellerId);
        var query = search.Query?.Trim();
        if (!string.IsNullOrEmpty(query))
        {
            if (Guid.TryParse(query, out var id)) subscriptions = subscriptions.Where(s => s.Id == id);
            else
            {
                var lower = query.ToLowerInvariant();
                subscriptions = subscriptions.Where(s => s.Email.ToLower().Contains(lower) || s.ProductName.ToLower().Contains(lower));
            }
        }
        if (search.Status is { } status) subscriptions = subscriptions.Where(s => s.Status == status);
        if (search.ProductId is { } productId) subscriptions = subscriptions.Where(s => s.ProductId == productId);

        var total = await subscriptions.CountAsync(cancellationToken);
        var page = Math.Max(1, search.Page);
        var size = Math.Clamp(search.PageSize, 1, SubscriptionSearch.MaxPageSize);
        var items = await subscriptions
            .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(s => new SubscriptionListRow(
                s.Id, s.Email, s.ProductId, s.ProductName, s.Amount, s.Currency, s.Interval, s.IntervalCount, s.TrialDays, s.Payments,
                s.Status, s.CancelAtPeriodEnd, s.NextChargeAt, s.StartedAt))
            .ToListAsync(cancellationToken);
        return new SubscriptionListPage(items, page, size, total);
    }

    /// <summary>The seller's products that have subscriptions, for the list's filter.</summary>
    public Task<List<ProductOption>> ProductsAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking()
            .Where(p => p.SellerId == sellerId && db.Subscriptions.Any(s => s.SellerId == sellerId && s.ProductId == p.Id))
            .OrderBy(p => p.Name)
            .Select(p => new ProductOption(p.Id, p.Name))
            .ToListAsync(cancellationToken);

    public async Task<SubscriptionDetail?> FindAsync(Guid sellerId, Guid subscriptionId, CancellationToken cancellationToken)
    {
        var head = await db.Subscriptions.AsNoTracking()
            .Where(s => s.Id == subscriptionId && s.SellerId == sellerId)
            .Select(s => new { Subscription = s, Funnel = db.Funnels.Where(f => f.Id == s.FunnelId).Select(f => f.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null) return null;
        var charges = await db.Charges.AsNoTracking()
            .Where(c => c.SubscriptionId == subscriptionId && c.Kind == ChargeKind.Renewal)
            .OrderBy(c => c.PaymentIndex).ThenBy(c => c.Attempt).ThenBy(c => c.CreatedAt)
            .ToListAsync(cancellationToken);
        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.SubscriptionId == subscriptionId && o.SellerId == sellerId)
            .OrderBy(o => o.PaymentIndex)
            .Select(o => new RenewalOrderRow(o.Id, o.PaymentIndex ?? 0, o.Status, o.CreatedAt, o.PaidAt))
            .ToListAsync(cancellationToken);
        var refunds = await db.Refunds.AsNoTracking()
            .Where(r => r.SellerId == sellerId && db.OrderLines.Any(l => l.Id == r.OrderLineId && l.SubscriptionId == subscriptionId))
            .OrderBy(r => r.CreatedAt)
            .ToListAsync(cancellationToken);
        return new SubscriptionDetail(head.Subscription, head.Funnel ?? "", charges, orders, refunds);
    }
}
