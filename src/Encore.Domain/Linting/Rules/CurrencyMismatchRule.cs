namespace Encore.Domain.Linting.Rules;

/// <summary>Every bump and step is priced in the main product's currency: one order, one currency.</summary>
public sealed class CurrencyMismatchRule : IOfferRule
{
    public bool NeedsWellFormedGraph => false;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        var currency = context.Definition.Main.Price.Amount.Currency;
        foreach (var bump in context.Bumps.Where(b => b.Price.Amount.Currency != currency))
            yield return Finding(null, bump.Name, bump.Price.Amount.Currency, currency);
        foreach (var step in context.Steps.Where(s => s.Price.Amount.Currency != currency))
            yield return Finding(step.Id, step.ProductName, step.Price.Amount.Currency, currency);
    }

    private static LintFinding Finding(string? stepId, string name, string found, string main) =>
        new("currency-mismatch", LintSeverity.Error, stepId,
            $"\"{name}\" is priced in {found}, but the main product is in {main}. Every item of one order is charged in one currency: price it in {main}.");
}
