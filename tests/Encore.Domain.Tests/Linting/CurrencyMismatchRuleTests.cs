using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class CurrencyMismatchRuleTests
{
    [Fact]
    public void One_currency_throughout_passes() =>
        Assert.Empty(Findings(Demo(), "currency-mismatch"));

    [Fact]
    public void A_funnel_without_its_own_currency_takes_the_main_products() =>
        Assert.Empty(Findings(Demo() with { Currency = " " }, "currency-mismatch"));

    [Fact]
    public void A_funnel_entirely_in_euros_passes() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Eur(9700))) with
        {
            Currency = "EUR", Main = CalmYourAnxiety with { Price = Eur(4700) }, Bumps = [Worksheets with { Price = Eur(1700) }],
        }, "currency-mismatch"));

    [Fact]
    public void A_step_in_another_currency_is_an_error()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Eur(9700))), "currency-mismatch"));
        Assert.Equal(("audio", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("priced in EUR, but the main product is in USD", finding.Message);
    }

    [Fact]
    public void A_bump_in_another_currency_is_an_error()
    {
        var finding = Assert.Single(Findings(Demo() with { Bumps = [Worksheets with { Price = new Price(new Money(1700, "GBP")) }] }, "currency-mismatch"));
        Assert.Null(finding.StepId);
        Assert.Contains("Order bump \"Calm worksheets\" is priced in GBP", finding.Message);
    }

    [Fact]
    public void A_funnel_set_to_another_currency_than_its_main_product_is_an_error() =>
        Assert.Contains("set to EUR", Assert.Single(Findings(Demo() with { Currency = "EUR" }, "currency-mismatch")).Message);
}
