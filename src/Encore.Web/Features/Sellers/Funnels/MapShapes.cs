using System.Globalization;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>A step as the map draws it.</summary>
public sealed record MapStep(string Key, string ProductName, string Price, bool IsDownsell, string? OnAccept, string? OnDecline);

public readonly record struct MapPoint(double X, double Y);

/// <summary>A rectangle of the map, in SVG user units (CSS pixels at the map's natural size).</summary>
public readonly record struct MapRect(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Bottom => Y + Height;

    /// <summary>Whether the straight segment passes through the inside of the rectangle (touching its border does not count).</summary>
    public bool Crosses(MapPoint a, MapPoint b)
    {
        // Liang–Barsky clipping against the open rectangle.
        double t0 = 0, t1 = 1;
        var dx = b.X - a.X;
        var dy = b.Y - a.Y;
        foreach (var (p, q) in new[] { (-dx, a.X - X), (dx, Right - a.X), (-dy, a.Y - Y), (dy, Bottom - a.Y) })
        {
            if (p == 0)
            {
                if (q <= 0) return false; // parallel to this side, on or outside it
                continue;
            }
            var t = q / p;
            if (p < 0) t0 = Math.Max(t0, t); else t1 = Math.Min(t1, t);
            if (t0 >= t1) return false;
        }
        return t1 - t0 > 1e-9;
    }

    public bool Overlaps(MapRect other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;
}

/// <summary>One line of text: its left end on the baseline.</summary>
public sealed record MapLine(string Text, double X, double Baseline, MapFont Font)
{
    /// <summary>The space the line may take, measured as <see cref="MapText"/> does.</summary>
    public MapRect Extent => new(X, Baseline - MapText.Ascent, MapText.Width(Text, Font), MapText.Ascent + MapText.Descent);
}

/// <summary>A box: a step, the checkout or the thank-you page. <paramref name="FullText"/> is what its lines may have cut, shown on hover.</summary>
public sealed record MapBox(string Id, MapRect Rect, IReadOnlyList<MapLine> Lines, string FullText, string Css, string? Href);

/// <summary>An arrow between two boxes: a path of horizontal and vertical segments, and its label near the start.</summary>
public sealed record MapEdge(string From, string To, string Kind, IReadOnlyList<MapPoint> Points, MapLine Label)
{
    public string Css => "edge " + Kind;

    /// <summary>The SVG path: a move and straight lines.</summary>
    public string Path => string.Join(' ', Points.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? 'M' : 'L')}{p.X:0.#},{p.Y:0.#}")));
}
