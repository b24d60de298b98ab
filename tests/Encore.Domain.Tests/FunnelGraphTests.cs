using Encore.Domain.Funnels;

namespace Encore.Domain.Tests;

public sealed class FunnelGraphTests
{
    private static readonly Guid Offer = Guid.NewGuid();
    private static readonly Guid Downsell = Guid.NewGuid();
    private static readonly Guid Upgrade = Guid.NewGuid();

    private static FunnelGraph Demo() => new(Offer, [new StepEdges(Offer, null, Downsell), new StepEdges(Downsell, null, null)]);

    [Fact]
    public void A_yes_follows_the_accept_edge_and_a_no_the_decline_edge()
    {
        var graph = new FunnelGraph(Offer, [new StepEdges(Offer, Upgrade, Downsell), new StepEdges(Downsell, null, null), new StepEdges(Upgrade, null, null)]);
        Assert.Equal(Upgrade, graph.Next(Offer, accepted: true));
        Assert.Equal(Downsell, graph.Next(Offer, accepted: false));
        Assert.Null(graph.Next(Downsell, accepted: true));
    }

    [Fact]
    public void A_step_reached_by_declining_is_a_downsell() =>
        Assert.Equal([Downsell], Demo().Downsells());

    [Fact]
    public void Edges_to_unknown_steps_are_refused() =>
        Assert.Throws<ArgumentException>(() => new FunnelGraph(Offer, [new StepEdges(Offer, Guid.NewGuid(), null)]));

    [Fact]
    public void An_entry_outside_the_graph_is_refused() =>
        Assert.Throws<ArgumentException>(() => new FunnelGraph(Guid.NewGuid(), [new StepEdges(Offer, null, null)]));

    [Fact]
    public void Finds_steps_no_path_reaches()
    {
        var orphan = Guid.NewGuid();
        var graph = new FunnelGraph(Offer, [new StepEdges(Offer, null, null), new StepEdges(orphan, null, null)]);
        Assert.Equal([orphan], graph.Unreachable());
        Assert.Empty(Demo().Unreachable());
    }

    [Fact]
    public void Finds_cycles()
    {
        var looping = new FunnelGraph(Offer, [new StepEdges(Offer, null, Downsell), new StepEdges(Downsell, Offer, null)]);
        Assert.True(looping.HasCycle());
        Assert.False(Demo().HasCycle());
    }

    [Fact]
    public void Longest_path_counts_the_offers_a_buyer_can_meet()
    {
        Assert.Equal(2, Demo().LongestPath());
        Assert.Equal(0, new FunnelGraph(null, []).LongestPath());
    }
}
