using Encore.Web.Features.Sellers;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Encore.Web.Features.Delivery;

/// <summary>The seller API for what a product delivers: <c>/api/v1/seller/products/{productId}/deliverables</c>.</summary>
public static class DeliverablesApi
{
    public static IEndpointRouteBuilder MapDeliverablesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/seller/products/{productId:guid}/deliverables").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy);
        var bodyLimit = new RequestSizeLimitAttribute(2 * 1024 * 1024);
        group.MapGet("/", List).WithName("ListDeliverables")
            .WithSummary("What the product delivers to its buyers, in order, with download counts and licence keys left.")
            .Produces<List<DeliverableDto>>().ProducesProblem(401).ProducesProblem(404);
        group.MapPost("/", Create).WithName("CreateDeliverable").WithMetadata(bodyLimit)
            .WithSummary("Adds a link (optionally signed for the seller's platform), text, or a licence-key list (one key per buyer).")
            .Produces<DeliverableDto>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        group.MapPost("/files", Upload).WithName("UploadDeliverableFile").WithMetadata(new DisableRequestSizeLimitAttribute()).DisableAntiforgery()
            .WithSummary("Uploads a file (multipart/form-data: an optional `title` field, then the `file` part), streamed to the file store; up to 2 GiB by default.")
            .Produces<DeliverableDto>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404).ProducesProblem(415);
        group.MapPut("/{deliverableId:guid}", Update).WithName("UpdateDeliverable").WithMetadata(bodyLimit)
            .WithSummary("Changes a deliverable's title, link, text, download limit or position, or adds licence keys to its list.")
            .Produces<DeliverableDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        group.MapPut("/{deliverableId:guid}/file", Replace).WithName("ReplaceDeliverableFile").WithMetadata(new DisableRequestSizeLimitAttribute()).DisableAntiforgery()
            .WithSummary("Gives a file deliverable a new file; links earlier buyers hold open the new one.")
            .Produces<DeliverableDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404).ProducesProblem(415);
        group.MapDelete("/{deliverableId:guid}", Remove).WithName("RemoveDeliverable")
            .WithSummary("Removes a deliverable from every buyer's page; downloads recorded so far stay.")
            .Produces(204).ProducesProblem(401).ProducesProblem(404);
        // The product page's uploader: the seller's cookie, the antiforgery token in a header (the body is the file).
        app.MapPost("/seller/products/{productId:guid}/deliverables/upload", UploadFromPage).RequireAuthorization(SellerAuth.PagesPolicy)
            .WithMetadata(new DisableRequestSizeLimitAttribute()).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> UploadFromPage(Guid productId, Guid? replace, HttpContext http, DeliverableCatalog catalog, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        if (!http.Request.Headers.ContainsKey("RequestVerificationToken"))
            return ApiProblems.Problem(400, "antiforgery", "Reload the page", "The upload came without the page's token; reload the page and try again.");
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException)
        {
            return ApiProblems.Problem(400, "antiforgery", "Reload the page", "The page's token is not valid any more; reload the page and try again.");
        }
        return await ReceiveAsync(http, catalog, productId, replace);
    }

    private static async Task<IResult> List(Guid productId, HttpContext http, DeliverableCatalog catalog) =>
        await catalog.ListAsync(http.User.SellerId(), productId, http.RequestAborted) is { } list ? TypedResults.Ok(list) : ProductNotFound();

    private static async Task<IResult> Create(Guid productId, DeliverableRequest? body, HttpContext http, DeliverableCatalog catalog)
    {
        var (deliverable, errors) = await catalog.CreateAsync(http.User.SellerId(), productId, body, http.RequestAborted);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return deliverable is null ? ProductNotFound() : TypedResults.Created($"/api/v1/seller/products/{productId}/deliverables/{deliverable.Id}", deliverable);
    }

    private static async Task<IResult> Update(Guid productId, Guid deliverableId, DeliverableRequest? body, HttpContext http, DeliverableCatalog catalog)
    {
        var (deliverable, errors) = await catalog.UpdateAsync(http.User.SellerId(), productId, deliverableId, body, http.RequestAborted);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return deliverable is null ? DeliverableNotFound() : TypedResults.Ok(deliverable);
    }

    private static async Task<IResult> Remove(Guid productId, Guid deliverableId, HttpContext http, DeliverableCatalog catalog) =>
        await catalog.RemoveAsync(http.User.SellerId(), productId, deliverableId, http.RequestAborted) ? TypedResults.NoContent() : DeliverableNotFound();

    private static Task<IResult> Upload(Guid productId, HttpContext http, DeliverableCatalog catalog) =>
        ReceiveAsync(http, catalog, productId, null);

    private static Task<IResult> Replace(Guid productId, Guid deliverableId, HttpContext http, DeliverableCatalog catalog) =>
        ReceiveAsync(http, catalog, productId, deliverableId);

    /// <summary>
    /// Reads the multipart body section by section: small fields into memory, the file part straight into the store
    /// (never buffered whole: a 2 GiB video passes through in 80 KiB blocks).
    /// </summary>
    private static async Task<IResult> ReceiveAsync(HttpContext http, DeliverableCatalog catalog, Guid productId, Guid? replace)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return ApiProblems.Problem(415, "unsupported_media_type", "Send multipart/form-data", "Upload the file as multipart/form-data with a `file` part.");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = catalog.MaxFileBytes + 1024 * 1024; // the file and its form around it

        var reader = new MultipartReader(boundary, http.Request.Body);
        string? title = null;
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (disposition.IsFileDisposition() && name == "file")
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var (deliverable, errors) = await catalog.UploadAsync(http.User.SellerId(), productId, replace, title, fileName, section.Body, http.RequestAborted);
                if (errors is not null) return TypedResults.ValidationProblem(errors);
                if (deliverable is null) return replace is null ? ProductNotFound() : DeliverableNotFound();
                return replace is null
                    ? TypedResults.Created($"/api/v1/seller/products/{productId}/deliverables/{deliverable.Id}", deliverable)
                    : TypedResults.Ok(deliverable);
            }
            if (name == "title")
            {
                using var text = new StreamReader(section.Body);
                var value = await text.ReadToEndAsync(http.RequestAborted);
                title = value.Length > 200 ? value[..200] : value;
            }
        }
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Choose a file to upload (the form's `file` part)."] });
    }

    private static IResult ProductNotFound() => ApiProblems.Problem(404, "not_found", "Product not found", "You have no product with this id.");

    private static IResult DeliverableNotFound() => ApiProblems.Problem(404, "not_found", "Deliverable not found", "This product has no deliverable with this id.");
}
