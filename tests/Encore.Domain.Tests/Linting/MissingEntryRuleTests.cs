using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class MissingEntryRuleTests
{
    [Fact]
    public void A_funnel_with_a_first_step_passes() =>
        Assert.Empty(Findings(Demo(), "missing-entry"));

    [Fact]
    public void A_funnel_without_offers_needs_no_first_step() =>
        Assert.Empty(Findings(Demo() with { Steps = [], EntryStepId = null }, "missing-entry"));

    [Fact]
    public void Offers_without_a_first_step_are_an_error()
    {
        var finding = Assert.Single(Findings(Demo() with { EntryStepId = null }, "missing-entry"));
        Assert.Equal((LintSeverity.Error, (string?)null), (finding.Severity, finding.StepId));
        Assert.Contains("2 offers but no first step", finding.Message);
    }

    [Fact]
    public void A_blank_first_step_is_no_first_step() =>
        Assert.Single(Findings(Demo() with { EntryStepId = "  " }, "missing-entry"));
}
