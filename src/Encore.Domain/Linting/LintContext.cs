using Encore.Domain.Funnels;

namespace Encore.Domain.Linting;

/// <summary>
/// A definition made safe to read: null entries dropped, blank edges read as thank-you, steps indexed by id,
/// and the offer graph built when the structure is sound. Rules read only this, so none of them has to
/// guard against what a seller might send.
/// </summary>
public sealed class LintContext
{
    /// <summary>
    /// Above this many steps the graph is not walked. No publishable funnel comes close: with at most
    /// 4 offers on a path, every step reachable and two edges per step, a funnel has at most 15 steps.
    /// </summary>
    public const int MaxSteps = 100;

    private readonly Dictionary<Guid, StepDefinition> _stepsByNode = [];
    private readonly Dictionary<string, Guid> _nodesById = new(StringComparer.Ordinal);

    public LintContext(FunnelDefinition? definition)
    {
        Definition = definition;
        Main = definition?.Main;
        Bumps = definition?.Bumps?.Where(b => b is not null).ToList() ?? [];
        Steps = definition?.Steps?.Where(s => s is not null).ToList() ?? [];
        EntryStepId = EdgeTarget(definition?.EntryStepId);
        var byId = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in Steps.Where(s => !string.IsNullOrWhiteSpace(s.Id))) byId.TryAdd(step.Id, step);
        StepsById = byId;
        Graph = IsSound() ? BuildGraph() : null;
    }

    /// <summary>The definition as sent; null when none was.</summary>
    public FunnelDefinition? Definition { get; }

    public OfferItem? Main { get; }

    /// <summary>The main product's currency: the one every price of the order must be in; null if it has no usable price.</summary>
    public string? MainCurrency => Main is not null && LintPrices.IsUsable(Main.Price) ? Main.Price.Amount.Currency : null;

    public IReadOnlyList<OfferItem> Bumps { get; }

    public IReadOnlyList<StepDefinition> Steps { get; }

    /// <summary>Steps by id; when two steps share an id, the first one listed.</summary>
    public IReadOnlyDictionary<string, StepDefinition> StepsById { get; }

    public string? EntryStepId { get; }

    /// <summary>
    /// The offer graph, or null when it cannot be walked: a step without an id, two steps with one id, an
    /// edge or entry to an unknown step, steps but no entry, or more than <see cref="MaxSteps"/> steps.
    /// The structure rules report those; the graph rules wait until they are fixed.
    /// </summary>
    public FunnelGraph? Graph { get; }

    /// <summary>The step behind a node of <see cref="Graph"/>.</summary>
    public StepDefinition StepAt(Guid node) => _stepsByNode[node];

    /// <summary>The node of <see cref="Graph"/> for a step id.</summary>
    public Guid NodeOf(string stepId) => _nodesById[stepId];

    /// <summary>An edge as the buyer's path reads it: null or blank is the thank-you page.</summary>
    public static string? EdgeTarget(string? stepId) => string.IsNullOrWhiteSpace(stepId) ? null : stepId;

    private bool IsSound()
    {
        if (Steps.Count > MaxSteps || StepsById.Count != Steps.Count) return false; // blank or duplicate ids
        if (!Steps.All(s => Known(s.OnAccept) && Known(s.OnDecline)) || !Known(EntryStepId)) return false;
        return Steps.Count == 0 || EntryStepId is not null;
    }

    private bool Known(string? edge) => EdgeTarget(edge) is not { } id || StepsById.ContainsKey(id);

    private FunnelGraph BuildGraph()
    {
        foreach (var step in Steps)
        {
            var node = Guid.NewGuid();
            _nodesById[step.Id] = node;
            _stepsByNode[node] = step;
        }
        Guid? Node(string? edge) => EdgeTarget(edge) is { } id ? _nodesById[id] : null;
        return new FunnelGraph(Node(EntryStepId), Steps.Select(s => new StepEdges(_nodesById[s.Id], Node(s.OnAccept), Node(s.OnDecline))));
    }
}
