using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class DownsellNotCheaperRuleTests
{
    private const string MonthlyTerms = "$9.00 every month, first charged today; cancel any time from your account page.";

    [Fact]
    public void A_cheaper_downsell_passes() =>
        Assert.Empty(Findings(Demo(), "downsell-not-cheaper"));

    [Fact]
    public void An_upsell_after_a_yes_may_cost_more() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "coaching"), Step("coaching", "Coaching", Usd(29700))), "downsell-not-cheaper"));

    [Fact]
    public void A_monthly_downsell_cheaper_over_the_first_year_passes() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(19700), onDecline: "club"), Step("club", "Club", UsdMonthly(900), terms: MonthlyTerms)), "downsell-not-cheaper"));

    [Fact]
    public void Prices_in_different_currencies_are_left_to_the_currency_rule()
    {
        var funnel = Funnel(Step("audio", "Program", Usd(9700), onDecline: "starter"), Step("starter", "Starter", Eur(9900)));
        Assert.Empty(Findings(funnel, "downsell-not-cheaper"));
        Assert.Single(Findings(funnel, "currency-mismatch"));
    }

    [Fact]
    public void Downsell_priced_like_the_offer_is_an_error()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onDecline: "starter"), Step("starter", "Starter", Usd(9700))), "downsell-not-cheaper"));
        Assert.Equal(("starter", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("costs $97.00 against $97.00", finding.Message);
    }

    [Fact]
    public void A_downsell_dearer_than_the_offer_is_an_error() =>
        Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onDecline: "starter"), Step("starter", "Starter", Usd(12700))), "downsell-not-cheaper"));

    [Fact]
    public void A_monthly_downsell_counts_by_its_first_year_cost()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onDecline: "club"), Step("club", "Club", UsdMonthly(900), terms: MonthlyTerms)), "downsell-not-cheaper"));
        Assert.Contains("costs $108.00 in the first year against $97.00", finding.Message);
    }

    [Fact]
    public void A_step_after_two_declines_is_checked_against_each_offer()
    {
        var findings = Findings(Funnel(
            Step("coaching", "Coaching", Usd(29700), onAccept: "audio", onDecline: "starter"),
            Step("audio", "Program", Usd(9700), onDecline: "starter"),
            Step("starter", "Starter", Usd(19700))), "downsell-not-cheaper");
        Assert.Contains("after a buyer says no to \"Program\"", Assert.Single(findings).Message);
    }
}
