namespace Encore.Domain;

/// <summary>A price: one-time when <see cref="Recurrence"/> is null, recurring otherwise.</summary>
public sealed record Price(Money Amount, Recurrence? Recurrence = null)
{
    public bool IsRecurring => Recurrence is not null;

    /// <summary>What the buyer pays in the first year: the figure that makes a recurring and a one-time price comparable.</summary>
    public Money FirstYearCost() =>
        Recurrence is null ? Amount : Amount * Recurrence.ChargesInFirstYear();

    /// <summary>What is charged at the moment of purchase: nothing during a free trial.</summary>
    public Money DueToday() =>
        Recurrence is { TrialDays: > 0 } ? Money.Zero(Amount.Currency) : Amount;

    /// <summary>A payment plan's total; null for a one-time price or a subscription until cancelled.</summary>
    public Money? PlanTotal() => Recurrence?.Payments is { } payments ? Amount * payments : null;

    /// <summary>"$97.00", "$29.00 every month" or "3 monthly payments of $33.00, $99.00 in all".</summary>
    public string Describe() => Recurrence switch
    {
        null => Amount.Format(),
        { Payments: { } payments } r when r.IntervalCount == 1 => $"{payments} {r.Adverb()} payments of {Amount.Format()}, {PlanTotal()!.Value.Format()} in all",
        { Payments: { } payments } r => $"{payments} payments of {Amount.Format()} {r.Describe()}, {PlanTotal()!.Value.Format()} in all",
        { } r => $"{Amount.Format()} {r.Describe()}",
    };
}
