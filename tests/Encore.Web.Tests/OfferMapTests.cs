using Encore.Domain.Linting;
using Encore.Web.Features.Sellers.Funnels;
using Encore.Web.Tests.Infrastructure;

namespace Encore.Web.Tests;

/// <summary>The offer map's layout, checked geometrically: arrows go around boxes, text stays inside them.</summary>
public sealed class OfferMapTests
{
    private const string LongName = "The Complete Deep Sleep Audio Program with Weekly Live Coaching Calls and Workbook";

    /// <summary>Offer → yes: upsell-2, no: downsell; downsell → yes: upsell-2, no: thank-you; upsell-2 → no: a second downsell.</summary>
    private static FunnelMap FourSteps() => FunnelMap.Build(
        "Deep Sleep Course for Busy Parents Who Wake Up at Night", "$47.00", ["Sleep journal", "Bedtime meditations"],
        [
            new MapStep("offer", LongName, "$97.00", false, "upsell-2", "downsell"),
            new MapStep("downsell", "Sleep audio program (lite)", "3 monthly payments of $19.00, $57.00 in all", true, "upsell-2", null),
            new MapStep("upsell-2", "Coaching", "$29.00 every month", false, null, "a-very-long-step-name-that-nobody-should-use-but-can"),
            new MapStep("a-very-long-step-name-that-nobody-should-use-but-can", "Supercalifragilisticexpialidociousworkbookbundle", "$9.00", true, null, null),
        ],
        "offer", []);

    [Fact]
    public void A_four_step_map_has_no_arrow_behind_a_box_and_no_text_outside_its_box()
    {
        var map = FourSteps();

        Assert.Empty(MapGeometry.Problems(map));
        Assert.Equal(6, map.Boxes.Count);
        Assert.Equal(9, map.Edges.Count); // paid, and a yes and a no from each step
        foreach (var edge in map.Edges)
        {
            var to = map.Boxes.Single(b => b.Id == edge.To).Rect;
            Assert.Equal(to.X, edge.Points[^1].X); // every arrow ends on its target's left side
            Assert.InRange(edge.Points[^1].Y, to.Y + 1, to.Bottom - 1);
        }
        Assert.Equal(map.Edges.Count, map.Edges.Select(e => (e.To, e.Points[^1].Y)).Distinct().Count()); // each at its own point

        // The yes leaves the offer on its right and reaches upsell-2; the no leaves from its bottom and reaches the downsell.
        var offer = map.Boxes.Single(b => b.Id == "step-offer").Rect;
        var yes = map.Edges.Single(e => e.From == "step-offer" && e.Kind == "accept");
        var no = map.Edges.Single(e => e.From == "step-offer" && e.Kind == "decline");
        Assert.Equal(("step-upsell-2", offer.Right), (yes.To, yes.Points[0].X));
        Assert.Equal(("step-downsell", offer.Bottom), (no.To, no.Points[0].Y));
        Assert.Equal(["yes", "no"], new[] { yes.Label.Text, no.Label.Text });

        // Long names wrap onto a second line and end in "…"; the box keeps the whole name for the hover.
        var box = map.Boxes.Single(b => b.Id == "step-offer");
        Assert.Contains(LongName, box.FullText);
        Assert.EndsWith("…", box.Lines[2].Text);
        var title = map.Boxes.Single(b => b.Id == "step-a-very-long-step-name-that-nobody-should-use-but-can").Lines[0].Text;
        Assert.StartsWith("Downsell · a-very", title);
        Assert.EndsWith("…", title);

        // Boxes fill their columns: a one-offer funnel fits the editor's width (72rem less the card's padding) at natural size.
        var oneOffer = FunnelMap.Build("Course", "$47.00", [], [new MapStep("offer", "Program", "$97.00", false, null, null)], "offer", []);
        Assert.Empty(MapGeometry.Problems(oneOffer));
        Assert.True(oneOffer.Width <= 1104, $"{oneOffer.Width} wide");
    }

    [Fact]
    public void Cycles_self_loops_and_unreachable_steps_are_routed_around_the_boxes_too()
    {
        var map = FunnelMap.Build("Course", "$47.00", [],
        [
            new MapStep("a", "Program", "$97.00", false, "b", "c"),
            new MapStep("b", "Calls", "$29.00", false, "a", "b"),
            new MapStep("c", "Lite", "$19.00", true, "c", "a"),
            new MapStep("lost", "Nobody sees this", "$5.00", false, "a", "lost-too"),
            new MapStep("lost-too", "Nor this", "$5.00", true, "lost", null),
        ],
        "a", [new LintFinding("cycle", LintSeverity.Error, "b", "A cycle.")]);

        Assert.Empty(MapGeometry.Problems(map));
        Assert.Contains("unreachable", map.Boxes.Single(b => b.Id == "step-lost").Css);
        Assert.Contains("error", map.Boxes.Single(b => b.Id == "step-b").Css);
    }

    [Fact]
    public void Text_is_wrapped_between_words_and_cut_with_an_ellipsis_when_it_does_not_fit()
    {
        Assert.Equal(["Deep Sleep"], MapText.Wrap("Deep Sleep", MapFont.Body, 200, 2));
        var lines = MapText.Wrap(LongName, MapFont.Body, 200, 2);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.True(MapText.Width(line, MapFont.Body) <= 200, line));
        Assert.StartsWith("The Complete Deep", lines[0]);
        Assert.EndsWith("…", lines[1]);
        Assert.EndsWith("…", MapText.Truncate(new string('W', 40), MapFont.Title, 200));
        Assert.True(MapText.Width(MapText.Truncate(new string('W', 40), MapFont.Title, 200), MapFont.Title) <= 200);
    }
}
