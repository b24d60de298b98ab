using Encore.Domain.Linting.Rules;

namespace Encore.Domain.Linting;

/// <summary>
/// Checks a funnel against the known mistakes of offer architecture before it is published: unrelated
/// offers, too many offers, a downsell that is not smaller, recurring terms not stated, fake urgency,
/// structure faults and mixed currencies. Errors block publishing; warnings explain themselves.
/// </summary>
public static class OfferLinter
{
    private static readonly IOfferRule[] Rules =
    [
        new StructureRule(),
        new CurrencyMismatchRule(),
        new UnreachableStepRule(),
        new CycleRule(),
        new TooManyOffersRule(),
        new DownsellNotCheaperRule(),
        new RecurringTermsRule(),
        new FakeUrgencyRule(),
        new UnrelatedOfferRule(),
    ];

    public static IReadOnlyList<LintFinding> Lint(FunnelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var context = new LintContext(definition);
        return Rules
            .Where(rule => context.IsWellFormed || !rule.NeedsWellFormedGraph)
            .SelectMany(rule => rule.Check(context))
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Code, StringComparer.Ordinal)
            .ToList();
    }

    public static bool BlocksPublishing(IEnumerable<LintFinding> findings) => findings.Any(f => f.Severity == LintSeverity.Error);
}
