namespace Encore.Domain.Linting.Rules;

/// <summary>Steps but no entry: nothing says which offer follows the payment, so none would ever be shown.</summary>
public sealed class MissingEntryRule : IOfferRule
{
    public string Code => "missing-entry";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Steps.Count > 0 && context.EntryStepId is null)
            yield return new LintFinding(Code, LintSeverity.Error, null,
                $"The funnel has {Offers(context.Steps.Count)} but no first step, so no buyer would see them. Choose the step shown right after the payment.");
    }

    private static string Offers(int count) => count == 1 ? "an offer" : $"{count} offers";
}
