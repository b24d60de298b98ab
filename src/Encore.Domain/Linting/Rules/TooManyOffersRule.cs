namespace Encore.Domain.Linting.Rules;

/// <summary>
/// Stacking offers: one well-matched offer serves a buyer better than a chain of pop-ups. The longest path
/// from the entry counts (yes and no edges alike, since each step on it is an offer the buyer is shown):
/// more than <see cref="WarnAbove"/> offers is a warning, more than <see cref="ErrorAbove"/> an error. The
/// finding points at the first step past the limit, where the path could end.
/// </summary>
public sealed class TooManyOffersRule : IOfferRule
{
    public const int WarnAbove = 2;
    public const int ErrorAbove = 4;

    public string Code => "too-many-offers";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Graph is not { } graph || graph.HasCycle()) yield break; // endless paths: the cycle rule speaks
        var path = graph.LongestPathSteps().Select(context.StepAt).ToList();
        if (path.Count <= WarnAbove) yield break;
        var error = path.Count > ErrorAbove;
        var limit = error ? ErrorAbove : WarnAbove;
        var chain = string.Join(", then ", path.Select(Names.Of));
        yield return new LintFinding(Code, error ? LintSeverity.Error : LintSeverity.Warning, path[limit].Id, error
            ? $"A buyer can be shown {path.Count} offers in a row ({chain}). More than {ErrorAbove} is a chain of pop-ups, not an offer: end this path after {Names.Of(path[limit - 1])} at the latest."
            : $"A buyer can be shown {path.Count} offers in a row ({chain}). One well-matched offer, perhaps with a smaller downsell, serves buyers better: consider ending this path after {Names.Of(path[limit - 1])}.");
    }
}
