using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class OfferLinterTests
{
    [Fact]
    public void The_demo_funnel_from_the_seed_text_lints_clean() =>
        Assert.Empty(OfferLinter.Lint(Demo()));

    [Fact]
    public void A_funnel_without_offers_lints_clean() =>
        Assert.Empty(OfferLinter.Lint(Demo() with { Steps = null, EntryStepId = null }));

    [Fact]
    public void Errors_block_publishing_and_warnings_do_not()
    {
        Assert.True(OfferLinter.BlocksPublishing([new LintFinding("cycle", LintSeverity.Error, null, "x")]));
        Assert.False(OfferLinter.BlocksPublishing([new LintFinding("fake-urgency", LintSeverity.Warning, "a", "x")]));
    }

    [Fact]
    public void Every_finding_explains_itself_in_plain_words()
    {
        var messy = Demo(
            Step("a", "Business coaching", Usd(9700), onAccept: "b", topics: ["business"], headline: "Last chance!"),
            Step("b", "Mastermind", new Price(new Money(9700, "EUR")), onAccept: "a"),
            Step("c", "Orphan", Usd(100)));
        var findings = OfferLinter.Lint(messy);
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.True(f.Message.Length > 40 && f.Message.EndsWith('.'), f.Message));
        Assert.Equal(LintSeverity.Error, findings[0].Severity); // errors first
    }

    public static TheoryData<FunnelDefinition> OddDefinitions => new()
    {
        Demo() with { Bumps = null, Steps = [], EntryStepId = "nowhere" },
        Demo() with { Steps = [null!], EntryStepId = null },
        Demo(new StepDefinition("", "", null, Usd(0), null, null, null, "", "")),
        Demo(new StepDefinition("x", "", [" ", ""], UsdMonthly(1), null, null, null, "x", null)),
        Demo() with { Main = new OfferItem("", null, Usd(1)), Bumps = [null!] },
    };

    [Theory]
    [MemberData(nameof(OddDefinitions))]
    public void Odd_definitions_get_findings_never_exceptions(FunnelDefinition definition)
    {
        var findings = OfferLinter.Lint(definition);
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Code)));
    }
}
