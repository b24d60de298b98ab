namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A recurring price needs terms, in the seller's own words, that a buyer reads before one click starts a
/// subscription or a checkout keeps the card for one (as the FTC's negative option rules expect): the terms of an
/// offer step, and those of a recurring main product or order bump. What counts, checked in <see cref="StepDefinition.Terms"/>
/// and <see cref="OfferItem.Terms"/>:
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
        var items = new List<(string? StepId, string Name, Price Price, string? Terms, string Where)>();
        if (context.Main is { } main) items.Add((null, $"The main product {Names.Of(main, "")}".TrimEnd(), main.Price, main.Terms, "before the Pay button starts a subscription"));
        for (var i = 0; i < context.Bumps.Count; i++)
            items.Add((null, $"Order bump {i + 1} {Names.Of(context.Bumps[i], "")}".TrimEnd(), context.Bumps[i].Price, context.Bumps[i].Terms, "before its checkbox starts a subscription"));
        items.AddRange(context.Steps.Select(s => (StepId: (string?)s.Id, Name: Names.Of(s), s.Price, s.Terms, Where: "before one click starts a subscription")));

        foreach (var item in items.Where(i => i.Price?.Recurrence is not null && LintPrices.IsUsable(i.Price)))
        {
            var missing = RecurringTerms.Missing(item.Terms ?? "", item.Price).ToList();
            if (missing.Count == 0) continue;
            yield return new LintFinding(Code, LintSeverity.Error, item.StepId,
                $"{item.Name} is charged {item.Price.Describe()}, but its terms do not state {Names.List(missing)}. " +
                $"Write them plainly {item.Where}, for example: \"{RecurringTerms.Example(item.Price)}\"");
        }
    }
}
