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
    public bool HasCycle()
    {
        var state = new Dictionary<Guid, int>(); // 1 = on the current path, 2 = done
        bool Visit(Guid id)
        {
            if (state.TryGetValue(id, out var s)) return s == 1;
            state[id] = 1;
            var step = _steps[id];
            if (step.OnAccept is { } a && Visit(a)) return true;
            if (step.OnDecline is { } d && Visit(d)) return true;
            state[id] = 2;
            return false;
        }
        return _steps.Keys.Any(Visit);
    }

    /// <summary>The largest number of offers a buyer can be shown on one path from the entry.</summary>
    public int LongestPath()
    {
        if (EntryStepId is not { } entry || HasCycle()) return EntryStepId is null ? 0 : int.MaxValue;
        var memo = new Dictionary<Guid, int>();
        int Depth(Guid id)
        {
            if (memo.TryGetValue(id, out var d)) return d;
            var step = _steps[id];
            var next = Math.Max(step.OnAccept is { } a ? Depth(a) : 0, step.OnDecline is { } n ? Depth(n) : 0);
            return memo[id] = 1 + next;
        }
        return Depth(entry);
    }
}
