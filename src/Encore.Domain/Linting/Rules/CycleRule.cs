namespace Encore.Domain.Linting.Rules;

/// <summary>A path that comes back to a step would offer the same thing twice: never a one-time offer.</summary>
public sealed class CycleRule : IOfferRule
{
    public bool NeedsWellFormedGraph => true;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Graph.HasCycle())
            yield return new LintFinding("cycle", LintSeverity.Error, null,
                "A path through the offers comes back to an offer already shown. Each offer is shown once: make every path end at the thank-you page.");
    }
}
