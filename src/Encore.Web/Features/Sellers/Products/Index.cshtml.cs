using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Funnels;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Products;

/// <summary>The seller's products with their prices, and a form for a new product.</summary>
public sealed class IndexModel(Catalog catalog) : PageModel
{
    public List<Product> Products { get; private set; } = [];
    public ILookup<Guid, ProductPrice> Prices { get; private set; } = Enumerable.Empty<ProductPrice>().ToLookup(p => p.ProductId);
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Topics { get; set; }

    /// <summary><c>new-funnel</c> while the seller is on the way to a new funnel (<see cref="NewFunnelReturn"/>).</summary>
    [FromQuery(Name = "then")] public string? Then { get; set; }

    public bool ForNewFunnel => NewFunnelReturn.Is(Then);

    /// <summary>A product's page, on the way to a new funnel when the seller is.</summary>
    public string ProductLink(Guid productId) => $"/seller/products/{productId}" + (ForNewFunnel ? "?then=" + NewFunnelReturn.Then : "");

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (product, errors) = await catalog.CreateProductAsync(User.SellerId(), new ProductRequest(Name, Description, SplitTopics(Topics)), cancellationToken);
        if (product is not null) return Redirect(ProductLink(product.Id) + (ForNewFunnel ? "#prices" : ""));
        Errors = errors!;
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>"anxiety, calm" → ["anxiety", "calm"]: how a form takes topics.</summary>
    public static List<string> SplitTopics(string? topics) =>
        (topics ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Products = await catalog.ProductsAsync(User.SellerId(), cancellationToken);
        Prices = await catalog.AllPricesAsync(User.SellerId(), cancellationToken);
    }
}
