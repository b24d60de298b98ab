namespace Encore.Domain.Subscriptions;

/// <summary>
/// The money part of a recurring promise, in words a buyer reads before agreeing: what is charged today, when the
/// first and (for a plan) the last payment fall, and that nothing else is charged. Dates are computed with the same
/// <see cref="Recurrence.PaymentDue"/> the billing run uses, so the text and the charges cannot drift apart.
/// </summary>
public static class RecurringSchedule
{
    /// <summary>The full sentence for a disclosure, e.g. "$29.00 USD every month after a free trial of 7 days: nothing is charged today, …".</summary>
    public static string Sentence(Price price, DateOnly today)
    {
        var recurrence = price.Recurrence ?? throw new ArgumentException("A recurring price is needed.", nameof(price));
        var amount = price.Amount.FormatWithCode();
        var first = FirstPaymentDate(recurrence, today);
        if (recurrence.Payments is { } payments)
        {
            var total = (price.Amount * payments).FormatWithCode();
            var last = PaymentDate(recurrence, first, payments - 1);
            var plan = $"{payments} payments of {amount} {recurrence.Describe()} ({total} in all)";
            return recurrence.TrialDays > 0
                ? $"{plan} after a free trial of {recurrence.TrialDays} days: nothing is charged today, the first payment is on {Iso(first)} and the last on {Iso(last)}; nothing is charged after that."
                : $"{plan}: the first today ({Iso(first)}), the last on {Iso(last)}; nothing is charged after that.";
        }
        return recurrence.TrialDays > 0
            ? $"{amount} {recurrence.Describe()} after a free trial of {recurrence.TrialDays} days: nothing is charged today, the first charge is on {Iso(first)}, then {amount} {recurrence.Describe()} until you cancel."
            : $"{amount} today ({Iso(first)}) and then {amount} {recurrence.Describe()}, next on {Iso(PaymentDate(recurrence, first, 1))}, until you cancel.";
    }

    /// <summary>The short form for a checkout summary or receipt: "$0.00 today, then $29.00 monthly from 8 December 2026".</summary>
    public static string TodayThen(Price price, DateOnly today)
    {
        var recurrence = price.Recurrence ?? throw new ArgumentException("A recurring price is needed.", nameof(price));
        var first = FirstPaymentDate(recurrence, today);
        var dueToday = price.DueToday().Format();
        if (recurrence.Payments is { } payments)
        {
            var total = (price.Amount * payments).Format();
            return recurrence.TrialDays > 0
                ? $"{dueToday} today, then {payments} {recurrence.Adverb()} payments of {price.Amount.Format()} from {Long(first)}, {total} in all"
                : $"{payments} {recurrence.Adverb()} payments of {price.Amount.Format()}, {total} in all: {dueToday} today, the last on {Long(PaymentDate(recurrence, first, payments - 1))}";
        }
        return recurrence.TrialDays > 0
            ? $"{dueToday} today, then {price.Amount.Format()} {recurrence.Adverb()} from {Long(first)}"
            : $"{dueToday} today, then {price.Amount.Format()} {recurrence.Adverb()} from {Long(PaymentDate(recurrence, first, 1))}";
    }

    public static DateOnly FirstPaymentDate(Recurrence recurrence, DateOnly today) => today.AddDays(recurrence.TrialDays);

    /// <summary>Payment <paramref name="index"/>'s date, by the same rule as <see cref="Recurrence.PaymentDue"/>.</summary>
    public static DateOnly PaymentDate(Recurrence recurrence, DateOnly first, int index) =>
        DateOnly.FromDateTime(recurrence.PaymentDue(new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), index).UtcDateTime);

    /// <summary>"8 December 2026": unambiguous in every English-speaking country.</summary>
    public static string Long(DateOnly date) => date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The UTC day of a moment, the same way: what mails and pages say about a charge's date.</summary>
    public static string Long(DateTimeOffset moment) => Long(DateOnly.FromDateTime(moment.UtcDateTime));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
