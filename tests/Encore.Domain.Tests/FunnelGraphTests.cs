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

    [Fact]
    public void The_longest_path_lists_the_offers_in_the_order_a_buyer_meets_them()
    {
        var graph = new FunnelGraph(Offer, [new StepEdges(Offer, Upgrade, Downsell), new StepEdges(Downsell, null, null), new StepEdges(Upgrade, null, Downsell)]);
        Assert.Equal([Offer, Upgrade, Downsell], graph.LongestPathSteps());
        Assert.Empty(new FunnelGraph(null, []).LongestPathSteps());
    }

    [Fact]
    public void Finding_a_cycle_names_the_step_a_path_comes_back_to()
    {
        var looping = new FunnelGraph(Offer, [new StepEdges(Offer, Upgrade, null), new StepEdges(Upgrade, null, Downsell), new StepEdges(Downsell, Upgrade, null)]);
        Assert.Contains(looping.FindCycle(), new Guid?[] { Upgrade, Downsell });
        Assert.Null(Demo().FindCycle());
        Assert.Equal(int.MaxValue, looping.LongestPath());
        Assert.Throws<InvalidOperationException>(() => looping.LongestPathSteps());
    }

    [Fact]
    public void A_step_that_leads_to_itself_is_a_cycle() =>
        Assert.Equal(Offer, new FunnelGraph(Offer, [new StepEdges(Offer, null, Offer)]).FindCycle());

    [Fact]
    public void A_very_long_chain_is_walked_without_running_out_of_stack()
    {
        var ids = Enumerable.Range(0, 200_000).Select(_ => Guid.NewGuid()).ToArray();
        var graph = new FunnelGraph(ids[0], ids.Select((id, i) => new StepEdges(id, i + 1 < ids.Length ? ids[i + 1] : null, null)));
        Assert.False(graph.HasCycle());
        Assert.Equal(ids.Length, graph.LongestPath());
    }
}
