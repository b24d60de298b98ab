namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A recurring price needs terms, in the seller's own words, that a buyer reads before one click starts a
/// subscription (as the FTC's negative option rules expect). What counts, checked in <see cref="StepDefinition.Terms"/>:
/// <list type="bullet">
/// <item>the amount as the buyer is charged it: <c>$29.00</c>, <c>$29</c> when whole, or <c>29.00 USD</c>;</item>
/// <item>the interval: "month", "monthly" or "/mo" for every month; "3 months", "three-month" or "quarterly" for every 3;</item>
/// <item>the first charge: "today", "immediately", "right away", "at checkout" or a date; with a free trial,
/// the word "trial" and its length ("14 days", "14-day", "2 weeks") or a date;</item>
/// <item>how to cancel: the word "cancel" and a way to do it (an e-mail address, a link, or words such as
/// "account", "e-mail", "reply", "contact", "support").</item>
/// </list>
/// These are deliberately simple tests of wording, not of truth: they catch terms that leave a point out.
/// </summary>
public sealed class RecurringTermsMissingRule : IOfferRule
{
    public string Code => "recurring-terms-missing";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        foreach (var step in context.Steps.Where(s => s.Price?.Recurrence is not null && LintPrices.IsUsable(s.Price)))
        {
            var missing = RecurringTerms.Missing(step.Terms ?? "", step.Price).ToList();
            if (missing.Count == 0) continue;
            yield return new LintFinding(Code, LintSeverity.Error, step.Id,
                $"{Names.Of(step)} is charged {step.Price.Describe()}, but its terms do not state {Names.List(missing)}. " +
                $"Write them plainly before one click starts a subscription, for example: \"{RecurringTerms.Example(step.Price)}\"");
        }
    }
}
