using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Features.Sellers.Funnels;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>What is wrong with a drawn offer map, checked on the laid-out model or on the SVG a page rendered.</summary>
public static partial class MapGeometry
{
    public sealed record Box(string Id, MapRect Rect, IReadOnlyList<MapLine> Lines);

    public sealed record Arrow(string Name, IReadOnlyList<MapPoint> Points, MapLine Label);

    public static IReadOnlyList<string> Problems(FunnelMap map) =>
        Problems(map.Boxes.Select(b => new Box(b.Id, b.Rect, b.Lines)).ToList(),
            map.Edges.Select(e => new Arrow($"{e.Kind} {e.From}→{e.To}", e.Points, e.Label)).ToList());

    /// <summary>
    /// Arrows made of horizontal and vertical segments, none passing through the inside of any box (their own included:
    /// they start and end on its border); every line of a box's text inside it, measured conservatively; no arrow's
    /// label on a box.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<Box> boxes, IReadOnlyList<Arrow> arrows)
    {
        var problems = new List<string>();
        foreach (var arrow in arrows)
        {
            if (arrow.Points.Count < 2) problems.Add($"{arrow.Name} has no segment");
            for (var i = 1; i < arrow.Points.Count; i++)
            {
                var (a, b) = (arrow.Points[i - 1], arrow.Points[i]);
                if (a.X != b.X && a.Y != b.Y) problems.Add($"{arrow.Name}: segment {a}→{b} is slanted");
                foreach (var box in boxes.Where(box => box.Rect.Crosses(a, b)))
                    problems.Add($"{arrow.Name}: segment {a}→{b} crosses box {box.Id}");
            }
            foreach (var box in boxes.Where(box => box.Rect.Overlaps(arrow.Label.Extent)))
                problems.Add($"{arrow.Name}: its label \"{arrow.Label.Text}\" lies on box {box.Id}");
        }
        foreach (var box in boxes)
        {
            var inside = new MapRect(box.Rect.X + 2, box.Rect.Y + 1, box.Rect.Width - 4, box.Rect.Height - 2);
            foreach (var line in box.Lines)
            {
                var e = line.Extent;
                if (e.X < inside.X || e.Right > inside.Right || e.Y < inside.Y || e.Bottom > inside.Bottom)
                    problems.Add($"box {box.Id}: \"{line.Text}\" ({e}) leaves the box ({box.Rect})");
            }
        }
        return problems;
    }

    /// <summary>The boxes and arrows of the map in a page's HTML, read back from its SVG.</summary>
    public static (IReadOnlyList<Box> Boxes, IReadOnlyList<Arrow> Arrows) Read(string html)
    {
        var svg = Regex.Match(html, "<svg class=\"map\".*?</svg>", RegexOptions.Singleline).Value;
        if (svg.Length == 0) throw new InvalidOperationException("No map on the page.");
        var boxes = BoxPattern().Matches(svg).Select(m =>
        {
            var rect = RectPattern().Match(m.Value);
            var lines = TextPattern().Matches(m.Value).Select(Line).ToList();
            return new Box(m.Groups["id"].Value, new MapRect(D(rect, "x"), D(rect, "y"), D(rect, "w"), D(rect, "h")), lines);
        }).ToList();
        var arrows = ArrowPattern().Matches(svg).Select(m =>
        {
            var points = PointPattern().Matches(m.Groups["d"].Value).Select(p => new MapPoint(D(p, "x"), D(p, "y"))).ToList();
            return new Arrow($"{m.Groups["kind"].Value} {m.Groups["from"].Value}→{m.Groups["to"].Value}", points, Line(TextPattern().Match(m.Value)));
        }).ToList();
        return (boxes, arrows);
    }

    private static MapLine Line(Match m) =>
        new(WebUtility.HtmlDecode(m.Groups["text"].Value), D(m, "x"), D(m, "y"),
            m.Groups["class"].Value.Contains("t-title") ? MapFont.Title : m.Groups["class"].Value.Contains("t-small") ? MapFont.Small : MapFont.Body);

    private static double D(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("<g class=\"box [^\"]*\" data-step=\"(?<id>[^\"]+)\">.*?</g>", RegexOptions.Singleline)]
    private static partial Regex BoxPattern();

    [GeneratedRegex("<rect x=\"(?<x>[-0-9.]+)\" y=\"(?<y>[-0-9.]+)\" width=\"(?<w>[0-9.]+)\" height=\"(?<h>[0-9.]+)\"")]
    private static partial Regex RectPattern();

    [GeneratedRegex("<text x=\"(?<x>[-0-9.]+)\" y=\"(?<y>[-0-9.]+)\" class=\"(?<class>[^\"]+)\">(?<text>[^<]*)</text>")]
    private static partial Regex TextPattern();

    [GeneratedRegex("<g data-from=\"(?<from>[^\"]+)\" data-to=\"(?<to>[^\"]+)\">\\s*<path class=\"edge (?<kind>[a-z]+)\" d=\"(?<d>[^\"]+)\".*?</g>", RegexOptions.Singleline)]
    private static partial Regex ArrowPattern();

    [GeneratedRegex("[ML](?<x>[-0-9.]+),(?<y>[-0-9.]+)")]
    private static partial Regex PointPattern();
}
