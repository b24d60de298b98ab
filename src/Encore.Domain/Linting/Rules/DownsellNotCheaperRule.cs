namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A downsell (the step after a "no") must cost less than the offer it follows, compared in one currency;
/// a recurring price counts by what it costs in the first year.
/// </summary>
public sealed class DownsellNotCheaperRule : IOfferRule
{
    public bool NeedsWellFormedGraph => false;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var (offer, downsell) in context.DeclinePairs())
        {
            if (offer.Price.Amount.Currency != downsell.Price.Amount.Currency) continue; // the currency rule speaks for that
            var offerCost = offer.Price.FirstYearCost();
            var downsellCost = downsell.Price.FirstYearCost();
            if (downsellCost < offerCost) continue;
            yield return new LintFinding("downsell-not-cheaper", LintSeverity.Error, downsell.Id,
                $"\"{downsell.ProductName}\" is shown after a buyer said no to \"{offer.ProductName}\", but it costs {downsellCost.Format()} " +
                $"in the first year against {offerCost.Format()}. A downsell must be a smaller step: lower its price or offer a lighter version.");
        }
    }
}
