using Encore.Domain.Linting;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// The offer architecture drawn as a graph: the checkout on the left, each post-purchase step in the column of its
/// distance from the payment (steps the buyer can never reach in a last column, marked), the thank-you page on the
/// right. Boxes sit on a grid of columns and rows; arrows run only in the free channels between columns and between
/// rows, so no arrow passes behind a box: a "yes" leaves a box on its right, a "no" from its bottom, and each enters
/// its target on the left. Laid out on the server, drawn as SVG: no script, the same picture in every browser
/// (decision 0020).
/// </summary>
public sealed class FunnelMap
{
    public const double BoxWidth = 200;
    private const double PadX = 10;
    private const double PadY = 8;

    public required IReadOnlyList<MapBox> Boxes { get; init; }
    public required IReadOnlyList<MapEdge> Edges { get; init; }
    public double Width { get; init; }
    public double Height { get; init; }

    private sealed record Node(string Id, int Column, IReadOnlyList<(string Text, MapFont Font)> Lines, string FullText, string Css, string? Href);

    /// <param name="stepHref">Where a step's box links to (its form in the editor), or null.</param>
    public static FunnelMap Build(
        string mainName, string mainPrice, IReadOnlyList<string> bumpNames, IReadOnlyList<MapStep> steps, string? entry,
        IReadOnlyList<LintFinding> findings, Func<string, string?>? stepHref = null)
    {
        var byKey = new Dictionary<string, MapStep>(StringComparer.Ordinal);
        foreach (var step in steps) byKey.TryAdd(step.Key, step);
        var unique = steps.Where(s => byKey[s.Key] == s).ToList();

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
        var thankYouColumn = unique.Any(s => !depth.ContainsKey(s.Key)) ? unreachableColumn + 1 : lastReached + 1;

        var severity = findings.Where(f => f.StepId is not null)
            .GroupBy(f => f.StepId!)
            .ToDictionary(g => g.Key, g => g.Any(f => f.Severity == LintSeverity.Error) ? "error" : "warning", StringComparer.Ordinal);

        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var bumps = bumpNames.Count == 0 ? "no order bumps" : bumpNames.Count == 1 ? $"+ bump: {bumpNames[0]}" : $"+ {bumpNames.Count} bumps: {string.Join(", ", bumpNames)}";
        nodes["checkout"] = new Node("checkout", 0,
            [.. Text("Checkout", MapFont.Title, 1), .. Text(mainName, MapFont.Body, 2), .. Text(mainPrice, MapFont.Body, 2), .. Text(bumps, MapFont.Small, 1)],
            $"Checkout: {mainName}, {mainPrice}; {bumps}", "checkout", null);
        foreach (var step in unique)
        {
            var reached = depth.TryGetValue(step.Key, out var column);
            var kind = step.IsDownsell ? "Downsell" : "Offer";
            var price = reached ? step.Price : step.Price + " · unreachable";
            var css = (step.IsDownsell ? "step downsell" : "step") + (reached ? "" : " unreachable")
                + (severity.TryGetValue(step.Key, out var s) ? " " + s : "");
            nodes[step.Key] = new Node("step-" + step.Key, reached ? column : unreachableColumn,
                [.. Text($"{kind} · {step.Key}", MapFont.Title, 1), .. Text(step.ProductName, MapFont.Body, 2), .. Text(price, MapFont.Small, 2)],
                $"{kind} · {step.Key}: {step.ProductName}, {price}", css, stepHref?.Invoke(step.Key));
        }
        const string thankYou = "\0thank-you"; // no step key starts with a NUL
        nodes[thankYou] = new Node("thank-you", thankYouColumn,
            [.. Text("Thank you", MapFont.Title, 1), .. Text("receipt of every charge", MapFont.Small, 1)], "Thank you: the receipt of every charge", "end", null);

        string Target(string? key) => key is not null && nodes.ContainsKey(key) && key != thankYou ? key : thankYou;
        var links = new List<(string From, string To, string Kind)> { ("checkout", Target(entry), "paid") };
        foreach (var step in unique)
        {
            links.Add((step.Key, Target(step.OnAccept), "accept"));
            links.Add((step.Key, Target(step.OnDecline), "decline"));
        }

        var (rects, edges, width, height) = MapLayout.Place(
            nodes.Values.Select(n => new MapLayout.Box(n.Id, n.Column, n.Lines.Count * MapText.LineHeight + 2 * PadY)).ToList(),
            links.Select(l => new MapLayout.Link(nodes[l.From].Id, nodes[l.To].Id, l.Kind)).ToList(),
            BoxWidth);

        var boxes = nodes.Values.Select(n =>
        {
            var rect = rects[n.Id];
            var lines = n.Lines.Select((l, i) => new MapLine(l.Text, rect.X + PadX, rect.Y + PadY + MapText.Ascent + i * MapText.LineHeight, l.Font)).ToList();
            return new MapBox(n.Id, rect, lines, n.FullText, n.Css, n.Href);
        }).ToList();
        return new FunnelMap { Boxes = boxes, Edges = edges, Width = width, Height = height };
    }

    private static IEnumerable<(string, MapFont)> Text(string text, MapFont font, int maxLines) =>
        MapText.Wrap(text, font, BoxWidth - 2 * PadX, maxLines).Select(line => (line, font));
}
