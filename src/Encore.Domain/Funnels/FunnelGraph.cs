namespace Encore.Domain.Funnels;

/// <summary>One post-purchase step as the graph sees it: where a yes and a no lead (null: thank-you).</summary>
public sealed record StepEdges(Guid StepId, Guid? OnAccept, Guid? OnDecline);

/// <summary>
/// The post-purchase part of an offer architecture: a directed graph of offer steps, entered at
/// <see cref="EntryStepId"/>. A step reached through a decline edge is a downsell.
/// </summary>
public sealed class FunnelGraph
{
    private readonly Dictionary<Guid, StepEdges> _steps;

    public FunnelGraph(Guid? entryStepId, IEnumerable<StepEdges> steps)
    {
        _steps = steps.ToDictionary(s => s.StepId);
        if (entryStepId is { } entry && !_steps.ContainsKey(entry))
            throw new ArgumentException("The entry step is not one of the funnel's steps.", nameof(entryStepId));
        foreach (var step in _steps.Values)
        {
            foreach (var target in new[] { step.OnAccept, step.OnDecline })
            {
                if (target is { } id && !_steps.ContainsKey(id))
                    throw new ArgumentException($"Step {step.StepId} points to {id}, which is not in the funnel.", nameof(steps));
            }
        }
        EntryStepId = entryStepId;
    }

    public Guid? EntryStepId { get; }

    public IReadOnlyCollection<StepEdges> Steps => _steps.Values;

    /// <summary>The step that follows a decision; null means the path is over (thank-you).</summary>
    public Guid? Next(Guid stepId, bool accepted)
    {
        if (!_steps.TryGetValue(stepId, out var step))
            throw new ArgumentException($"Step {stepId} is not in the funnel.", nameof(stepId));
        return accepted ? step.OnAccept : step.OnDecline;
    }

    /// <summary>Steps that are the target of some decline edge: the downsells.</summary>
    public IReadOnlySet<Guid> Downsells() =>
        _steps.Values.Where(s => s.OnDecline is not null).Select(s => s.OnDecline!.Value).ToHashSet();

    /// <summary>Steps no path from the entry reaches.</summary>
    public IReadOnlyList<Guid> Unreachable()
    {
        var seen = new HashSet<Guid>();
        var stack = new Stack<Guid>();
        if (EntryStepId is { } entry) stack.Push(entry);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id)) continue;
            var step = _steps[id];
            if (step.OnAccept is { } a) stack.Push(a);
            if (step.OnDecline is { } d) stack.Push(d);
        }
        return _steps.Keys.Where(id => !seen.Contains(id)).ToList();
    }

    /// <summary>True when some path can come back to a step it already visited.</summary>
    public bool HasCycle() => FindCycle() is not null;

    /// <summary>
    /// A step that some path comes back to (the first one found, walking the steps in order), or null when
    /// every path ends at thank-you. Iterative, so a long chain of steps cannot overflow the stack.
    /// </summary>
    public Guid? FindCycle()
    {
        var done = new Dictionary<Guid, bool>(); // false: on the current path; true: every path from it ends
        var stack = new Stack<(Guid Id, int Edge)>();
        foreach (var start in _steps.Keys.Where(id => !done.ContainsKey(id)))
        {
            done[start] = false;
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (id, edge) = stack.Pop();
                if (edge == 2) { done[id] = true; continue; }
                stack.Push((id, edge + 1));
                if ((edge == 0 ? _steps[id].OnAccept : _steps[id].OnDecline) is not { } next) continue;
                if (!done.TryGetValue(next, out var finished)) { done[next] = false; stack.Push((next, 0)); }
                else if (!finished) return next;
            }
        }
        return null;
    }

    /// <summary>The largest number of offers a buyer can be shown on one path from the entry.</summary>
    public int LongestPath() =>
        EntryStepId is null ? 0 : HasCycle() ? int.MaxValue : LongestPathSteps().Count;

    /// <summary>
    /// The steps of a longest path from the entry, in the order a buyer meets them (empty without an entry);
    /// on a tie the accept edge wins. A graph with a cycle has endless paths: check <see cref="FindCycle"/> first.
    /// </summary>
    public IReadOnlyList<Guid> LongestPathSteps()
    {
        if (EntryStepId is not { } entry) return [];
        if (HasCycle()) throw new InvalidOperationException("A funnel with a cycle has no longest path.");
        var best = new Dictionary<Guid, (int Length, Guid? Next)>();
        var stack = new Stack<(Guid Id, bool ChildrenDone)>();
        stack.Push((entry, false));
        while (stack.Count > 0)
        {
            var (id, childrenDone) = stack.Pop();
            if (best.ContainsKey(id)) continue;
            var step = _steps[id];
            if (!childrenDone)
            {
                stack.Push((id, true));
                foreach (var child in new[] { step.OnDecline, step.OnAccept })
                    if (child is { } c && !best.ContainsKey(c)) stack.Push((c, false));
                continue;
            }
            var accept = step.OnAccept is { } a ? best[a].Length : 0;
            var decline = step.OnDecline is { } d ? best[d].Length : 0;
            best[id] = accept >= decline ? (1 + accept, step.OnAccept) : (1 + decline, step.OnDecline);
        }
        var path = new List<Guid>();
        for (Guid? at = entry; at is { } node; at = best[node].Next) path.Add(node);
        return path;
    }
}
