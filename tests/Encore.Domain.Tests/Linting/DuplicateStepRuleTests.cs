using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class DuplicateStepRuleTests
{
    [Fact]
    public void Distinct_ids_pass() =>
        Assert.Empty(Findings(Demo(), "duplicate-step"));

    [Fact]
    public void Guid_ids_pass()
    {
        string first = Guid.NewGuid().ToString(), second = Guid.NewGuid().ToString();
        Assert.Empty(Findings(Funnel(Step(first, "Program", Usd(9700), onDecline: second), Step(second, "Starter", Usd(3700))), "duplicate-step"));
    }

    [Fact]
    public void Two_steps_with_one_id_are_an_error()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700)), Step("audio", "Starter", Usd(3700))), "duplicate-step"));
        Assert.Equal(("audio", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("\"Program\" and \"Starter\"", finding.Message);
    }

    [Fact]
    public void Three_steps_with_one_id_are_one_finding() =>
        Assert.Contains("3 steps share the id 'x'", Assert.Single(Findings(Funnel(Step("x", "A", Usd(1)), Step("x", "B", Usd(1)), Step("x", "C", Usd(1))), "duplicate-step")).Message);
}
