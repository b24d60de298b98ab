namespace Encore.Domain.Linting;

/// <summary>One check of an offer architecture against one known mistake.</summary>
public interface IOfferRule
{
    /// <summary>The code of every finding this rule reports.</summary>
    string Code { get; }

    /// <summary>The findings for one funnel; nothing when the rule has nothing to say or cannot judge.</summary>
    IEnumerable<LintFinding> Check(LintContext context);
}
