using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Orders;

/// <summary>The seller's orders: search, filters, and pages of 50, newest first.</summary>
public sealed class IndexModel(SellerOrders orders) : PageModel
{
    [FromQuery(Name = "q")] public string? Query { get; set; }
    [FromQuery(Name = "from")] public string? From { get; set; }
    [FromQuery(Name = "to")] public string? To { get; set; }
    [FromQuery(Name = "funnel")] public string? Funnel { get; set; }
    [FromQuery(Name = "status")] public string? Status { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;
    [FromQuery(Name = "pageSize")] public int? PageSize { get; set; }

    public OrderListPage Result { get; private set; } = new([], 1, OrderSearch.DefaultPageSize, 0);
    public List<FunnelOption> Funnels { get; private set; } = [];
    public List<string> Errors { get; } = [];

    /// <summary>Whether a search or filter narrows the list (so an empty list says "no match", not "no orders yet").</summary>
    public bool Filtered => new[] { Query, From, To, Funnel, Status }.Any(v => !string.IsNullOrWhiteSpace(v));

    public static IReadOnlyList<OrderStatus> Statuses => Enum.GetValues<OrderStatus>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        Funnels = await orders.FunnelsAsync(sellerId, cancellationToken);
        if (!OrderSearch.TryParseDate(From, out var from)) Errors.Add("The “from” date must look like 2026-11-25.");
        if (!OrderSearch.TryParseDate(To, out var to)) Errors.Add("The “to” date must look like 2026-11-25.");
        Guid? funnel = null;
        if (!string.IsNullOrWhiteSpace(Funnel))
        {
            if (Guid.TryParse(Funnel, out var id)) funnel = id;
            else Errors.Add("Choose a funnel from the list.");
        }
        if (!OrderSearch.TryParseStatus(Status, out var status)) Errors.Add("Choose a status from the list.");
        var size = PageSize is >= 1 and <= OrderSearch.MaxPageSize ? PageSize.Value : OrderSearch.DefaultPageSize;
        Result = await orders.ListAsync(sellerId,
            new OrderSearch(Query, from, to, funnel, status, Math.Clamp(PageNumber, 1, 1_000_000), size), cancellationToken);
    }

    /// <summary>The link to another page of the same search.</summary>
    public string PageLink(int page)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrWhiteSpace(value)) query.Add(new(name, value)); }
        Add("q", Query);
        Add("from", From);
        Add("to", To);
        Add("funnel", Funnel);
        Add("status", Status);
        if (PageSize is not null) Add("pageSize", PageSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/seller/orders" + QueryString.Create(query);
    }

    public static string StatusLabel(OrderStatus status) => status switch
    {
        OrderStatus.RequiresAction => "Awaiting bank",
        OrderStatus.PaymentFailed => "Payment failed",
        _ => status.ToString(),
    };

    public static string StatusBadge(OrderStatus status) => status switch
    {
        OrderStatus.Paid => "badge ok",
        OrderStatus.PaymentFailed => "badge bad",
        _ => "badge warn",
    };
}
