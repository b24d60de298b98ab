namespace Encore.Domain.Linting.Rules;

/// <summary>A step no path from the first offer reaches is never shown: probably a forgotten edge.</summary>
public sealed class UnreachableStepRule : IOfferRule
{
    public bool NeedsWellFormedGraph => true;

    public IEnumerable<LintFinding> Check(LintContext context) =>
        context.Graph.Unreachable().Select(node => context.StepsById[context.StepIdOf(node)]).Select(step =>
            new LintFinding("unreachable-step", LintSeverity.Error, step.Id,
                $"No buyer can reach \"{step.ProductName}\": no yes or no leads to it. Connect it, or remove it."));
}
