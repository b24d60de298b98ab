using System.Globalization;
using Encore.Domain;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Orders;

/// <summary>What the seller searches the order list by; every field optional.</summary>
public sealed record OrderSearch(string? Query, DateOnly? From, DateOnly? To, Guid? FunnelId, OrderStatus? Status, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Parses the query string's words ("paid", "payment_failed"…) for the order status.</summary>
    public static bool TryParseStatus(string? text, out OrderStatus? status)
    {
        status = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (var value in Enum.GetValues<OrderStatus>())
        {
            if (string.Equals(StatusName(value), text.Trim(), StringComparison.OrdinalIgnoreCase) ||
                string.Equals(value.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = value;
                return true;
            }
        }
        return false;
    }

    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.RequiresAction => "requires_action",
        OrderStatus.Paid => "paid",
        OrderStatus.PaymentFailed => "payment_failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool TryParseDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        date = parsed;
        return true;
    }
}

public sealed record OrderListRow(
    Guid Id, DateTimeOffset CreatedAt, string Email, Guid FunnelId, string FunnelName, OrderStatus Status, string Currency,
    long Charged, long Refunded)
{
    public Money ChargedMoney => new(Charged, Currency);
    public Money RefundedMoney => new(Refunded, Currency);
}

public sealed record OrderListPage(IReadOnlyList<OrderListRow> Items, int Page, int PageSize, int Total)
{
    public bool HasPrevious => Page > 1;
    public bool HasNext => (long)Page * PageSize < Total;
}

public sealed record FunnelOption(Guid Id, string Name);

/// <summary>The card kept for the order's one-time offers: which, and whether it has been forgotten at the gateway.</summary>
public sealed record OfferCard(string? Brand, string? Last4, SessionStatus SessionStatus, DateTimeOffset? ForgottenAt, bool SubscriptionCharges);

public sealed record OrderDetail(
    Order Order, string FunnelName, int VersionNumber, IReadOnlyList<OrderLine> Lines, IReadOnlyList<Charge> Charges,
    IReadOnlyList<ConsentRecord> Consents, IReadOnlyList<Refund> Refunds, OfferCard? OfferCard = null)
{
    public string Currency => Order.Currency;

    /// <summary>Succeeded charges: money the buyer paid.</summary>
    public long Charged => Charges.Where(c => c.Status == ChargeStatus.Succeeded).Sum(c => c.Amount);

    public long RefundedSucceeded => Refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount);

    /// <summary>Refunds not settled yet (pending, unknown, requires action): their amount stays reserved on the line.</summary>
    public long RefundedPending => Refunds.Where(r => r.Status.IsOpen()).Sum(r => r.Amount);

    public long Refunded => RefundedSucceeded + RefundedPending;

    public long Net => Charged - Refunded;

    public Charge? ChargeOf(OrderLine line) => Charges.FirstOrDefault(c => c.Id == line.ChargeId);

    public bool CanRefund(OrderLine line) =>
        line.Amount - line.RefundedAmount > 0 && ChargeOf(line) is { Status: ChargeStatus.Succeeded, GatewayPaymentId.Length: > 0 };

    public Money M(long amount) => new(amount, Currency);
}

/// <summary>The seller's orders: every query scoped to the seller.</summary>
public sealed class SellerOrders(EncoreDbContext db)
{
    public async Task<OrderListPage> ListAsync(Guid sellerId, OrderSearch search, CancellationToken cancellationToken)
    {
        var orders = db.Orders.AsNoTracking().Where(o => o.SellerId == sellerId);
        var query = search.Query?.Trim();
        if (!string.IsNullOrEmpty(query))
        {
            if (Guid.TryParse(query, out var orderId)) orders = orders.Where(o => o.Id == orderId);
            else
            {
                var lower = query.ToLowerInvariant();
                orders = orders.Where(o => o.Email == query || o.Email.ToLower() == lower);
            }
        }
        if (search.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            orders = orders.Where(o => o.CreatedAt >= start);
        }
        if (search.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            orders = orders.Where(o => o.CreatedAt < end);
        }
        if (search.FunnelId is { } funnelId) orders = orders.Where(o => o.FunnelId == funnelId);
        if (search.Status is { } status) orders = orders.Where(o => o.Status == status);

        var total = await orders.CountAsync(cancellationToken);
        var page = Math.Max(1, search.Page);
        var size = Math.Clamp(search.PageSize, 1, OrderSearch.MaxPageSize);
        var items = await orders
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(o => new OrderListRow(
                o.Id, o.CreatedAt, o.Email, o.FunnelId,
                db.Funnels.Where(f => f.Id == o.FunnelId).Select(f => f.Name).FirstOrDefault() ?? "",
                o.Status, o.Currency,
                db.Charges.Where(c => c.OrderId == o.Id && c.Status == ChargeStatus.Succeeded).Sum(c => (long?)c.Amount) ?? 0,
                db.Refunds.Where(r => r.OrderId == o.Id && !RefundStates.Released.Contains(r.Status)).Sum(r => (long?)r.Amount) ?? 0))
            .ToListAsync(cancellationToken);
        return new OrderListPage(items, page, size, total);
    }

    public Task<List<FunnelOption>> FunnelsAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Funnels.AsNoTracking().Where(f => f.SellerId == sellerId).OrderBy(f => f.Name)
            .Select(f => new FunnelOption(f.Id, f.Name)).ToListAsync(cancellationToken);

    public async Task<OrderDetail?> FindAsync(Guid sellerId, Guid orderId, CancellationToken cancellationToken)
    {
        var head = await db.Orders.AsNoTracking()
            .Where(o => o.Id == orderId && o.SellerId == sellerId)
            .Select(o => new
            {
                Order = o,
                Funnel = db.Funnels.Where(f => f.Id == o.FunnelId).Select(f => f.Name).FirstOrDefault(),
                Version = db.FunnelVersions.Where(v => v.Id == o.FunnelVersionId).Select(v => v.Number).FirstOrDefault(),
                Card = db.PostPurchaseSessions.Where(s => s.OrderId == o.Id && s.PaymentMethodId != null)
                    .Select(s => new OfferCard(s.CardBrand, s.CardLast4, s.Status, s.CardForgottenAt,
                        db.Subscriptions.Any(x => x.PaymentMethodId == s.PaymentMethodId && Features.Subscriptions.SubscriptionManagement.Live.Contains(x.Status))))
                    .FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null) return null;
        // Main, bumps, offer, downsell (sorted here: the kind may be stored as text).
        var lines = (await db.OrderLines.AsNoTracking().Where(l => l.OrderId == orderId).ToListAsync(cancellationToken))
            .OrderBy(l => l.Kind).ThenBy(l => l.CreatedAt).ThenBy(l => l.Id).ToList();
        var charges = await db.Charges.AsNoTracking().Where(c => c.OrderId == orderId).OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);
        var consents = await db.ConsentRecords.AsNoTracking().Where(c => c.OrderId == orderId && c.SellerId == sellerId)
            .OrderBy(c => c.AgreedAt).ToListAsync(cancellationToken);
        var refunds = await db.Refunds.AsNoTracking().Where(r => r.OrderId == orderId && r.SellerId == sellerId)
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        return new OrderDetail(head.Order, head.Funnel ?? "", head.Version, lines, charges, consents, refunds, head.Card);
    }

    public async Task<ConsentExport?> FindConsentAsync(Guid sellerId, Guid consentId, CancellationToken cancellationToken)
    {
        var row = await db.ConsentRecords.AsNoTracking()
            .Where(c => c.Id == consentId && c.SellerId == sellerId)
            .Select(c => new
            {
                Consent = c,
                Order = db.Orders.Where(o => o.Id == c.OrderId && o.SellerId == sellerId).Select(o => new { o.Email, o.BuyerName, o.FunnelVersionId }).FirstOrDefault(),
                Charge = db.Charges.Where(ch => ch.OrderId == c.OrderId && ch.ConsentRecordId == c.Id).Select(ch => new { ch.GatewayPaymentId, ch.Status, ch.Id }).FirstOrDefault(),
                Product = db.OrderLines.Where(l => l.OrderId == c.OrderId && l.StepId == c.StepId).Select(l => l.Name).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row?.Order is null) return null;
        var seller = await db.FunnelVersions.AsNoTracking().Where(v => v.Id == row.Order.FunnelVersionId)
            .Select(v => new { v.SellerName, v.SupportEmail }).FirstOrDefaultAsync(cancellationToken);
        var c = row.Consent;
        return new ConsentExport(
            c.Id, c.OrderId, seller?.SellerName ?? "", seller?.SupportEmail ?? "", row.Order.Email, row.Order.BuyerName,
            row.Product, new Money(c.Amount, c.Currency), c.Recurrence, c.CardBrand, c.CardLast4,
            c.DisclosureText, c.DisclosureSha256, c.AcceptLabel, c.AgreedAt, c.IpAddress, c.UserAgent, c.Channel,
            row.Charge?.Id, row.Charge?.GatewayPaymentId, row.Charge is null ? null : row.Charge.Status.WireName());
    }
}

/// <summary>A consent record as a document for a card network: who agreed to what, when, how, and the charge it allowed.</summary>
public sealed record ConsentExport(
    Guid ConsentId, Guid OrderId, string SellerName, string SellerSupportEmail, string BuyerEmail, string BuyerName,
    string? Product, Money Amount, string? Recurrence, string CardBrand, string CardLast4,
    string DisclosureText, string DisclosureSha256, string AcceptLabel, DateTimeOffset AgreedAt,
    string? IpAddress, string? UserAgent, string Channel, Guid? ChargeId, string? GatewayPaymentId, string? ChargeStatus)
{
    public string AgreedAtIso => AgreedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A shell command that prints the SHA-256 of the exact text (single quotes escaped for a POSIX shell).</summary>
    public string VerifyCommand => $"printf '%s' '{DisclosureText.Replace("'", "'\\''")}' | sha256sum";

    public object ToJson() => new
    {
        consentId = ConsentId,
        orderId = OrderId,
        seller = new { name = SellerName, supportEmail = SellerSupportEmail },
        buyer = new { email = BuyerEmail, name = BuyerName },
        product = Product,
        amount = new { amount = Amount.Amount, currency = Amount.Currency, formatted = Amount.FormatWithCode() },
        recurrence = Recurrence,
        card = new { brand = CardBrand, last4 = CardLast4 },
        disclosure = new { text = DisclosureText, sha256 = DisclosureSha256, algorithm = "SHA-256 of the UTF-8 bytes of text", verify = VerifyCommand },
        acceptLabel = AcceptLabel,
        agreedAt = AgreedAtIso,
        ipAddress = IpAddress,
        userAgent = UserAgent,
        channel = Channel,
        charge = ChargeId is null ? null : new { id = ChargeId, gatewayPaymentId = GatewayPaymentId, status = ChargeStatus },
    };
}
