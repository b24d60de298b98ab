using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class InvalidPriceRuleTests
{
    [Fact]
    public void Ordinary_prices_pass() =>
        Assert.Empty(Findings(Demo(), "invalid-price"));

    [Fact]
    public void A_free_bump_and_a_long_trial_pass() =>
        Assert.Empty(Findings(Funnel(Step("club", "Club", UsdEvery(900, BillingInterval.Week, count: 52, trialDays: 730))) with { Bumps = [Worksheets with { Price = Usd(0) }] }, "invalid-price"));

    [Fact]
    public void A_price_without_a_currency_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo() with { Main = CalmYourAnxiety with { Price = new Price(default) } }, "invalid-price"));
        Assert.Equal((LintSeverity.Error, (string?)null), (finding.Severity, finding.StepId));
        Assert.StartsWith("The main product \"Calm Your Anxiety\" has a price in no currency Encore supports", finding.Message);
    }

    [Fact]
    public void A_step_without_a_price_is_an_error() =>
        Assert.Equal("audio", Assert.Single(Findings(Funnel(Step("audio", "Program", null!)), "invalid-price")).StepId);

    [Fact]
    public void A_negative_price_is_an_error() =>
        Assert.Contains("negative", Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(-100))), "invalid-price")).Message);

    [Theory]
    [InlineData(BillingInterval.Month, 0, 0)]
    [InlineData(BillingInterval.Month, 53, 0)]
    [InlineData(BillingInterval.Month, 1, -1)]
    [InlineData((BillingInterval)42, 1, 0)]
    public void A_recurrence_outside_its_bounds_is_an_error(BillingInterval interval, int count, int trialDays) =>
        Assert.Single(Findings(Funnel(Step("club", "Club", UsdEvery(900, interval, count, trialDays))), "invalid-price"));
}
