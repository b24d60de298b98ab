namespace Encore.Domain;

/// <summary>A price: one-time when <see cref="Recurrence"/> is null, recurring otherwise.</summary>
public sealed record Price(Money Amount, Recurrence? Recurrence = null)
{
    public bool IsRecurring => Recurrence is not null;

    /// <summary>What the buyer pays in the first year: the figure that makes a recurring and a one-time price comparable.</summary>
    public Money FirstYearCost() =>
        Recurrence is null ? Amount : Amount * Recurrence.ChargesInFirstYear();

    /// <summary>"$97.00" or "$29.00 every month".</summary>
    public string Describe() =>
        Recurrence is null ? Amount.Format() : $"{Amount.Format()} {Recurrence.Describe()}";
}
