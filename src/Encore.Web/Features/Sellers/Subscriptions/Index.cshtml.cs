using System.Globalization;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>The seller's subscriptions: search by e-mail or product, filter by status and product, pages of 50, newest first.</summary>
public sealed class IndexModel(SellerSubscriptions subscriptions) : PageModel
{
    [FromQuery(Name = "q")] public string? Query { get; set; }
    [FromQuery(Name = "status")] public string? Status { get; set; }
    [FromQuery(Name = "product")] public string? Product { get; set; }
    [FromQuery(Name = "page")] public string? PageNumber { get; set; }
    [FromQuery(Name = "pageSize")] public string? PageSize { get; set; }

    public SubscriptionListPage Result { get; private set; } = new([], 1, SubscriptionSearch.DefaultPageSize, 0);
    public List<ProductOption> Products { get; private set; } = [];
    public List<string> Errors { get; } = [];

    public static IReadOnlyList<SubscriptionStatus> Statuses => Enum.GetValues<SubscriptionStatus>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        Products = await subscriptions.ProductsAsync(sellerId, cancellationToken);
        var (search, errors) = SubscriptionSearch.Parse(Query, Status, Product, PageNumber, PageSize);
        if (search is null)
        {
            Errors.AddRange(errors.Select(e => e.Key switch
            {
                "status" => "Choose a status from the list.",
                "productId" => "Choose a product from the list.",
                _ => e.Value,
            }));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Result = await subscriptions.ListAsync(sellerId, search, cancellationToken);
    }

    /// <summary>The link to another page of the same search.</summary>
    public string PageLink(int page)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrWhiteSpace(value)) query.Add(new(name, value)); }
        Add("q", Query);
        Add("status", Status);
        Add("product", Product);
        Add("pageSize", PageSize);
        Add("page", page.ToString(CultureInfo.InvariantCulture));
        return "/seller/subscriptions" + QueryString.Create(query);
    }

    public static string StatusLabel(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.PastDue => "Past due",
        SubscriptionStatus.Trialing => "In trial",
        _ => status.ToString(),
    };

    public static string StatusBadge(SubscriptionStatus status) => status switch
    {
        SubscriptionStatus.Active or SubscriptionStatus.Trialing => "badge ok",
        SubscriptionStatus.PastDue or SubscriptionStatus.Canceled => "badge bad",
        _ => "badge warn",
    };

    public static string Moment(DateTimeOffset? moment) => moment is { } m ? m.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";
}
