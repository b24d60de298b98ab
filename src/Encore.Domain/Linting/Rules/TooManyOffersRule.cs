namespace Encore.Domain.Linting.Rules;

/// <summary>
/// Stacking offers: one well-matched offer serves a buyer better than a chain. More than 2 offers on one
/// path is a warning, more than 4 an error (the longest path a buyer can walk counts).
/// </summary>
public sealed class TooManyOffersRule : IOfferRule
{
    public const int WarnAbove = 2;
    public const int ErrorAbove = 4;

    public bool NeedsWellFormedGraph => true;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Graph.HasCycle()) yield break; // the cycle rule speaks for that
        var longest = context.Graph.LongestPath();
        if (longest > ErrorAbove)
            yield return new LintFinding("too-many-offers", LintSeverity.Error, null,
                $"A buyer can be shown {longest} offers in a row. More than {ErrorAbove} is a chain of pop-ups, not an offer: keep the best one or two.");
        else if (longest > WarnAbove)
            yield return new LintFinding("too-many-offers", LintSeverity.Warning, null,
                $"A buyer can be shown {longest} offers in a row. One well-matched offer (and perhaps a smaller downsell) usually serves buyers better.");
    }
}
