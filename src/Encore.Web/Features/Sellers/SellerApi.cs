using Encore.Domain.Linting;
using Encore.Web.Data;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

public sealed record LintFindingDto(string Code, string Severity, string? StepId, string Message);

public sealed record LintResponse(bool BlocksPublishing, IReadOnlyList<LintFindingDto> Findings);

public sealed record ProductDto(Guid Id, string Name, string Description, IReadOnlyList<string> Topics);

/// <summary>The seller API: authenticated by API key, every query scoped to the key's seller.</summary>
public static class SellerApi
{
    public static IEndpointRouteBuilder MapSellerApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy);
        // Bodies are funnel definitions and products: 256 KB is generous, and bounds the linter's work per request.
        var bodyLimit = new RequestSizeLimitAttribute(256 * 1024);
        seller.MapPost("/funnels/lint", Lint).WithName("LintFunnel").WithMetadata(bodyLimit)
            .WithSummary("Checks a funnel definition against the offer linter's rules and returns the findings; saves nothing.")
            .ProducesValidationProblem().ProducesProblem(401);
        seller.MapGet("/products", ListProducts).WithName("ListProducts").WithSummary("The seller's products.").ProducesProblem(401);
        seller.MapGet("/products/{id:guid}", GetProduct).WithName("GetProduct").WithSummary("One of the seller's products.").ProducesProblem(401);
        seller.MapPost("/products", CreateProduct).WithName("CreateProduct").WithMetadata(bodyLimit)
            .WithSummary("Adds a product: a name, a description, and the topics the offer linter compares.")
            .Produces<ProductDto>(201).ProducesValidationProblem().ProducesProblem(401);
        seller.MapPut("/products/{id:guid}", UpdateProduct).WithName("UpdateProduct").WithMetadata(bodyLimit)
            .WithSummary("Changes a product. Published funnel versions keep the names they were published with.")
            .Produces<ProductDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        return app;
    }

    private static Results<Ok<LintResponse>, ValidationProblem> Lint(FunnelDefinitionDto? body)
    {
        if (body is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A funnel definition is required."] });
        var (definition, errors) = body.ToDefinition();
        if (definition is null) return TypedResults.ValidationProblem(errors);
        var findings = OfferLinter.Lint(definition);
        return TypedResults.Ok(new LintResponse(
            OfferLinter.BlocksPublishing(findings),
            findings.Select(f => new LintFindingDto(f.Code, f.Severity.ToString().ToLowerInvariant(), f.StepId, f.Message)).ToList()));
    }

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
        var product = new Data.Entities.Product
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

    private static async Task<IResult> UpdateProduct(Guid id, ProductRequest? body, HttpContext http, EncoreDbContext db)
    {
        if (ProductRequest.Validate(body) is { } errors) return TypedResults.ValidationProblem(errors);
        var sellerId = http.User.SellerId();
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id && p.SellerId == sellerId, http.RequestAborted);
        if (product is null) return ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.");
        product.Name = body!.Name!.Trim();
        product.Description = body.Description?.Trim() ?? "";
        product.Topics = ProductRequest.CleanTopics(body.Topics);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(new ProductDto(product.Id, product.Name, product.Description, product.Topics));
    }

    private static async Task<IResult> GetProduct(Guid id, HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var product = await db.Products.AsNoTracking().Where(p => p.Id == id && p.SellerId == sellerId)
            .Select(p => new ProductDto(p.Id, p.Name, p.Description, p.Topics)).FirstOrDefaultAsync(http.RequestAborted);
        return product is null
            ? ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.")
            : TypedResults.Ok(product);
    }
}
