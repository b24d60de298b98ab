namespace Encore.Domain;

public enum BillingInterval
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>
/// How often a recurring price is charged, an optional free trial before the first charge, and, for a
/// payment plan, how many payments there are in all (null: until the buyer cancels).
/// </summary>
public sealed record Recurrence(BillingInterval Interval, int IntervalCount = 1, int TrialDays = 0, int? Payments = null)
{
    public const int MaxIntervalCount = 52;
    public const int MaxTrialDays = 365;
    public const int MaxPayments = 120;

    /// <summary>A payment plan: a fixed number of payments, then nothing more.</summary>
    public bool IsPlan => Payments is not null;

    public Recurrence Validate()
    {
        if (IntervalCount is < 1 or > MaxIntervalCount) throw new ArgumentOutOfRangeException(nameof(IntervalCount), $"Interval count must be between 1 and {MaxIntervalCount}.");
        if (TrialDays is < 0 or > MaxTrialDays) throw new ArgumentOutOfRangeException(nameof(TrialDays), $"A free trial can last at most a year ({MaxTrialDays} days).");
        if (Payments is < 2 or > MaxPayments) throw new ArgumentOutOfRangeException(nameof(Payments), $"A payment plan has between 2 and {MaxPayments} payments; leave it empty for a subscription until cancelled.");
        return this;
    }

    /// <summary>"every month", "every 3 months", "every year".</summary>
    public string Describe()
    {
        var unit = Interval.ToString().ToLowerInvariant();
        return IntervalCount == 1 ? $"every {unit}" : $"every {IntervalCount} {unit}s";
    }

    /// <summary>"monthly", "weekly", "every 3 months": the word before "payments".</summary>
    public string Adverb() => IntervalCount != 1 ? Describe() : Interval switch
    {
        BillingInterval.Day => "daily",
        BillingInterval.Week => "weekly",
        BillingInterval.Month => "monthly",
        _ => "yearly",
    };

    /// <summary>
    /// When payment <paramref name="index"/> (0 is the first) falls, counted from the first payment's time. Always
    /// from the anchor, never from the previous payment, so a plan started on 31 January pays on 28 February and
    /// 31 March, not on the 28th for ever after.
    /// </summary>
    public DateTimeOffset PaymentDue(DateTimeOffset firstPayment, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var steps = checked(index * IntervalCount);
        return Interval switch
        {
            BillingInterval.Day => firstPayment.AddDays(steps),
            BillingInterval.Week => firstPayment.AddDays(7.0 * steps),
            BillingInterval.Month => firstPayment.AddMonths(steps),
            _ => firstPayment.AddYears(steps),
        };
    }

    /// <summary>When the first payment falls for a buyer who agreed at <paramref name="agreedAt"/>: after the trial, if any.</summary>
    public DateTimeOffset FirstPaymentDue(DateTimeOffset agreedAt) => agreedAt.AddDays(TrialDays);

    /// <summary>True when payment <paramref name="index"/> is the plan's last one (never for a subscription until cancelled).</summary>
    public bool IsLastPayment(int index) => Payments is { } payments && index >= payments - 1;

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
        var charges = paidDays == 0 ? 0 : (int)Math.Ceiling(paidDays / periodDays);
        return Payments is { } payments ? Math.Min(charges, payments) : charges;
    }
}
