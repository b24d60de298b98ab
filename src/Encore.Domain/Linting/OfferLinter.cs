using Encore.Domain.Linting.Rules;

namespace Encore.Domain.Linting;

/// <summary>
/// Checks a funnel against the known mistakes of offer architecture before it is published: unrelated
/// offers, too many offers, a downsell that is not cheaper, recurring terms not stated, fake urgency,
/// unreachable steps, cycles and mixed currencies, and the structural faults that stop a funnel from being
/// read at all. Errors block publishing; warnings explain themselves. Never throws on what a seller sends.
/// </summary>
public static class OfferLinter
{
    /// <summary>Every rule, one code each: what a client may show as the list of checks.</summary>
    public static IReadOnlyList<IOfferRule> Rules { get; } =
    [
        new MissingProductRule(),
        new InvalidPriceRule(),
        new MissingStepIdRule(),
        new DuplicateStepRule(),
        new UnknownStepRule(),
        new MissingEntryRule(),
        new TooManyStepsRule(),
        new CurrencyMismatchRule(),
        new UnreachableStepRule(),
        new CycleRule(),
        new TooManyOffersRule(),
        new DownsellNotCheaperRule(),
        new RecurringTermsMissingRule(),
        new FakeUrgencyRule(),
        new UnrelatedOfferRule(),
    ];

    /// <summary>
    /// The findings for <paramref name="definition"/>: errors first, then funnel-wide findings before those about
    /// a step, steps in the order the seller lists them, and rules in the order of <see cref="Rules"/>. Past
    /// <see cref="LintContext.MaxSteps"/> steps only that is reported, which keeps linting fast whatever is sent.
    /// </summary>
    public static IReadOnlyList<LintFinding> Lint(FunnelDefinition? definition)
    {
        var context = new LintContext(definition);
        if (context.Steps.Count > LintContext.MaxSteps) // fix that first: a finding per step of thousands helps no one
            return Rules.OfType<TooManyStepsRule>().SelectMany(rule => rule.Check(context)).ToList();
        var position = context.Steps.Select((step, index) => (step.Id, index)).Where(s => s.Id is not null)
            .GroupBy(s => s.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().index, StringComparer.Ordinal);
        return Rules
            .SelectMany(rule => rule.Check(context))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.StepId is { } id && position.TryGetValue(id, out var at) ? at : -1)
            .ToList();
    }

    /// <summary>True when any finding is an error: the funnel cannot be published as it is.</summary>
    public static bool BlocksPublishing(IEnumerable<LintFinding> findings) => findings.Any(f => f.IsError);
}
