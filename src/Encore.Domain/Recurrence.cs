namespace Encore.Domain;

public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>How often a recurring price is charged, and an optional free trial before the first charge.</summary>
public sealed record Recurrence(BillingInterval Interval, int IntervalCount = 1, int TrialDays = 0)
{
    public Recurrence Validate()
    {
        if (IntervalCount is < 1 or > 52) throw new ArgumentOutOfRangeException(nameof(IntervalCount), "Interval count must be between 1 and 52.");
        if (TrialDays is < 0 or > 730) throw new ArgumentOutOfRangeException(nameof(TrialDays), "Trial days must be between 0 and 730.");
        return this;
    }

    /// <summary>"every month", "every 3 months", "every year".</summary>
    public string Describe()
    {
        var unit = Interval.ToString().ToLowerInvariant();
        return IntervalCount == 1 ? $"every {unit}" : $"every {IntervalCount} {unit}s";
    }

    /// <summary>Number of charges in the first year, used to compare a recurring price with a one-time one.</summary>
    public int ChargesInFirstYear()
    {
        var paidDays = Math.Max(0, 365 - TrialDays);
        var periodDays = Interval switch
        {
            BillingInterval.Day => 1,
            BillingInterval.Week => 7,
            BillingInterval.Month => 365.0 / 12,
            BillingInterval.Year => 365,
            _ => throw new ArgumentOutOfRangeException(nameof(Interval)),
        } * IntervalCount;
        return paidDays == 0 ? 0 : (int)Math.Ceiling(paidDays / periodDays);
    }
}
