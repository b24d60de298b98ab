namespace Encore.Domain.Linting.Rules;

/// <summary>
/// An edge, or the entry, naming a step that is not in the funnel: the buyer would be sent nowhere. A null
/// or blank edge is not unknown: it is the thank-you page.
/// </summary>
public sealed class UnknownStepRule : IOfferRule
{
    public string Code => "unknown-step";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.EntryStepId is { } entry && !context.StepsById.ContainsKey(entry))
            yield return new LintFinding(Code, LintSeverity.Error, null,
                $"After the payment the buyer is sent to step '{entry}', which is not in this funnel. Choose one of the funnel's steps as the first offer, or none to go straight to the thank-you page.");
        foreach (var step in context.Steps)
        {
            foreach (var (answer, edge) in new[] { ("yes", step.OnAccept), ("no", step.OnDecline) })
            {
                if (LintContext.EdgeTarget(edge) is not { } target || context.StepsById.ContainsKey(target)) continue;
                yield return new LintFinding(Code, LintSeverity.Error, step.Id,
                    $"After a {answer} to {Names.Of(step)} the buyer is sent to step '{target}', which is not in this funnel. Point it at one of the funnel's steps, or leave it empty for the thank-you page.");
            }
        }
    }
}
