namespace Encore.Domain.Linting.Rules;

/// <summary>
/// A price the checkout could not charge: missing, in no supported currency, negative, or repeating at an
/// interval outside 1 to 52 days, weeks, months or years, or with a trial outside 0 to 730 days (the bounds
/// of <see cref="Recurrence.Validate"/>). Rules that compare prices skip these.
/// </summary>
public sealed class InvalidPriceRule : IOfferRule
{
    public string Code => "invalid-price";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Main is { } main && Problem(main.Price) is { } mainProblem)
            yield return Finding(null, "The main product " + Names.Of(main, "without a name"), mainProblem);
        foreach (var bump in context.Bumps)
            if (Problem(bump.Price) is { } problem) yield return Finding(null, "Order bump " + Names.Of(bump, "without a name"), problem);
        foreach (var step in context.Steps)
            if (Problem(step.Price) is { } problem) yield return Finding(step.Id, Capitalized(Names.Of(step)), problem);
    }

    private static (string What, string Fix)? Problem(Price? price)
    {
        if (price is null) return ("has no price", "Give it a price in minor units (cents) and a currency");
        if (!Currency.TryGet(price.Amount.Currency, out _))
            return ("has a price in no currency Encore supports", $"Use one of {string.Join(", ", Currency.SupportedCodes)}");
        if (price.Amount.IsNegative) return ("has a negative price", "Give it a price of zero or more");
        if (price.Recurrence is not { } r) return null;
        if (!Enum.IsDefined(r.Interval)) return ("repeats at an unknown interval", "Charge it every day, week, month or year");
        if (r.IntervalCount is < 1 or > 52) return ($"repeats every {r.IntervalCount} {r.Interval.ToString().ToLowerInvariant()}s", "Use an interval count from 1 to 52");
        if (r.TrialDays is < 0 or > 730) return ($"has a trial of {r.TrialDays} days", "Use a trial from 0 to 730 days");
        return null;
    }

    private LintFinding Finding(string? stepId, string name, (string What, string Fix) problem) =>
        new(Code, LintSeverity.Error, stepId, $"{name} {problem.What}, so it cannot be charged. {problem.Fix}.");

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
