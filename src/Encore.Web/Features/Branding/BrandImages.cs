using System.Security.Cryptography;
using Encore.Web.Data.Entities;

namespace Encore.Web.Features.Branding;

/// <summary>
/// The checks an uploaded logo or product image passes before it is kept: at most <see cref="MaxBytes"/>, a PNG, JPEG or
/// WebP by its bytes (and the type it was sent as), <see cref="MinPixels"/> to <see cref="MaxPixels"/> on each side.
/// </summary>
public static class BrandImages
{
    public const int MaxBytes = 512 * 1024;
    public const int MinPixels = 16;
    public const int MaxPixels = 4096;

    /// <summary>Where Encore serves an image: its content's SHA-256, so the address never changes and is cached for a year.</summary>
    public static string PathOf(string sha256) => $"/media/{sha256}";

    /// <returns>The image to keep, or the reason it is refused, in words for the seller.</returns>
    public static async Task<(BrandImage? Image, string? Refusal)> ReadAsync(Guid sellerId, IFormFile? file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0) return (null, "Choose an image file to upload.");
        if (file.Length > MaxBytes) return (null, $"The image is {Kilobytes(file.Length)}; the limit is {Kilobytes(MaxBytes)}. Save it smaller and upload it again.");
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (ImageFormats.Read(bytes) is not { } facts)
            return (null, "Upload a PNG, JPEG or WebP image. Other files, SVG included, are not accepted.");
        if (!ImageFormats.Claims(file.ContentType, facts))
            return (null, $"The file says it is {file.ContentType} but its content is {facts.ContentType}. Upload the image as saved by an image editor.");
        if (facts.Width is < MinPixels or > MaxPixels || facts.Height is < MinPixels or > MaxPixels)
            return (null, $"The image is {facts.Width} × {facts.Height} pixels; each side must be {MinPixels} to {MaxPixels} pixels.");
        return (From(sellerId, bytes, facts, now), null);
    }

    /// <summary>An image's row, named by its content's SHA-256, for bytes already known to be an image (<paramref name="facts"/>).</summary>
    public static BrandImage From(Guid sellerId, byte[] bytes, ImageFacts facts, DateTimeOffset now) => new()
    {
        SellerId = sellerId, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), ContentType = facts.ContentType,
        Width = facts.Width, Height = facts.Height, Content = bytes, CreatedAt = now,
    };

    private static string Kilobytes(long bytes) => $"{(bytes + 1023) / 1024:N0} KB";
}
