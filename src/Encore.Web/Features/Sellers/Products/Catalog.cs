using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Products;

/// <summary>
/// A seller's products and prices, for the seller API and the seller's pages alike. Every read and write is
/// scoped to the seller: another seller's id is simply not found.
/// </summary>
public sealed class Catalog(EncoreDbContext db, TimeProvider clock)
{
    public Task<List<Product>> ProductsAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking().Where(p => p.SellerId == sellerId).OrderBy(p => p.Name).ToListAsync(cancellationToken);

    public Task<Product?> ProductAsync(Guid sellerId, Guid productId, CancellationToken cancellationToken) =>
        db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken);

    /// <summary>The product's prices, oldest first; null when the seller has no such product.</summary>
    public async Task<List<ProductPrice>?> PricesAsync(Guid sellerId, Guid productId, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return null;
        return await db.Prices.AsNoTracking().Where(p => p.ProductId == productId && p.SellerId == sellerId)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Every price of the seller, grouped by product: one query, for the product list.</summary>
    public async Task<ILookup<Guid, ProductPrice>> AllPricesAsync(Guid sellerId, CancellationToken cancellationToken) =>
        (await db.Prices.AsNoTracking().Where(p => p.SellerId == sellerId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken))
            .ToLookup(p => p.ProductId);

    public async Task<(Product? Product, Dictionary<string, string[]>? Errors)> CreateProductAsync(Guid sellerId, ProductRequest? request, CancellationToken cancellationToken)
    {
        if (ProductRequest.Validate(request) is { } errors) return (null, errors);
        var product = new Product
        {
            Id = Guid.CreateVersion7(),
            SellerId = sellerId,
            Name = request!.Name!.Trim(),
            Description = request.Description?.Trim() ?? "",
            Topics = ProductRequest.CleanTopics(request.Topics),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Products.Add(product);
        await db.SaveChangesAsync(cancellationToken);
        return (product, null);
    }

    /// <summary>Changes a product; (null, null) when the seller has no such product.</summary>
    public async Task<(Product? Product, Dictionary<string, string[]>? Errors)> UpdateProductAsync(
        Guid sellerId, Guid productId, ProductRequest? request, CancellationToken cancellationToken)
    {
        // Ownership first: another seller's id is "not found" whatever the body says.
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken);
        if (product is null) return (null, null);
        if (ProductRequest.Validate(request) is { } errors) return (null, errors);
        product.Name = request!.Name!.Trim();
        product.Description = request.Description?.Trim() ?? "";
        product.Topics = ProductRequest.CleanTopics(request.Topics);
        await db.SaveChangesAsync(cancellationToken);
        return (product, null);
    }

    /// <summary>Adds a price; (null, null) when the seller has no such product.</summary>
    public async Task<(ProductPrice? Price, Dictionary<string, string[]>? Errors)> CreatePriceAsync(
        Guid sellerId, Guid productId, PriceRequest? request, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, cancellationToken)) return (null, null);
        if (request is null) return (null, new() { ["body"] = ["A price is required."] });
        var (price, errors) = request.Validate();
        if (price is null) return (null, errors);
        var row = new ProductPrice { Id = Guid.CreateVersion7(), SellerId = sellerId, ProductId = productId, Terms = PriceTerms.From(price), CreatedAt = clock.GetUtcNow() };
        db.Prices.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return (row, null);
    }

    /// <summary>Archives a price; null when the seller has no such price.</summary>
    public async Task<ProductPrice?> ArchivePriceAsync(Guid sellerId, Guid priceId, CancellationToken cancellationToken)
    {
        var price = await db.Prices.FirstOrDefaultAsync(p => p.Id == priceId && p.SellerId == sellerId, cancellationToken);
        if (price is null) return null;
        price.Archived = true;
        await db.SaveChangesAsync(cancellationToken);
        return price;
    }
}
