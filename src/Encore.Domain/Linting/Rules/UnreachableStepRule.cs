namespace Encore.Domain.Linting.Rules;

/// <summary>A step that no path from the entry reaches is never shown: usually a forgotten yes or no edge.</summary>
public sealed class UnreachableStepRule : IOfferRule
{
    public string Code => "unreachable-step";

    public IEnumerable<LintFinding> Check(LintContext context) =>
        context.Graph is not { } graph ? [] : graph.Unreachable().Select(context.StepAt).Select(step =>
            new LintFinding(Code, LintSeverity.Error, step.Id,
                $"No buyer can reach {Names.Of(step)}: no yes or no edge leads to it from the first offer. Connect it to the path, or remove it."));
}
