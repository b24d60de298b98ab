using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class CycleRuleTests
{
    [Fact]
    public void The_demo_funnel_has_no_cycle() =>
        Assert.Empty(Findings(Demo(), "cycle"));

    [Fact]
    public void Two_paths_meeting_at_one_step_are_not_a_cycle() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "journal", onDecline: "journal"), Step("journal", "Journal", Usd(1900))), "cycle"));

    [Fact]
    public void A_long_chain_is_not_a_cycle() =>
        Assert.Empty(Findings(Chain(8), "cycle"));

    [Fact]
    public void A_downsell_that_declines_back_to_the_offer_is_a_cycle()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onDecline: "starter"), Step("starter", "Starter", Usd(3700), onDecline: "audio")), "cycle"));
        Assert.Equal(("audio", LintSeverity.Error), (finding.StepId, finding.Severity));
    }

    [Fact]
    public void A_step_that_leads_to_itself_is_a_cycle() =>
        Assert.Equal("audio", Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "audio")), "cycle")).StepId);

    [Fact]
    public void A_loop_further_down_the_path_is_a_cycle() =>
        Assert.Contains(Assert.Single(Findings(Funnel(
            Step("audio", "Program", Usd(9700), onAccept: "coaching"),
            Step("coaching", "Coaching", Usd(19700), onDecline: "group"),
            Step("group", "Group", Usd(9700), onAccept: "coaching")), "cycle")).StepId, new[] { "coaching", "group" });

    [Fact]
    public void A_cycle_leaves_path_length_rules_silent() =>
        Assert.Empty(Findings(Funnel(Step("a", "A", Usd(9700), onAccept: "b"), Step("b", "B", Usd(9700), onAccept: "c"), Step("c", "C", Usd(9700), onAccept: "a")), "too-many-offers"));
}
