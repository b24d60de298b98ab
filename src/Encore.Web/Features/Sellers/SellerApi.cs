using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Products;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

/// <summary>The seller's signing secret: the HMAC-SHA256 key their site checks <c>encore_signature</c> with (docs/delivery.md).</summary>
public sealed record SigningSecretDto(string Secret);

public sealed record ProductDto(Guid Id, string Name, string Description, IReadOnlyList<string> Topics)
{
    public static ProductDto From(Product product) => new(product.Id, product.Name, product.Description, product.Topics);
}

/// <summary>The seller API: authenticated by API key, every query scoped to the key's seller.</summary>
public static class SellerApi
{
    public static IEndpointRouteBuilder MapSellerApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy);
        var bodyLimit = new RequestSizeLimitAttribute(256 * 1024);
        seller.MapGet("/products", ListProducts).WithName("ListProducts").WithSummary("The seller's products.").ProducesProblem(401);
        seller.MapGet("/products/{productId:guid}", GetProduct).WithName("GetProduct").WithSummary("One of the seller's products.")
            .Produces<ProductDto>().ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/products", CreateProduct).WithName("CreateProduct").WithMetadata(bodyLimit)
            .WithSummary("Adds a product: a name, a description, and the topics the offer linter compares.")
            .Produces<ProductDto>(201).ProducesValidationProblem().ProducesProblem(401);
        seller.MapPut("/products/{productId:guid}", UpdateProduct).WithName("UpdateProduct").WithMetadata(bodyLimit)
            .WithSummary("Changes a product. Published funnel versions keep the names they were published with.")
            .Produces<ProductDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        seller.MapGet("/products/{productId:guid}/prices", ListPrices).WithName("ListPrices")
            .WithSummary("A product's prices, archived ones included.").Produces<List<PriceDto>>().ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/products/{productId:guid}/prices", CreatePrice).WithName("CreatePrice").WithMetadata(bodyLimit)
            .WithSummary("Adds a price to a product: minor units and currency, one-time or recurring (interval, count, optional trial days). Prices never change; archive one and add another.")
            .Produces<PriceDto>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/prices/{priceId:guid}/archive", ArchivePrice).WithName("ArchivePrice")
            .WithSummary("Archives a price: drafts can no longer use it; published versions keep what they froze.")
            .Produces<PriceDto>().ProducesProblem(401).ProducesProblem(404);
        seller.MapGet("/signing-secret", async (HttpContext http, SigningSecrets secrets) =>
                TypedResults.Ok(new SigningSecretDto(await secrets.OfAsync(http.User.SellerId(), http.RequestAborted))))
            .WithName("GetSigningSecret")
            .WithSummary("The secret your site checks Encore's signatures with: signed course links and the redirect to your own thank-you page.")
            .ProducesProblem(401);
        seller.MapPost("/signing-secret/rotate", async (HttpContext http, SigningSecrets secrets) =>
                TypedResults.Ok(new SigningSecretDto(await secrets.RotateAsync(Audit.AuditActor.Of(http), CancellationToken.None))))
            .WithName("RotateSigningSecret")
            .WithSummary("Replaces the signing secret; what was signed with the old one no longer checks out.")
            .ProducesProblem(401);
        return app;
    }

    private static async Task<IResult> ListPrices(Guid productId, HttpContext http, Catalog catalog) =>
        await catalog.PricesAsync(http.User.SellerId(), productId, http.RequestAborted) is { } prices
            ? TypedResults.Ok(prices.Select(PriceDto.From).ToList())
            : ProductNotFound();

    private static async Task<IResult> CreatePrice(Guid productId, PriceRequest? body, HttpContext http, Catalog catalog)
    {
        var (price, errors) = await catalog.CreatePriceAsync(http.User.SellerId(), productId, body, http.RequestAborted);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return price is null ? ProductNotFound() : TypedResults.Created($"/api/v1/seller/products/{productId}/prices", PriceDto.From(price));
    }

    private static async Task<IResult> ArchivePrice(Guid priceId, HttpContext http, Catalog catalog) =>
        await catalog.ArchivePriceAsync(http.User.SellerId(), priceId, http.RequestAborted) is { } price
            ? TypedResults.Ok(PriceDto.From(price))
            : ApiProblems.Problem(404, "not_found", "Price not found", "You have no price with this id.");

    private static IResult ProductNotFound() => ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.");

    private static async Task<Ok<List<ProductDto>>> ListProducts(HttpContext http, Catalog catalog) =>
        TypedResults.Ok((await catalog.ProductsAsync(http.User.SellerId(), http.RequestAborted)).Select(ProductDto.From).ToList());

    private static async Task<IResult> CreateProduct(ProductRequest? body, HttpContext http, Catalog catalog)
    {
        var (product, errors) = await catalog.CreateProductAsync(http.User.SellerId(), body, http.RequestAborted);
        return product is null
            ? TypedResults.ValidationProblem(errors!)
            : TypedResults.Created($"/api/v1/seller/products/{product.Id}", ProductDto.From(product));
    }

    private static async Task<IResult> UpdateProduct(Guid productId, ProductRequest? body, HttpContext http, Catalog catalog)
    {
        var (product, errors) = await catalog.UpdateProductAsync(http.User.SellerId(), productId, body, http.RequestAborted);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return product is null ? ProductNotFound() : TypedResults.Ok(ProductDto.From(product));
    }

    private static async Task<IResult> GetProduct(Guid productId, HttpContext http, Catalog catalog) =>
        await catalog.ProductAsync(http.User.SellerId(), productId, http.RequestAborted) is { } product
            ? TypedResults.Ok(ProductDto.From(product))
            : ProductNotFound();
}
