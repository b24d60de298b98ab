using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class PricingRulesTests
{
    [Fact]
    public void Downsell_priced_like_the_offer_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700), onDecline: "down"), Step("down", "Starter", Usd(9700))), "downsell-not-cheaper"));
        Assert.Equal(("down", LintSeverity.Error), (finding.StepId, finding.Severity));
    }

    [Fact]
    public void A_monthly_downsell_counts_by_its_first_year_cost()
    {
        var terms = "$9.00 every month, charged today, until you cancel at any time.";
        var monthly = Step("down", "Starter club", UsdMonthly(900), terms: terms);
        Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700), onDecline: "down"), monthly), "downsell-not-cheaper")); // $108 a year > $97
        Assert.Empty(Findings(Demo(Step("oto", "Program", Usd(19700), onDecline: "down"), monthly), "downsell-not-cheaper"));
    }

    [Fact]
    public void A_cheaper_downsell_passes() =>
        Assert.Empty(Findings(Demo(), "downsell-not-cheaper"));

    [Fact]
    public void An_upsell_after_a_yes_may_cost_more() =>
        Assert.Empty(Findings(Demo(Step("oto", "Program", Usd(9700), onAccept: "up"), Step("up", "Coaching", Usd(29700))), "downsell-not-cheaper"));

    [Fact]
    public void A_step_in_another_currency_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Program", new Price(new Money(9700, "EUR")))), "currency-mismatch"));
        Assert.Contains("EUR", finding.Message);
        Assert.Single(Findings(Demo() with { Bumps = [new OfferItem("Worksheets", ["calm"], new Price(new Money(1700, "GBP")))] }, "currency-mismatch"));
    }

    [Fact]
    public void One_currency_throughout_passes() =>
        Assert.Empty(Findings(Demo(), "currency-mismatch"));

    [Fact]
    public void Recurring_price_without_stated_terms_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Calm club", UsdMonthly(2900), terms: "Join the club!")), "recurring-terms-missing"));
        Assert.Contains("the amount ($29.00)", finding.Message);
        Assert.Contains("how often", finding.Message);
        Assert.Contains("when the first charge happens", finding.Message);
        Assert.Contains("how to cancel", finding.Message);
    }

    [Fact]
    public void Terms_missing_only_how_to_cancel_say_just_that()
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Calm club", UsdMonthly(2900), terms: "$29.00 monthly, first charge today.")), "recurring-terms-missing"));
        Assert.DoesNotContain("the amount", finding.Message);
        Assert.Contains("how to cancel", finding.Message);
    }

    [Theory]
    [InlineData("$29.00 every month, charged today. Cancel any time from your account.")]
    [InlineData("You pay $29.00 monthly after the free trial of 14 days; cancel by e-mail before then and pay nothing.")]
    public void Recurring_price_with_full_terms_passes(string terms) =>
        Assert.Empty(Findings(Demo(Step("oto", "Calm club", UsdMonthly(2900, trialDays: 14), terms: terms)), "recurring-terms-missing"));

    [Fact]
    public void One_time_prices_need_no_terms() =>
        Assert.Empty(Findings(Demo(), "recurring-terms-missing"));
}
