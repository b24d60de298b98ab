namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>The three kinds of text on the offer map; their sizes are <c>svg.map</c>'s in seller.css.</summary>
public enum MapFont
{
    Title,
    Body,
    Small,
}

/// <summary>
/// Measures and wraps the map's text on the server, where the browser's font is unknown. Every character is given
/// at least the width it has in DejaVu Sans (Debian's default sans-serif, the widest of the usual system-ui fonts),
/// so a line that fits by this measure fits in any browser; bold is a tenth wider. A text longer than its lines
/// ends in "…", and the box carries the whole text for the hover (decision 0020).
/// </summary>
public static class MapText
{
    public const double FontSize = 13;
    public const double SmallFontSize = 12;
    public const double LineHeight = 17;

    /// <summary>How far above the baseline a line's glyphs reach, and below it (for descenders).</summary>
    public const double Ascent = 11;
    public const double Descent = 4;

    private const string Narrow = "iljft.,:;'!|()[] ";
    private const string Wide = "mwMW@%—…";

    public static double SizeOf(MapFont font) => font == MapFont.Small ? SmallFontSize : FontSize;

    /// <summary>A width no browser's rendering of the text exceeds (in CSS pixels).</summary>
    public static double Width(string text, MapFont font)
    {
        var ems = 0.0;
        foreach (var c in text)
            ems += Narrow.Contains(c) ? 0.42 : Wide.Contains(c) ? 1.0 : char.IsUpper(c) ? 0.8 : 0.64;
        return ems * SizeOf(font) * (font == MapFont.Title ? 1.1 : 1.0);
    }

    /// <summary>The text in at most <paramref name="maxLines"/> lines of at most <paramref name="width"/>, broken between words where it can.</summary>
    public static IReadOnlyList<string> Wrap(string text, MapFont font, double width, int maxLines)
    {
        var lines = new List<string>();
        var words = new Queue<string>(text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var line = "";
        while (words.Count > 0)
        {
            var word = words.Peek();
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (Width(candidate, font) <= width) { line = candidate; words.Dequeue(); continue; }
            if (line.Length == 0)
            {
                // One word wider than the line: break it where it stops fitting.
                var fits = 1;
                while (fits < word.Length && Width(word[..(fits + 1)], font) <= width) fits++;
                line = word[..fits];
                words.Dequeue();
                if (fits < word.Length) words = new Queue<string>(words.Prepend(word[fits..]));
            }
            if (lines.Count == maxLines - 1) break;
            lines.Add(line);
            line = "";
        }
        if (words.Count == 0)
        {
            if (line.Length > 0) lines.Add(line);
            return lines;
        }
        lines.Add(Truncate(line + " " + string.Join(' ', words), font, width));
        return lines;
    }

    /// <summary>The text on one line of at most <paramref name="width"/>, ending in "…" when cut.</summary>
    public static string Truncate(string text, MapFont font, double width)
    {
        if (Width(text, font) <= width) return text;
        var end = text.Length;
        while (end > 0 && Width(text[..end].TrimEnd() + "…", font) > width) end--;
        return text[..end].TrimEnd() + "…";
    }
}
