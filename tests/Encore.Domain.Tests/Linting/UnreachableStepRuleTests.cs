using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class UnreachableStepRuleTests
{
    [Fact]
    public void Steps_reached_by_yes_or_no_are_reachable() =>
        Assert.Empty(Findings(Funnel(
            Step("audio", "Program", Usd(9700), onAccept: "coaching", onDecline: "starter"),
            Step("coaching", "Coaching", Usd(19700)),
            Step("starter", "Starter", Usd(3700))), "unreachable-step"));

    [Fact]
    public void A_step_two_paths_lead_to_is_reachable() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "journal", onDecline: "journal"), Step("journal", "Journal", Usd(1900))), "unreachable-step"));

    [Fact]
    public void A_step_nothing_leads_to_is_unreachable()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700)), Step("lost", "Starter", Usd(3700))), "unreachable-step"));
        Assert.Equal(("lost", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("\"Starter\"", finding.Message);
    }

    [Fact]
    public void A_step_reached_only_from_an_unreachable_step_is_unreachable_too() =>
        Assert.Equal(["lost", "after-lost"], Findings(Funnel(
            Step("audio", "Program", Usd(9700)),
            Step("lost", "Starter", Usd(3700), onAccept: "after-lost"),
            Step("after-lost", "Journal", Usd(1900))), "unreachable-step").Select(f => f.StepId));

    [Fact]
    public void The_entry_step_pointing_away_from_a_step_does_not_make_it_reachable() =>
        Assert.Equal("audio", Assert.Single(Findings(Funnel(Step("starter", "Starter", Usd(3700)), Step("audio", "Program", Usd(9700), onDecline: "starter")), "unreachable-step")).StepId);
}
