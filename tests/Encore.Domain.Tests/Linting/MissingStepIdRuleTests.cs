using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class MissingStepIdRuleTests
{
    [Fact]
    public void Steps_with_ids_pass() =>
        Assert.Empty(Findings(Demo(), "missing-step-id"));

    [Fact]
    public void A_funnel_without_steps_passes() =>
        Assert.Empty(Findings(Demo() with { Steps = null, EntryStepId = null }, "missing-step-id"));

    [Fact]
    public void A_step_with_an_empty_id_is_an_error()
    {
        var funnel = Funnel(Step("audio", "Program", Usd(9700)), Step("", "Starter", Usd(3700)));
        var finding = Assert.Single(Findings(funnel with { Steps = [null!, .. funnel.Steps!] }, "missing-step-id"));
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Contains("Step 3 (\"Starter\") has no id", finding.Message);
    }

    [Fact]
    public void A_step_with_a_blank_or_null_id_is_an_error() =>
        Assert.Equal(2, Findings(Funnel(Step("audio", "Program", Usd(9700)), Step("  ", "Starter", Usd(3700)), Step(null!, "Journal", Usd(1900))), "missing-step-id").Count);
}
