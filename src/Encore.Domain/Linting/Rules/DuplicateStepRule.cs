namespace Encore.Domain.Linting.Rules;

/// <summary>Two steps with one id: an edge to that id could mean either offer.</summary>
public sealed class DuplicateStepRule : IOfferRule
{
    public string Code => "duplicate-step";

    public IEnumerable<LintFinding> Check(LintContext context) =>
        context.Steps.Where(s => !string.IsNullOrWhiteSpace(s.Id)).GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g =>
            new LintFinding(Code, LintSeverity.Error, g.Key,
                $"{g.Count()} steps share the id '{g.Key}' ({Names.List(g.Select(Names.Of).ToList())}). Give every step its own id, so each yes and no leads to exactly one offer."));
}
