using System.Globalization;

namespace Encore.Web.Features.Branding;

/// <summary>
/// A seller's brand colour: a hex colour that white text reads on. Buttons carry white words on it ("Pay $64.00",
/// "Yes, add it…"), so a colour whose contrast with white is below WCAG AA for normal text (4.5:1) is refused.
/// </summary>
public static class BrandColors
{
    public const double MinimumContrast = 4.5;

    /// <summary>"#1F6F5C", "1f6f5c" or "#1f6" as "#1f6f5c"; null when it is not a hex colour.</summary>
    public static string? Normalize(string? value)
    {
        var hex = value?.Trim().TrimStart('#').ToLowerInvariant();
        if (hex is null || !hex.All(char.IsAsciiHexDigit)) return null;
        if (hex.Length == 3) hex = string.Concat(hex.Select(c => $"{c}{c}"));
        return hex.Length == 6 ? "#" + hex : null;
    }

    /// <summary>The WCAG 2 contrast ratio of white on the colour (1 to 21).</summary>
    public static double ContrastWithWhite(string color)
    {
        var (r, g, b) = Channels(color);
        var luminance = 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
        return 1.05 / (luminance + 0.05);
    }

    /// <summary>The same colour a fifth darker: a button under the pointer (darker only raises the contrast with white).</summary>
    public static string Darker(string color)
    {
        var (r, g, b) = Channels(color);
        return $"#{(int)(r * 0.8):x2}{(int)(g * 0.8):x2}{(int)(b * 0.8):x2}";
    }

    private static (int R, int G, int B) Channels(string color) => (
        int.Parse(color.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(color.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        int.Parse(color.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    private static double Linear(int channel)
    {
        var c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
