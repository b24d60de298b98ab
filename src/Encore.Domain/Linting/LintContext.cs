using Encore.Domain.Funnels;

namespace Encore.Domain.Linting;

/// <summary>A definition with its steps indexed, shared by the rules so that each reads only what it checks.</summary>
public sealed class LintContext
{
    public LintContext(FunnelDefinition definition)
    {
        Definition = definition;
        Steps = definition.Steps?.Where(s => s is not null).ToList() ?? [];
        Bumps = definition.Bumps?.Where(b => b is not null).ToList() ?? [];
        StepsById = Steps.GroupBy(s => s.Id ?? "").ToDictionary(g => g.Key, g => g.First());
        var edgesKnown = Steps.All(s => Known(s.OnAccept) && Known(s.OnDecline));
        IsWellFormed = StepsById.Count == Steps.Count && edgesKnown &&
                       (Steps.Count == 0 ? definition.EntryStepId is null : definition.EntryStepId is { } entry && StepsById.ContainsKey(entry));
    }

    public FunnelDefinition Definition { get; }

    /// <summary>The steps as the offer graph the buyer's path runs on; only when <see cref="IsWellFormed"/>.</summary>
    public FunnelGraph Graph => _graph ??= BuildGraph();

    /// <summary>The seller's step id behind a graph node.</summary>
    public string StepIdOf(Guid node) => _ids![node];

    public IReadOnlyList<StepDefinition> Steps { get; }

    public IReadOnlyList<OfferItem> Bumps { get; }

    public IReadOnlyDictionary<string, StepDefinition> StepsById { get; }

    /// <summary>Ids unique, every edge to a known step, an entry when there are steps: graph rules may run.</summary>
    public bool IsWellFormed { get; }

    public string? EntryStepId => Definition.EntryStepId;

    /// <summary>Each step with the step it was reached from by a decline edge: the downsell pairs.</summary>
    public IEnumerable<(StepDefinition Offer, StepDefinition Downsell)> DeclinePairs() =>
        Steps.Where(s => s.OnDecline is { } d && StepsById.ContainsKey(d)).Select(s => (s, StepsById[s.OnDecline!]));

    /// <summary>Topics as compared: trimmed, lower case, blanks dropped.</summary>
    public static IReadOnlySet<string> Normalize(IReadOnlyList<string>? topics) =>
        (topics ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim().ToLowerInvariant()).ToHashSet();

    private FunnelGraph? _graph;
    private Dictionary<Guid, string>? _ids;

    private FunnelGraph BuildGraph()
    {
        if (!IsWellFormed) throw new InvalidOperationException("The graph of a malformed definition cannot be built.");
        var nodes = StepsById.Keys.ToDictionary(id => id, _ => Guid.NewGuid());
        _ids = nodes.ToDictionary(n => n.Value, n => n.Key);
        Guid? Node(string? id) => id is null ? null : nodes[id];
        return new FunnelGraph(Node(EntryStepId), Steps.Select(s => new StepEdges(nodes[s.Id], Node(s.OnAccept), Node(s.OnDecline))));
    }

    private bool Known(string? stepId) => stepId is null || StepsById.ContainsKey(stepId);
}
