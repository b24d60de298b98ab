using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class MissingProductRuleTests
{
    [Fact]
    public void A_complete_funnel_passes() =>
        Assert.Empty(Findings(Demo(), "missing-product"));

    [Fact]
    public void No_bumps_and_no_offers_are_not_missing_products() =>
        Assert.Empty(Findings(Demo() with { Bumps = null, Steps = null, EntryStepId = null }, "missing-product"));

    [Fact]
    public void No_definition_is_an_error() =>
        Assert.Equal(LintSeverity.Error, Assert.Single(Findings(null, "missing-product")).Severity);

    [Fact]
    public void No_main_product_is_an_error() =>
        Assert.Contains("no main product", Assert.Single(Findings(Demo() with { Main = null! }, "missing-product")).Message);

    [Fact]
    public void Empty_bumps_and_steps_are_errors_named_by_position() =>
        Assert.Equal(["Order bump 2 is empty", "Step 1 is empty"], Findings(Demo() with { Bumps = [Worksheets, null!], Steps = [null!, .. Demo().Steps!] }, "missing-product")
            .Select(f => f.Message.Split('.')[0]));
}
