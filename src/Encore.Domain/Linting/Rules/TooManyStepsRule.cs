namespace Encore.Domain.Linting.Rules;

/// <summary>
/// More steps than <see cref="LintContext.MaxSteps"/>: far past anything publishable. The linter then reports
/// only this, which keeps linting fast whatever a seller sends.
/// </summary>
public sealed class TooManyStepsRule : IOfferRule
{
    public string Code => "too-many-steps";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Steps.Count > LintContext.MaxSteps)
            yield return new LintFinding(Code, LintSeverity.Error, null,
                $"The funnel has {context.Steps.Count} steps; Encore checks at most {LintContext.MaxSteps}, and a buyer should meet only a few. Keep the offers a buyer can reach and remove the rest.");
    }
}
