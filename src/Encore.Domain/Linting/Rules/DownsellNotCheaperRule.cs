namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A downsell (the step a decline edge leads to) must cost less than the offer it follows. Prices are compared
/// only in one currency (otherwise currency-mismatch speaks) and by <see cref="Price.FirstYearCost"/>, so a
/// monthly price meets a one-time one on equal terms. A step that follows several declines is checked against each.
/// </summary>
public sealed class DownsellNotCheaperRule : IOfferRule
{
    public string Code => "downsell-not-cheaper";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var offer in context.Steps)
        {
            if (LintContext.EdgeTarget(offer.OnDecline) is not { } id || !context.StepsById.TryGetValue(id, out var downsell)) continue;
            if (LintPrices.FirstYearCost(offer.Price) is not { } offerCost || LintPrices.FirstYearCost(downsell.Price) is not { } downsellCost) continue;
            if (offerCost.Currency != downsellCost.Currency || downsellCost < offerCost) continue;
            var yearly = offer.Price.IsRecurring || downsell.Price.IsRecurring ? " in the first year" : "";
            yield return new LintFinding(Code, LintSeverity.Error, downsell.Id,
                $"{Names.Of(downsell)} is shown after a buyer says no to {Names.Of(offer)}, but it costs {downsellCost.Format()}{yearly} against {offerCost.Format()}. " +
                "A downsell must be a smaller step: lower its price, or offer a lighter version.");
        }
    }
}
