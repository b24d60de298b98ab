using Encore.Domain.Linting;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>A step as the map draws it.</summary>
public sealed record MapStep(string Key, string ProductName, string Price, bool IsDownsell, string? OnAccept, string? OnDecline);

public sealed record MapBox(string Id, string Title, string Line1, string Line2, double X, double Y, string Css, string? Href);

public sealed record MapEdge(string Path, string Label, double LabelX, double LabelY, string Css);

/// <summary>
/// The offer architecture drawn as a graph: the checkout (main and bumps) on the left, each post-purchase step
/// in the column of its distance from the payment, accept edges solid and decline edges dashed, and the
/// thank-you page on the right. Steps the buyer can never reach sit in a last column, marked. Laid out on
/// the server, drawn as SVG: no script, and the same picture in every browser.
/// </summary>
public sealed class FunnelMap
{
    public const double BoxWidth = 220;
    public const double BoxHeight = 76;
    private const double ColumnGap = 90;
    private const double RowGap = 34;
    private const double Pad = 20;

    public required IReadOnlyList<MapBox> Boxes { get; init; }
    public required IReadOnlyList<MapEdge> Edges { get; init; }
    public double Width { get; init; }
    public double Height { get; init; }

    /// <param name="stepHref">Where a step's box links to (its form in the editor), or null.</param>
    public static FunnelMap Build(
        string mainName, string mainPrice, IReadOnlyList<string> bumpNames, IReadOnlyList<MapStep> steps, string? entry,
        IReadOnlyList<LintFinding> findings, Func<string, string?>? stepHref = null)
    {
        var byKey = new Dictionary<string, MapStep>(StringComparer.Ordinal);
        foreach (var step in steps) byKey.TryAdd(step.Key, step);

        // Breadth-first from the entry: a step's column is how many clicks after paying it is first met.
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        if (entry is not null && byKey.ContainsKey(entry)) { depth[entry] = 1; queue.Enqueue(entry); }
        while (queue.Count > 0)
        {
            var key = queue.Dequeue();
            foreach (var next in new[] { byKey[key].OnAccept, byKey[key].OnDecline })
            {
                if (next is null || !byKey.ContainsKey(next) || depth.ContainsKey(next)) continue;
                depth[next] = depth[key] + 1;
                queue.Enqueue(next);
            }
        }
        var lastReached = depth.Count == 0 ? 0 : depth.Values.Max();
        var unreachableColumn = lastReached + 1;
        var thankYouColumn = byKey.Keys.Any(k => !depth.ContainsKey(k)) ? unreachableColumn + 1 : lastReached + 1;

        var severity = findings.Where(f => f.StepId is not null)
            .GroupBy(f => f.StepId!)
            .ToDictionary(g => g.Key, g => g.Any(f => f.Severity == LintSeverity.Error) ? "error" : "warning", StringComparer.Ordinal);

        var boxes = new List<MapBox>();
        var centres = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        var rows = new Dictionary<int, int>();
        (double X, double Y) Place(int column)
        {
            var row = rows.GetValueOrDefault(column);
            rows[column] = row + 1;
            return (Pad + column * (BoxWidth + ColumnGap), Pad + row * (BoxHeight + RowGap));
        }

        var (cx, cy) = Place(0);
        var bumps = bumpNames.Count == 0 ? "no order bumps" : bumpNames.Count == 1 ? $"+ bump: {bumpNames[0]}" : $"+ {bumpNames.Count} bumps";
        boxes.Add(new MapBox("checkout", "Checkout", $"{Trim(mainName, 24)} · {mainPrice}", Trim(bumps, 30), cx, cy, "checkout", null));
        centres["checkout"] = (cx, cy);

        foreach (var step in steps.Where(s => byKey[s.Key] == s))
        {
            var reached = depth.TryGetValue(step.Key, out var column);
            var (x, y) = Place(reached ? column : unreachableColumn);
            var css = (step.IsDownsell ? "step downsell" : "step") + (reached ? "" : " unreachable")
                + (severity.TryGetValue(step.Key, out var s) ? " " + s : "");
            var title = (step.IsDownsell ? "Downsell · " : "Offer · ") + Trim(step.Key, 18);
            boxes.Add(new MapBox("step-" + step.Key, title, Trim(step.ProductName, 28), reached ? step.Price : step.Price + " · unreachable", x, y, css, stepHref?.Invoke(step.Key)));
            centres[step.Key] = (x, y);
        }

        var (tx, ty) = Place(thankYouColumn);
        boxes.Add(new MapBox("thank-you", "Thank you", "receipt of every charge", "", tx, ty, "end", null));
        centres["thank-you"] = (tx, ty);

        var edges = new List<MapEdge>();
        if (entry is not null && centres.ContainsKey(entry)) edges.Add(Edge(centres["checkout"], centres[entry], "paid", "edge paid"));
        else edges.Add(Edge(centres["checkout"], centres["thank-you"], "paid", "edge paid"));
        foreach (var step in steps.Where(s => byKey[s.Key] == s))
        {
            var from = centres[step.Key];
            edges.Add(Edge(from, centres[step.OnAccept is { } a && centres.ContainsKey(a) ? a : "thank-you"], "yes", "edge accept", -10));
            edges.Add(Edge(from, centres[step.OnDecline is { } d && centres.ContainsKey(d) ? d : "thank-you"], "no", "edge decline", 10));
        }

        var width = boxes.Max(b => b.X) + BoxWidth + Pad;
        var height = boxes.Max(b => b.Y) + BoxHeight + Pad + 30;
        return new FunnelMap { Boxes = boxes, Edges = edges, Width = width, Height = height };
    }

    /// <summary>A curve from the right side of one box to the left side of another; backward edges loop below.</summary>
    private static MapEdge Edge((double X, double Y) from, (double X, double Y) to, string label, string css, double offset = 0)
    {
        var x1 = from.X + BoxWidth;
        var y1 = from.Y + BoxHeight / 2 + offset;
        var x2 = to.X;
        var y2 = to.Y + BoxHeight / 2 + offset / 2;
        string path;
        double lx, ly;
        if (x2 > x1)
        {
            var bend = (x2 - x1) / 2;
            path = FormattableString.Invariant($"M{x1:0.#},{y1:0.#} C{x1 + bend:0.#},{y1:0.#} {x2 - bend:0.#},{y2:0.#} {x2:0.#},{y2:0.#}");
            lx = x1 + 12;
            ly = y1 + (offset < 0 ? -5 : 14);
        }
        else
        {
            // Back to an earlier column (a cycle, which the linter flags): loop under both boxes.
            var low = Math.Max(from.Y, to.Y) + BoxHeight + 24;
            path = FormattableString.Invariant($"M{x1:0.#},{y1:0.#} C{x1 + 60:0.#},{low:0.#} {x2 - 60:0.#},{low:0.#} {x2:0.#},{y2:0.#}");
            lx = (x1 + x2) / 2;
            ly = low - 4;
        }
        return new MapEdge(path, label, lx, ly, css);
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
