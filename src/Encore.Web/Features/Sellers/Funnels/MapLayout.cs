namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// Places the map's boxes on a grid and routes its arrows between them. Columns are given; rows are ordered so a box
/// sits near the boxes that lead to it. Every arrow is made of horizontal and vertical segments that run only in the
/// channels between columns and the gaps between rows, where no box is, each arrow in a lane of its own: so no arrow
/// ever passes behind a box, and two arrows never share a stretch.
/// </summary>
internal static class MapLayout
{
    private const double Margin = 16;
    private const double LaneGap = 10;
    private const double ExitRoom = 36;  // from a box's right side to its channel's first lane: the "yes" and "paid" labels
    private const double EntryRoom = 18; // from a channel's last lane to the next column: the arrowhead
    private const double DropRoom = 20;  // from a row's bottom to its gap's first lane: the "no" label
    private const double MinRowGap = 24;
    private const double PortGap = 14;   // between two arrowheads on one side of a box

    public sealed record Box(string Id, int Column, double Height);

    public sealed record Link(string From, string To, string Kind);

    /// <summary>Where each box goes and how each link is drawn.</summary>
    public static (Dictionary<string, MapRect> Rects, List<MapEdge> Edges, double Width, double Height) Place(
        IReadOnlyList<Box> boxes, IReadOnlyList<Link> links, double boxWidth)
    {
        var column = boxes.ToDictionary(b => b.Id, b => b.Column);
        var row = OrderRows(boxes, links, column);
        var columns = boxes.Max(b => b.Column) + 1;
        var rows = row.Values.Max() + 1;

        // A box is tall enough for its text and for the arrowheads on its left side.
        var incoming = links.GroupBy(l => l.To).ToDictionary(g => g.Key, g => g.Count());
        var height = boxes.ToDictionary(b => b.Id, b => Math.Max(b.Height, (incoming.GetValueOrDefault(b.Id) + 1) * PortGap));
        var rowHeight = Enumerable.Range(0, rows).Select(r => boxes.Where(b => row[b.Id] == r).Select(b => height[b.Id]).DefaultIfEmpty(0).Max()).ToArray();

        // Lanes: the channel right of column c, and the gap below row r (r = -1: above the first row).
        var channelLanes = new int[columns];
        var gapLanes = new int[rows + 1];
        var plans = links.Select(link =>
        {
            int ca = column[link.From], ra = row[link.From], cb = column[link.To], rb = row[link.To];
            if (link.Kind == "decline")
                return new Plan(link, Channel1: null, Gap: (ra, gapLanes[ra + 1]++), Channel2: (cb - 1, channelLanes[cb - 1]++));
            var first = (ca, channelLanes[ca]++);
            if (cb == ca + 1) return new Plan(link, first, null, null);
            var gap = cb > ca + 1 ? rb - 1 : Math.Max(ra, rb);
            return new Plan(link, first, (gap, gapLanes[gap + 1]++), (cb - 1, channelLanes[cb - 1]++));
        }).ToList();

        var columnX = new double[columns];
        columnX[0] = Margin;
        for (var c = 1; c < columns; c++)
            columnX[c] = columnX[c - 1] + boxWidth + ExitRoom + Math.Max(0, channelLanes[c - 1] - 1) * LaneGap + EntryRoom;
        var gapTop = new double[rows + 1];
        var rowTop = new double[rows];
        var y = Margin;
        for (var g = -1; g < rows; g++)
        {
            if (g >= 0) { rowTop[g] = y; y += rowHeight[g]; }
            gapTop[g + 1] = y;
            var lanes = gapLanes[g + 1];
            y += lanes > 0 ? DropRoom + (lanes - 1) * LaneGap + 10 : g == -1 || g == rows - 1 ? 0 : MinRowGap;
        }

        var rects = boxes.ToDictionary(b => b.Id, b => new MapRect(columnX[b.Column], rowTop[row[b.Id]], boxWidth, height[b.Id]));
        double LaneX((int Channel, int Lane) at) => columnX[at.Channel] + boxWidth + ExitRoom + at.Lane * LaneGap;
        double LaneY((int Gap, int Lane) at) => gapTop[at.Gap + 1] + DropRoom + at.Lane * LaneGap;
        double OutY(MapRect rect) => Math.Round(rect.Y + rect.Height / 2);

        // Where arrows enter a box: spread down its left side in the order they arrive, so they do not cross there.
        var entryY = new Dictionary<Plan, double>();
        foreach (var group in plans.GroupBy(p => p.Link.To))
        {
            var target = rects[group.Key];
            var arriving = group.Select(p => (Plan: p, Y: p.Gap is { } gap ? LaneY(gap) : OutY(rects[p.Link.From]))).OrderBy(a => a.Y).ToList();
            for (var i = 0; i < arriving.Count; i++)
            {
                var straight = arriving.Count == 1 && arriving[0].Y > target.Y + LaneGap && arriving[0].Y < target.Bottom - LaneGap;
                entryY[arriving[i].Plan] = straight ? arriving[0].Y : Math.Round(target.Y + target.Height * (i + 1) / (arriving.Count + 1));
            }
        }

        var edges = plans.Select(plan =>
        {
            var from = rects[plan.Link.From];
            var to = rects[plan.Link.To];
            var points = new List<MapPoint>();
            MapLine label;
            if (plan.Link.Kind == "decline")
            {
                var dropX = Math.Round(from.X + boxWidth * 0.75);
                points.Add(new(dropX, from.Bottom));
                label = new MapLine("no", dropX + 5, from.Bottom + 13, MapFont.Small);
            }
            else
            {
                points.Add(new(from.Right, OutY(from)));
                label = new MapLine(plan.Link.Kind == "paid" ? "paid" : "yes", from.Right + 5, OutY(from) - 5, MapFont.Small);
            }
            if (plan.Channel1 is { } first) points.Add(new(LaneX(first), points[^1].Y));
            if (plan.Gap is { } gap) { points.Add(new(points[^1].X, LaneY(gap))); }
            var lastX = plan.Channel2 is { } second ? LaneX(second) : points[^1].X;
            points.Add(new(lastX, points[^1].Y));
            points.Add(new(lastX, entryY[plan]));
            points.Add(new(to.X, entryY[plan]));
            return new MapEdge(plan.Link.From, plan.Link.To, plan.Link.Kind, Simplify(points), label);
        }).ToList();

        var width = columnX[^1] + boxWidth + Margin;
        return (rects, edges, width, y + Margin);
    }

    private sealed record Plan(Link Link, (int Channel, int Lane)? Channel1, (int Gap, int Lane)? Gap, (int Channel, int Lane)? Channel2);

    /// <summary>
    /// Rows within each column, left to right: a box goes next to the earliest row that leads to it (a "yes" before a
    /// "no" from the same box), so most arrows run straight or one row down; boxes nothing earlier leads to keep their order.
    /// </summary>
    private static Dictionary<string, int> OrderRows(IReadOnlyList<Box> boxes, IReadOnlyList<Link> links, Dictionary<string, int> column)
    {
        var row = new Dictionary<string, int>();
        foreach (var group in boxes.Select((b, i) => (Box: b, Index: i)).GroupBy(b => b.Box.Column).OrderBy(g => g.Key))
        {
            var ordered = group.OrderBy(b => links
                    .Where(l => l.To == b.Box.Id && row.ContainsKey(l.From) && column[l.From] < group.Key)
                    .Select(l => row[l.From] * 2 + (l.Kind == "decline" ? 1 : 0))
                    .DefaultIfEmpty(int.MaxValue).Min())
                .ThenBy(b => b.Index).ToList();
            for (var r = 0; r < ordered.Count; r++) row[ordered[r].Box.Id] = r;
        }
        return row;
    }

    /// <summary>The path without repeated points and without corners that are not corners.</summary>
    private static List<MapPoint> Simplify(List<MapPoint> points)
    {
        var result = new List<MapPoint>();
        foreach (var point in points)
        {
            if (result.Count > 0 && result[^1] == point) continue;
            if (result.Count >= 2 && Collinear(result[^2], result[^1], point)) result[^1] = point;
            else result.Add(point);
        }
        return result;
    }

    private static bool Collinear(MapPoint a, MapPoint b, MapPoint c) =>
        (a.X == b.X && b.X == c.X && (b.Y - a.Y) * (c.Y - b.Y) >= 0) || (a.Y == b.Y && b.Y == c.Y && (b.X - a.X) * (c.X - b.X) >= 0);
}
