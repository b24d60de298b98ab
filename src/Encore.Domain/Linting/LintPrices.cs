namespace Encore.Domain.Linting;

/// <summary>Reading prices a seller sent without trusting them.</summary>
internal static class LintPrices
{
    /// <summary>
    /// A price the rules can compute with: a supported currency (a default <see cref="Money"/> has none), not
    /// negative, and a recurrence within <see cref="Recurrence.Validate"/>'s bounds with a known interval.
    /// </summary>
    public static bool IsUsable(Price? price) =>
        price is not null &&
        Currency.TryGet(price.Amount.Currency, out _) &&
        !price.Amount.IsNegative &&
        (price.Recurrence is not { } r || (Enum.IsDefined(r.Interval) && r.IntervalCount is >= 1 and <= 52 && r.TrialDays is >= 0 and <= 730));

    /// <summary><see cref="Price.FirstYearCost"/>, or null for a price that is unusable or too large to count.</summary>
    public static Money? FirstYearCost(Price? price)
    {
        if (!IsUsable(price)) return null;
        try
        {
            return price!.FirstYearCost();
        }
        catch (OverflowException)
        {
            return null; // more than a long holds: no real price; the comparison is skipped rather than guessed
        }
    }
}
