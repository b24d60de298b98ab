namespace Encore.Domain.Linting.Rules;

/// <summary>Faults that make the map unreadable: duplicate step ids, edges to steps that do not exist, no entry.</summary>
public sealed class StructureRule : IOfferRule
{
    public bool NeedsWellFormedGraph => false;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var duplicate in context.Steps.GroupBy(s => s.Id ?? "").Where(g => g.Count() > 1))
            yield return new LintFinding("duplicate-step", LintSeverity.Error, duplicate.Key,
                $"Two steps share the id '{duplicate.Key}'. Give every step its own id.");
        foreach (var step in context.Steps)
        {
            foreach (var (edge, target) in new[] { ("yes", step.OnAccept), ("no", step.OnDecline) })
            {
                if (target is not null && !context.StepsById.ContainsKey(target))
                    yield return new LintFinding("unknown-step", LintSeverity.Error, step.Id,
                        $"After a {edge} on \"{step.ProductName}\" the buyer is sent to a step that does not exist ('{target}'). Point it at a step of this funnel or at the thank-you page.");
            }
        }
        if (context.Steps.Count > 0 && (context.EntryStepId is null || !context.StepsById.ContainsKey(context.EntryStepId)))
            yield return new LintFinding("unknown-step", LintSeverity.Error, context.EntryStepId,
                "The funnel has offers but no first offer to show after the payment. Choose which step comes first.");
    }
}
