using System.Text.RegularExpressions;
using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class OfferLinterTests
{
    [Fact]
    public void The_demo_funnel_from_the_seed_text_lints_clean() =>
        Assert.Empty(OfferLinter.Lint(Demo()));

    [Fact]
    public void The_seed_texts_bad_example_a_business_package_after_a_sleep_program_is_an_unrelated_offer()
    {
        var sleep = new FunnelDefinition("USD", new OfferItem("Deep Sleep program", ["sleep", "rest"], Usd(4700)), null,
            [Step("coaching", "Business coaching package", Usd(49700), topics: ["business", "coaching"])], "coaching");
        var finding = Assert.Single(OfferLinter.Lint(sleep));
        Assert.Equal(("unrelated-offer", LintSeverity.Warning, "coaching"), (finding.Code, finding.Severity, finding.StepId));
        Assert.False(OfferLinter.BlocksPublishing([finding]));
    }

    [Fact]
    public void A_funnel_without_offers_lints_clean() =>
        Assert.Empty(OfferLinter.Lint(Demo() with { Steps = null, EntryStepId = null }));

    [Fact]
    public void Errors_block_publishing_and_warnings_do_not()
    {
        Assert.True(OfferLinter.BlocksPublishing([new LintFinding("cycle", LintSeverity.Error, null, "x"), new LintFinding("fake-urgency", LintSeverity.Warning, "a", "x")]));
        Assert.False(OfferLinter.BlocksPublishing([new LintFinding("fake-urgency", LintSeverity.Warning, "a", "x")]));
        Assert.False(OfferLinter.BlocksPublishing([]));
    }

    [Fact]
    public void Errors_come_first_then_the_steps_in_the_order_the_seller_lists_them()
    {
        var findings = OfferLinter.Lint(Funnel(
            Step("a", "Program", Usd(9700), onDecline: "b", headline: "Last chance!"),
            Step("b", "Starter", Usd(9700), headline: "Hurry!"),
            Step("c", "Orphan", Usd(100))));
        Assert.Equal(["downsell-not-cheaper:b", "unreachable-step:c", "fake-urgency:a", "fake-urgency:b"], findings.Select(f => $"{f.Code}:{f.StepId}"));
    }

    [Fact]
    public void Every_finding_explains_itself_in_one_or_two_plain_sentences()
    {
        var messy = Funnel(
            Step("a", "Business coaching", Usd(9700), onAccept: "b", onDecline: "e", topics: ["business"], headline: "Last chance!"),
            Step("b", "Mastermind", Eur(9700), onAccept: "a"),
            Step("c", "Orphan", Usd(100), onAccept: "ghost"),
            Step("c", "Calm club", UsdMonthly(2900), terms: "Join!"),
            Step("e", "Starter", Usd(-1)),
            Step(" ", "No id", Usd(100))) with { Bumps = [null!] };
        var findings = OfferLinter.Lint(messy);
        Assert.True(findings.Select(f => f.Code).Distinct().Count() >= 8, string.Join(", ", findings.Select(f => f.Code)));
        Assert.All(findings, f =>
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", f.Code);
            Assert.True(f.Message.EndsWith('.') || f.Message.EndsWith(".\""), f.Message);
            Assert.InRange(Regex.Count(f.Message, @"[.!?]""?(\s|$)"), 1, 2);
            Assert.DoesNotContain('\n', f.Message);
        });
    }

    [Fact]
    public void Every_rule_has_its_own_code_and_reports_only_under_it()
    {
        Assert.Equal(OfferLinter.Rules.Count, OfferLinter.Rules.Select(r => r.Code).Distinct().Count());
        var codes = OfferLinter.Rules.Select(r => r.Code).ToHashSet();
        Assert.All(OfferDefinitions.Odd.Select(d => (FunnelDefinition?)d.Data).SelectMany(OfferLinter.Lint), f => Assert.Contains(f.Code, codes));
    }

    [Theory]
    [MemberData(nameof(OfferDefinitions.Odd), MemberType = typeof(OfferDefinitions))]
    public void Odd_definitions_get_findings_never_exceptions(FunnelDefinition? definition)
    {
        var findings = OfferLinter.Lint(definition);
        Assert.All(findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Message)));
    }

    [Fact]
    public void No_definition_at_all_is_an_error_not_an_exception() =>
        Assert.True(OfferLinter.BlocksPublishing(OfferLinter.Lint(null)));

    [Fact]
    public void A_funnel_built_to_be_slow_is_linted_without_walking_every_path()
    {
        // Forty steps, each reached by both a yes and a no, each with its own topic: 2^40 paths.
        var diamond = Funnel(Enumerable.Range(0, 40).Select(i =>
            Step($"s{i}", $"Offer {i}", Usd(100), onAccept: i < 39 ? $"s{i + 1}" : null, onDecline: i < 39 ? $"s{i + 1}" : null, topics: [$"t{i}"])).ToArray());
        var huge = Funnel(Enumerable.Range(0, 100_000).Select(i => Step($"s{i}", "Offer", Usd(100), onAccept: $"s{i + 1}")).ToArray());
        var longCopy = Funnel(Step("a", "Program", Usd(100), body: string.Concat(Enumerable.Repeat("class=\"a 1:2 only 3 ", 50_000))));
        // No stopwatch here (speed targets live in bench/): a linter that walked every path or backtracked on the copy
        // would not finish at all, and the findings show each funnel was read whole.
        Assert.NotEmpty(OfferLinter.Lint(diamond));
        Assert.Single(Findings(huge, "too-many-steps"));
        OfferLinter.Lint(longCopy);
    }
}
