using System.Text.RegularExpressions;

namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A recurring price needs terms in the seller's own words that state four things, as the FTC's negative
/// option guidance expects: the amount (as it is formatted, e.g. "$29.00"), the interval ("month",
/// "monthly", "every 3 months"), when the first charge happens ("today", "now", "after the trial", "on"
/// a date, or "first charge"), and how to cancel (the word "cancel").
/// </summary>
public sealed partial class RecurringTermsRule : IOfferRule
{
    public bool NeedsWellFormedGraph => false;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var step in context.Steps.Where(s => s.Price.Recurrence is not null))
        {
            var missing = Missing(step.Terms ?? "", step.Price).ToList();
            if (missing.Count == 0) continue;
            yield return new LintFinding("recurring-terms-missing", LintSeverity.Error, step.Id,
                $"\"{step.ProductName}\" is charged {step.Price.Describe()}, but its terms do not state {string.Join(", ", missing)}. " +
                "Buyers must read all of this before one click starts a subscription.");
        }
    }

    private static IEnumerable<string> Missing(string terms, Price price)
    {
        var recurrence = price.Recurrence!;
        if (!terms.Contains(price.Amount.Format(), StringComparison.Ordinal)) yield return $"the amount ({price.Amount.Format()})";
        var unit = recurrence.Interval.ToString().ToLowerInvariant();
        var adjective = unit switch { "day" => "daily", "month" => "monthly", "year" => "yearly", _ => "weekly" };
        if (!terms.Contains(unit, StringComparison.OrdinalIgnoreCase) && !terms.Contains(adjective, StringComparison.OrdinalIgnoreCase) &&
            !(unit == "year" && terms.Contains("annual", StringComparison.OrdinalIgnoreCase)))
            yield return $"how often ({recurrence.Describe()})";
        if (!FirstCharge().IsMatch(terms)) yield return "when the first charge happens";
        if (!terms.Contains("cancel", StringComparison.OrdinalIgnoreCase)) yield return "how to cancel";
    }

    [GeneratedRegex(@"\b(today|now|immediately|first charge|after (the|a|your) (free )?trial|starting|on \d{4}-\d{2}-\d{2}|on [A-Z][a-z]+ \d{1,2})", RegexOptions.IgnoreCase)]
    private static partial Regex FirstCharge();
}
