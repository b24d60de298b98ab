namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A path that comes back to a step would show an offer again, so it is no longer a one-time offer, and a
/// buyer could go round forever. One finding, about the step a path comes back to.
/// </summary>
public sealed class CycleRule : IOfferRule
{
    public string Code => "cycle";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Graph?.FindCycle() is not { } node) yield break;
        var step = context.StepAt(node);
        yield return new LintFinding(Code, LintSeverity.Error, step.Id,
            $"A path through the offers comes back to {Names.Of(step)}, which the buyer has already been shown. Each offer is shown once: make every yes and no lead onwards, ending at the thank-you page.");
    }
}
