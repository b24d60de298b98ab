using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class UnrelatedOfferRuleTests
{
    private static readonly OfferItem SleepProgram = new("Deep Sleep program", ["sleep", "rest"], Usd(4700));

    [Fact]
    public void Audio_program_after_anxiety_course_is_related() =>
        Assert.Empty(Findings(Demo(), "unrelated-offer"));

    [Fact]
    public void Topics_are_compared_ignoring_case_and_surrounding_spaces() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Audio program", Usd(9700), topics: ["  ANXIETY ", "Audio"])), "unrelated-offer"));

    [Fact]
    public void An_offer_related_only_to_the_optional_order_bump_is_unrelated() =>
        Assert.Equal("planner", Assert.Single(Findings(Funnel(Step("planner", "Worksheet planner", Usd(2700), topics: ["Worksheets", "planning"])), "unrelated-offer")).StepId);

    [Fact]
    public void After_a_yes_the_accepted_offer_counts_as_bought() =>
        Assert.Empty(Findings(Funnel(
            Step("audio", "4-week audio program", Usd(9700), onAccept: "kit"),
            Step("kit", "Audio journaling kit", Usd(4700), topics: ["audio", "journaling"])), "unrelated-offer"));

    [Fact]
    public void Business_coaching_after_a_sleep_program_is_unrelated()
    {
        var funnel = Funnel(Step("coaching", "Business coaching package", Usd(49700), topics: ["business", "coaching"])) with { Main = SleepProgram, Bumps = [] };
        var finding = Assert.Single(Findings(funnel, "unrelated-offer"));
        Assert.Equal(("coaching", LintSeverity.Warning), (finding.StepId, finding.Severity));
        Assert.Contains("\"Business coaching package\" (business, coaching) shares no topic", finding.Message);
        Assert.Contains("\"Deep Sleep program\" (rest, sleep)", finding.Message);
    }

    [Fact]
    public void A_downsell_is_compared_with_what_was_bought_before_the_declined_offer()
    {
        var finding = Assert.Single(Findings(Funnel(
            Step("audio", "4-week audio program", Usd(9700), onDecline: "kit"),
            Step("kit", "Audio journaling kit", Usd(3700), topics: ["audio", "journaling"])), "unrelated-offer"));
        Assert.Equal("kit", finding.StepId);
        Assert.DoesNotContain("4-week audio program", finding.Message);
    }

    [Fact]
    public void A_step_unrelated_on_one_path_is_reported_once_with_that_path()
    {
        var findings = Findings(Funnel(
            Step("audio", "4-week audio program", Usd(9700), onAccept: "sleep", onDecline: "kit"),
            Step("kit", "Audio journaling kit", Usd(3700), onAccept: "sleep", topics: ["audio", "journaling"]),
            Step("sleep", "Sleep stories", Usd(1900), topics: ["sleep"])), "unrelated-offer");
        Assert.Equal(["kit", "sleep"], findings.Select(f => f.StepId));
        Assert.Contains("\"Calm Your Anxiety\" and \"4-week audio program\"", findings[1].Message);
    }

    [Fact]
    public void An_offer_without_topics_is_unrelated() =>
        Assert.Contains("has no topics", Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), topics: [" ", ""])), "unrelated-offer")).Message);

    [Fact]
    public void An_unreachable_unrelated_step_is_left_to_the_reachability_rule()
    {
        var funnel = Funnel(Step("audio", "Program", Usd(9700)), Step("lost", "Business coaching", Usd(9700), topics: ["business"]));
        Assert.Empty(Findings(funnel, "unrelated-offer"));
        Assert.Single(Findings(funnel, "unreachable-step"));
    }
}
