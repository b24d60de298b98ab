using System.Buffers.Binary;

namespace Encore.Web.Features.Branding;

/// <summary>What an uploaded image's bytes say it is: its type and pixel size, read from its header.</summary>
public sealed record ImageFacts(string ContentType, int Width, int Height);

/// <summary>
/// Reads PNG, JPEG and WebP headers: the magic bytes decide the type (never the name or the type the browser sent), and the
/// size comes from the header. Anything else, SVG included (a document that can carry script), is not an image here.
/// </summary>
public static class ImageFormats
{
    public static readonly IReadOnlyList<string> ContentTypes = ["image/png", "image/jpeg", "image/webp"];

    public static ImageFacts? Read(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes.Length >= 24 && bytes[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) && bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
                return new ImageFacts("image/png", BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(16, 4)), BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(20, 4)));
            if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
                return Jpeg(bytes);
            if (bytes.Length >= 30 && bytes[..4].SequenceEqual("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8))
                return WebP(bytes);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A header cut short: not an image.
        }
        return null;
    }

    /// <summary>True when the type the upload claimed is the type its bytes are (image/jpg is image/jpeg).</summary>
    public static bool Claims(string? claimed, ImageFacts facts) =>
        string.Equals(claimed == "image/jpg" ? "image/jpeg" : claimed, facts.ContentType, StringComparison.OrdinalIgnoreCase);

    private static ImageFacts? Jpeg(ReadOnlySpan<byte> bytes)
    {
        var at = 2;
        while (at + 9 < bytes.Length)
        {
            if (bytes[at] != 0xFF) return null;
            var marker = bytes[at + 1];
            if (marker == 0xFF) { at++; continue; }
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 2, 2));
            // Start of frame (any of SOF0-SOF15 except DHT, JPG and DAC): precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
                return new ImageFacts("image/jpeg", BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 7, 2)), BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(at + 5, 2)));
            if (length < 2) return null;
            at += 2 + length;
        }
        return null;
    }

    private static ImageFacts? WebP(ReadOnlySpan<byte> bytes)
    {
        var chunk = bytes.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
            return new ImageFacts("image/webp", BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(26, 2)) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(28, 2)) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var b = bytes.Slice(21, 4);
            return new ImageFacts("image/webp", 1 + (b[0] | ((b[1] & 0x3F) << 8)), 1 + ((b[1] >> 6) | (b[2] << 2) | ((b[3] & 0x0F) << 10)));
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return new ImageFacts("image/webp", 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16)), 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16)));
        return null;
    }
}
