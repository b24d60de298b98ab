namespace Encore.Domain.Linting.Rules;

/// <summary>
/// An offer should be the obvious next step after what the buyer just bought, not a random pitch: it must
/// share a topic with it. "What the buyer has bought" on a path is the main product plus every offer
/// accepted on the way; order bumps are left out, since not every buyer ticks them. A downsell is
/// therefore compared with what was bought before the offer it follows (a "no" adds nothing). A step is
/// reported once if any path reaches it with nothing in common.
/// </summary>
public sealed class UnrelatedOfferRule : IOfferRule
{
    public bool NeedsWellFormedGraph => true;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.EntryStepId is not { } entry || context.Graph.HasCycle()) yield break;
        var unrelated = new Dictionary<string, IReadOnlySet<string>>();
        Walk(context, entry, LintContext.Normalize(context.Definition.Main.Topics), unrelated, []);
        foreach (var (stepId, bought) in unrelated)
        {
            var step = context.StepsById[stepId];
            var topics = LintContext.Normalize(step.Topics);
            yield return new LintFinding("unrelated-offer", LintSeverity.Warning, stepId, topics.Count == 0
                ? $"\"{step.ProductName}\" has no topics, so nothing shows it follows from what the buyer just bought. Add its topics, and offer the natural next step."
                : $"\"{step.ProductName}\" ({string.Join(", ", topics.Order())}) shares no topic with what the buyer just bought ({string.Join(", ", bought.Order())}). " +
                  "An unrelated offer feels jarring and is declined: offer a deeper version, an upgrade or a companion of what they chose.");
        }
    }

    private static void Walk(
        LintContext context, string stepId, IReadOnlySet<string> bought, Dictionary<string, IReadOnlySet<string>> unrelated, HashSet<string> seen)
    {
        // Paths that reach a step having bought the same topics see the same thing from there on.
        if (!seen.Add(stepId + "|" + string.Join(",", bought.Order()))) return;
        var step = context.StepsById[stepId];
        var topics = LintContext.Normalize(step.Topics);
        if (!topics.Overlaps(bought)) unrelated.TryAdd(stepId, bought);
        if (step.OnAccept is { } yes) Walk(context, yes, bought.Union(topics).ToHashSet(), unrelated, seen);
        if (step.OnDecline is { } no) Walk(context, no, bought, unrelated, seen);
    }
}
