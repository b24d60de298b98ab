using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Encore.Web.Features.Branding;

/// <summary>
/// Serves sellers' images and brand stylesheets from Encore itself (the buyer's pages load nothing from elsewhere): each
/// address names its content (an image's SHA-256, a colour), so it is cached for a year and never changes.
/// </summary>
public static class BrandingEndpoints
{
    public const string Immutable = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapBranding(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{sha256:regex(^[0-9a-f]{{64}}$)}", GetImageAsync).ExcludeFromDescription();
        app.MapGet("/brand/{color:regex(^[0-9a-f]{{6}}$)}.css", GetStylesheet).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> GetImageAsync(string sha256, HttpContext http, EncoreDbContext db, CancellationToken cancellationToken)
    {
        var tag = new EntityTagHeaderValue($"\"{sha256}\"");
        http.Response.Headers.CacheControl = Immutable;
        // The bytes behind an address never change: a browser that has them needs no query.
        if (http.Request.Headers.IfNoneMatch.ToString().Contains(sha256, StringComparison.Ordinal))
        {
            http.Response.Headers.ETag = tag.ToString();
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var image = await db.BrandImages.AsNoTracking().Where(i => i.Sha256 == sha256)
            .Select(i => new { i.ContentType, i.Content }).FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.NotFound();
        }
        return Results.Bytes(image.Content, image.ContentType, entityTag: tag);
    }

    private static IResult GetStylesheet(string color, HttpContext http)
    {
        var hex = "#" + color;
        http.Response.Headers.CacheControl = Immutable;
        return Results.Text($":root{{--accent:{hex};--accent-dark:{BrandColors.Darker(hex)}}}\n", "text/css; charset=utf-8");
    }
}
