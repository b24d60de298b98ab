using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class StructureRulesTests
{
    [Fact]
    public void An_edge_to_a_step_that_does_not_exist_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700), onDecline: "ghost")), "unknown-step"));
        Assert.Equal("oto", finding.StepId);
        Assert.Equal(LintSeverity.Error, finding.Severity);
    }

    [Fact]
    public void Offers_without_a_first_step_are_an_error() =>
        Assert.Single(Findings(Demo() with { EntryStepId = null }, "unknown-step"));

    [Fact]
    public void Duplicate_step_ids_are_an_error() =>
        Assert.Single(Findings(Demo(Step("oto", "A", Usd(9700)), Step("oto", "B", Usd(3700))), "duplicate-step"));

    [Fact]
    public void Sound_structure_has_no_structure_findings()
    {
        Assert.Empty(Findings(Demo(), "unknown-step"));
        Assert.Empty(Findings(Demo(), "duplicate-step"));
    }

    [Fact]
    public void A_step_nothing_leads_to_is_unreachable()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700)), Step("lost", "Starter", Usd(3700))), "unreachable-step"));
        Assert.Equal("lost", finding.StepId);
    }

    [Fact]
    public void Steps_reached_by_yes_or_no_are_reachable() =>
        Assert.Empty(Findings(Demo(Step("oto", "Program", Usd(9700), onAccept: "up", onDecline: "down"), Step("up", "Coaching", Usd(19700)), Step("down", "Starter", Usd(3700))), "unreachable-step"));

    [Fact]
    public void A_path_back_to_a_shown_offer_is_a_cycle()
    {
        var looping = Demo(Step("oto", "Program", Usd(9700), onDecline: "down"), Step("down", "Starter", Usd(3700), onDecline: "oto"));
        Assert.Equal(LintSeverity.Error, Assert.Single(Findings(looping, "cycle")).Severity);
    }

    [Fact]
    public void Two_paths_meeting_at_one_step_are_not_a_cycle() =>
        Assert.Empty(Findings(Demo(Step("oto", "Program", Usd(9700), onAccept: "end", onDecline: "end"), Step("end", "Journal", Usd(1900))), "cycle"));
}
