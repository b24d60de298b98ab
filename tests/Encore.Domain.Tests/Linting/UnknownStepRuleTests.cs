using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class UnknownStepRuleTests
{
    [Fact]
    public void Edges_to_steps_of_the_funnel_pass() =>
        Assert.Empty(Findings(Demo(), "unknown-step"));

    [Fact]
    public void An_empty_edge_is_the_thank_you_page() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "", onDecline: "  ")), "unknown-step"));

    [Fact]
    public void A_decline_edge_to_a_step_that_does_not_exist_is_an_error()
    {
        var finding = Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onDecline: "ghost")), "unknown-step"));
        Assert.Equal(("audio", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("After a no to \"Program\"", finding.Message);
    }

    [Fact]
    public void An_accept_edge_to_a_step_that_does_not_exist_is_an_error() =>
        Assert.Contains("After a yes", Assert.Single(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "Audio")), "unknown-step")).Message);

    [Fact]
    public void An_entry_that_is_not_a_step_is_an_error()
    {
        Assert.Null(Assert.Single(Findings(Demo() with { EntryStepId = "ghost" }, "unknown-step")).StepId);
        Assert.Single(Findings(Demo() with { Steps = [], EntryStepId = "ghost" }, "unknown-step"));
    }

    [Fact]
    public void Graph_rules_wait_until_the_edges_are_fixed() =>
        Assert.Empty(Findings(Funnel(Step("audio", "Program", Usd(9700), onAccept: "ghost"), Step("lost", "Lost", Usd(100))), "unreachable-step"));
}
