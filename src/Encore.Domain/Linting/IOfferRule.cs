namespace Encore.Domain.Linting;

/// <summary>One check of an offer architecture against a known mistake.</summary>
public interface IOfferRule
{
    /// <summary>False for rules that walk the graph: they wait until the structure is sound.</summary>
    bool NeedsWellFormedGraph { get; }

    IEnumerable<LintFinding> Check(LintContext context);
}
