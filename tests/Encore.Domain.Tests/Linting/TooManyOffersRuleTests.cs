using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class TooManyOffersRuleTests
{
    [Fact]
    public void An_offer_and_its_downsell_are_not_too_many() =>
        Assert.Empty(Findings(Demo(), "too-many-offers"));

    [Fact]
    public void Two_offers_in_a_row_are_not_too_many() =>
        Assert.Empty(Findings(Chain(2), "too-many-offers"));

    [Fact]
    public void Branches_count_by_path_not_by_steps() =>
        Assert.Empty(Findings(Funnel(
            Step("audio", "Program", Usd(9700), onAccept: "coaching", onDecline: "starter"),
            Step("coaching", "Coaching", Usd(29700)),
            Step("starter", "Starter", Usd(3700))), "too-many-offers"));

    [Fact]
    public void Three_offers_in_a_row_is_a_warning_at_the_third()
    {
        var finding = Assert.Single(Findings(Chain(3), "too-many-offers"));
        Assert.Equal((LintSeverity.Warning, "s3"), (finding.Severity, finding.StepId));
        Assert.Contains("3 offers in a row (\"Offer 1\", then \"Offer 2\", then \"Offer 3\")", finding.Message);
    }

    [Fact]
    public void Four_offers_in_a_row_is_still_only_a_warning() =>
        Assert.Equal(LintSeverity.Warning, Assert.Single(Findings(Chain(4), "too-many-offers")).Severity);

    [Fact]
    public void Five_offers_in_a_row_is_an_error_at_the_fifth()
    {
        var finding = Assert.Single(Findings(Chain(5), "too-many-offers"));
        Assert.Equal((LintSeverity.Error, "s5"), (finding.Severity, finding.StepId));
    }

    [Fact]
    public void The_longest_path_counts_even_through_declines()
    {
        var funnel = Funnel(
            Step("audio", "Program", Usd(9700), onAccept: "coaching", onDecline: "starter"),
            Step("coaching", "Coaching", Usd(29700)),
            Step("starter", "Starter", Usd(3700), onDecline: "mini"),
            Step("mini", "Mini", Usd(1700)));
        Assert.Equal("mini", Assert.Single(Findings(funnel, "too-many-offers")).StepId);
    }
}
