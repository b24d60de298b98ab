namespace Encore.Domain.Linting.Rules;

/// <summary>
/// An offer should be the obvious next step after what the buyer has just bought, not a random pitch: it must
/// share at least one topic with it (topics trimmed, case ignored).
/// <para>
/// Path semantics. A path is a walk from the entry step along yes and no edges. What the buyer has bought
/// when a step is shown on a path is the main product plus each step accepted earlier on that path. Order bumps
/// are left out: they are optional, and an offer related only to a bump is unrelated for every buyer who did not
/// tick it. A no adds nothing, so a downsell is compared with what was
/// bought before the offer it follows. A step is reported once if at least one path reaches it with no topic
/// in common; the message names what was bought on the shortest such path. A step without topics is always
/// reported. Unreachable steps are left to unreachable-step; the rule waits until the structure is sound.
/// </para>
/// </summary>
public sealed class UnrelatedOfferRule : IOfferRule
{
    public string Code => "unrelated-offer";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Graph is not { EntryStepId: { } entry } || context.Main is not { } main) yield break;
        var checkout = new[] { main }.ToList(); // bumps are optional: not every buyer has them
        var atCheckout = Topics.Of(checkout.SelectMany(i => i.Topics ?? []));
        foreach (var step in context.Steps)
        {
            var topics = Topics.Of(step.Topics);
            if (topics.Overlaps(atCheckout)) continue; // bought on every path, and what is bought only grows
            if (PathWithNothingInCommon(context, context.NodeOf(step.Id), entry, topics) is not { } accepted) continue;
            var bought = checkout.Select(i => (Name: Names.Of(i, "the main product"), i.Topics))
                .Concat(accepted.Select(s => (Name: Names.Of(s), s.Topics))).ToList();
            var boughtText = $"{Names.List(bought.Select(b => b.Name).ToList())} ({Topics.Describe(Topics.Of(bought.SelectMany(b => b.Topics ?? [])))})";
            yield return new LintFinding(Code, LintSeverity.Warning, step.Id, topics.Count == 0
                ? $"{Names.Of(step)} has no topics, so nothing shows it follows from what the buyer has just bought, {boughtText}. Add its topics, and make it the natural next step to that purchase."
                : $"{Names.Of(step)} ({Topics.Describe(topics)}) shares no topic with what the buyer has bought when it is shown: {boughtText}. " +
                  "An unrelated offer feels jarring and is declined: offer a deeper version, an upgrade or a companion of what they chose.");
        }
    }

    /// <summary>
    /// The steps accepted on the shortest path from the entry to <paramref name="target"/> on which nothing
    /// accepted shares a topic with it, or null when every path to it passes through a related yes. Whether a
    /// yes is allowed depends only on the step it leaves, so a plain breadth-first search answers.
    /// </summary>
    private static List<StepDefinition>? PathWithNothingInCommon(LintContext context, Guid target, Guid entry, HashSet<string> topics)
    {
        var cameFrom = new Dictionary<Guid, (Guid From, bool Accepted)?> { [entry] = null };
        var queue = new Queue<Guid>([entry]);
        while (queue.Count > 0 && !cameFrom.ContainsKey(target))
        {
            var node = queue.Dequeue();
            var step = context.StepAt(node);
            foreach (var accepted in new[] { true, false })
            {
                if (context.Graph!.Next(node, accepted) is not { } next || cameFrom.ContainsKey(next)) continue;
                if (accepted && Topics.Of(step.Topics).Overlaps(topics)) continue; // a yes here buys something related
                cameFrom[next] = (node, accepted);
                queue.Enqueue(next);
            }
        }
        if (!cameFrom.ContainsKey(target)) return null;
        var bought = new List<StepDefinition>();
        for (var at = cameFrom[target]; at is { } edge; at = cameFrom[edge.From])
            if (edge.Accepted) bought.Insert(0, context.StepAt(edge.From));
        return bought;
    }
}
