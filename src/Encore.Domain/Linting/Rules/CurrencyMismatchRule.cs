namespace Encore.Domain.Linting.Rules;

/// <summary>
/// One order, one currency: every bump and step is priced in the main product's currency, and the funnel's
/// own currency (when set) is that one too. Amounts are never converted.
/// </summary>
public sealed class CurrencyMismatchRule : IOfferRule
{
    public string Code => "currency-mismatch";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.MainCurrency is not { } main) yield break; // no usable main price: invalid-price or missing-product speaks
        var funnel = context.Definition?.Currency?.Trim();
        if (!string.IsNullOrEmpty(funnel) && !string.Equals(funnel, main, StringComparison.Ordinal))
            yield return new LintFinding(Code, LintSeverity.Error, null,
                $"The funnel is set to {funnel}, but the main product is priced in {main}. Set the funnel's currency to {main}, or price the main product in {funnel}.");
        foreach (var bump in context.Bumps.Where(b => Differs(b.Price, main)))
            yield return Finding(null, "Order bump " + Names.Of(bump, "without a name"), bump.Price.Amount.Currency, main);
        foreach (var step in context.Steps.Where(s => Differs(s.Price, main)))
            yield return Finding(step.Id, Names.Of(step), step.Price.Amount.Currency, main);
    }

    private static bool Differs(Price? price, string main) =>
        LintPrices.IsUsable(price) && !string.Equals(price!.Amount.Currency, main, StringComparison.Ordinal);

    private LintFinding Finding(string? stepId, string name, string found, string main) =>
        new(Code, LintSeverity.Error, stepId,
            $"{name} is priced in {found}, but the main product is in {main}. Every item of one order is charged in one currency: price it in {main}.");
}
