using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class TooManyStepsRuleTests
{
    [Fact]
    public void A_small_funnel_passes() =>
        Assert.Empty(Findings(Demo(), "too-many-steps"));

    [Fact]
    public void A_hundred_steps_are_still_walked()
    {
        Assert.Empty(Findings(Chain(LintContext.MaxSteps), "too-many-steps"));
        Assert.Single(Findings(Chain(LintContext.MaxSteps), "too-many-offers"));
    }

    [Fact]
    public void More_than_a_hundred_steps_is_an_error_and_the_only_finding()
    {
        var finding = Assert.Single(OfferLinter.Lint(Chain(LintContext.MaxSteps + 1)));
        Assert.Equal(("too-many-steps", LintSeverity.Error), (finding.Code, finding.Severity));
    }

    [Fact]
    public void A_hundred_thousand_steps_are_one_finding_not_a_crash() =>
        Assert.Single(Findings(Chain(100_000), "too-many-steps"));
}
