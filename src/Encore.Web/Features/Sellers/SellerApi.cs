using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Products;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

public sealed record ProductDto(Guid Id, string Name, string Description, IReadOnlyList<string> Topics);

/// <summary>The seller API: authenticated by API key, every query scoped to the key's seller.</summary>
public static class SellerApi
{
    public static IEndpointRouteBuilder MapSellerApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy);
        var bodyLimit = new RequestSizeLimitAttribute(256 * 1024);
        seller.MapGet("/products", ListProducts).WithName("ListProducts").WithSummary("The seller's products.").ProducesProblem(401);
        seller.MapGet("/products/{productId:guid}", GetProduct).WithName("GetProduct").WithSummary("One of the seller's products.").ProducesProblem(401);
        seller.MapPost("/products", CreateProduct).WithName("CreateProduct").WithMetadata(bodyLimit)
            .WithSummary("Adds a product: a name, a description, and the topics the offer linter compares.")
            .Produces<ProductDto>(201).ProducesValidationProblem().ProducesProblem(401);
        seller.MapPut("/products/{productId:guid}", UpdateProduct).WithName("UpdateProduct").WithMetadata(bodyLimit)
            .WithSummary("Changes a product. Published funnel versions keep the names they were published with.")
            .Produces<ProductDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        seller.MapGet("/products/{productId:guid}/prices", ListPrices).WithName("ListPrices")
            .WithSummary("A product's prices, archived ones included.").ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/products/{productId:guid}/prices", CreatePrice).WithName("CreatePrice").WithMetadata(bodyLimit)
            .WithSummary("Adds a price to a product: minor units and currency, one-time or recurring (interval, count, optional trial days). Prices never change; archive one and add another.")
            .Produces<PriceDto>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/prices/{priceId:guid}/archive", ArchivePrice).WithName("ArchivePrice")
            .WithSummary("Archives a price: drafts can no longer use it; published versions keep what they froze.")
            .Produces<PriceDto>().ProducesProblem(401).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> ListPrices(Guid productId, HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, http.RequestAborted)) return ProductNotFound();
        var prices = await db.Prices.AsNoTracking().Where(p => p.ProductId == productId && p.SellerId == sellerId)
            .OrderBy(p => p.CreatedAt).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(prices.Select(PriceDto.From).ToList());
    }

    private static async Task<IResult> CreatePrice(Guid productId, PriceRequest? body, HttpContext http, EncoreDbContext db, TimeProvider clock)
    {
        if (body is null) return ApiProblems.Invalid("body", "A price is required.");
        var sellerId = http.User.SellerId();
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.SellerId == sellerId, http.RequestAborted)) return ProductNotFound();
        var (price, errors) = body.Validate();
        if (price is null) return TypedResults.ValidationProblem(errors);
        var row = new ProductPrice { Id = Guid.CreateVersion7(), SellerId = sellerId, ProductId = productId, Terms = PriceTerms.From(price), CreatedAt = clock.GetUtcNow() };
        db.Prices.Add(row);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Created($"/api/v1/seller/products/{productId}/prices", PriceDto.From(row));
    }

    private static async Task<IResult> ArchivePrice(Guid priceId, HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var price = await db.Prices.FirstOrDefaultAsync(p => p.Id == priceId && p.SellerId == sellerId, http.RequestAborted);
        if (price is null) return ApiProblems.Problem(404, "not_found", "Price not found", "You have no price with this id.");
        price.Archived = true;
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(PriceDto.From(price));
    }

    private static IResult ProductNotFound() => ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.");

    private static async Task<Ok<List<ProductDto>>> ListProducts(HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var products = await db.Products.AsNoTracking().Where(p => p.SellerId == sellerId).OrderBy(p => p.Name)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Topics)).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(products);
    }

    private static async Task<IResult> CreateProduct(ProductRequest? body, HttpContext http, EncoreDbContext db, TimeProvider clock)
    {
        if (ProductRequest.Validate(body) is { } errors) return TypedResults.ValidationProblem(errors);
        var product = new Product
        {
            Id = Guid.CreateVersion7(),
            SellerId = http.User.SellerId(),
            Name = body!.Name!.Trim(),
            Description = body.Description?.Trim() ?? "",
            Topics = ProductRequest.CleanTopics(body.Topics),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Products.Add(product);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Created($"/api/v1/seller/products/{product.Id}", new ProductDto(product.Id, product.Name, product.Description, product.Topics));
    }

    private static async Task<IResult> UpdateProduct(Guid productId, ProductRequest? body, HttpContext http, EncoreDbContext db)
    {
        if (ProductRequest.Validate(body) is { } errors) return TypedResults.ValidationProblem(errors);
        var sellerId = http.User.SellerId();
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == productId && p.SellerId == sellerId, http.RequestAborted);
        if (product is null) return ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.");
        product.Name = body!.Name!.Trim();
        product.Description = body.Description?.Trim() ?? "";
        product.Topics = ProductRequest.CleanTopics(body.Topics);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(new ProductDto(product.Id, product.Name, product.Description, product.Topics));
    }

    private static async Task<IResult> GetProduct(Guid productId, HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId && p.SellerId == sellerId)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Topics)).FirstOrDefaultAsync(http.RequestAborted);
        return product is null
            ? ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.")
            : TypedResults.Ok(product);
    }
}
