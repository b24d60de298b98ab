using System.Globalization;
using System.Text.RegularExpressions;

namespace Encore.Domain.Linting;

/// <summary>The wording tests behind <see cref="Rules.RecurringTermsMissingRule"/>, one per point a buyer must read.</summary>
internal static partial class RecurringTerms
{
    private static readonly string[] NumberWords =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    /// <summary>What the terms leave out, in the words of the finding's message; nothing when all four are stated.</summary>
    public static IEnumerable<string> Missing(string terms, Price price)
    {
        var recurrence = price.Recurrence!;
        terms = terms.Replace('\u2019', '\''); // a curly apostrophe reads the same
        if (!Amount(price.Amount).IsMatch(terms)) yield return $"the amount ({price.Amount.Format()})";
        if (!Interval(recurrence).IsMatch(terms)) yield return $"how often ({recurrence.Describe()})";
        if (!FirstCharge(recurrence, terms)) yield return recurrence.TrialDays > 0
            ? $"when the first charge happens (after the {recurrence.TrialDays}-day trial)"
            : "when the first charge happens (today)";
        if (recurrence.Payments is { } payments && !PaymentCount(payments).IsMatch(terms))
            yield return $"the number of payments ({payments})";
        if (!(CancelWord().IsMatch(terms) && CancelWay().IsMatch(terms))) yield return "how to cancel (the word \"cancel\" and where: an e-mail address, a link or the account page)";
    }

    /// <summary>Terms that pass every test, to show in the message.</summary>
    public static string Example(Price price)
    {
        var recurrence = price.Recurrence!;
        if (recurrence.Payments is not null)
            return recurrence.TrialDays > 0
                ? $"{price.Describe()}, the first after a {recurrence.TrialDays}-day free trial; cancel before it ends by e-mailing our support address and you pay nothing."
                : $"{price.Describe()}, the first charged today; cancel future payments any time by e-mailing our support address.";
        return recurrence.TrialDays > 0
            ? $"{price.Describe()} after a {recurrence.TrialDays}-day free trial; cancel before it ends by e-mailing our support address and you pay nothing."
            : $"{price.Describe()}, first charged today; cancel any time by e-mailing our support address, and no further charge is made.";
    }

    private static Regex Amount(Money amount)
    {
        var currency = Currency.Get(amount.Currency);
        var major = Math.Abs((decimal)amount.Amount) / Pow10(currency.MinorDigits);
        var numbers = new[] { "N", "F" }
            .SelectMany(f => major == decimal.Truncate(major) ? new[] { f + currency.MinorDigits, f + "0" } : [f + currency.MinorDigits])
            .Select(f => Regex.Escape(major.ToString(f, CultureInfo.InvariantCulture))).Distinct();
        var number = $"(?:{string.Join("|", numbers)})";
        var symbol = Regex.Escape(currency.Symbol.Trim());
        return new Regex($@"(?<![\d.,])(?:{symbol}\s?{number}|{number}\s?{currency.Code}|{currency.Code}\s?{number})(?!\d|[.,]\d)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static Regex PaymentCount(int payments) => new(
        $@"(?<![\w-])(?:{payments}{(payments < NumberWords.Length ? "|" + NumberWords[payments] : "")})\b[\s-]*(?:\w+[\s-]+)?(?:payments?|instal(?:l)?ments?)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static decimal Pow10(int digits) => digits == 0 ? 1 : 10 * Pow10(digits - 1);

    private static Regex Interval(Recurrence recurrence)
    {
        var unit = recurrence.Interval.ToString().ToLowerInvariant();
        var count = recurrence.IntervalCount;
        var words = count == 1
            ? recurrence.Interval switch
            {
                BillingInterval.Day => "days?|daily",
                BillingInterval.Week => "weeks?|weekly",
                BillingInterval.Month => "months?|monthly|(?<=/\\s?)mo",
                _ => "years?|yearly|annual|annually|(?<=/\\s?)yr",
            }
            : $"(?:{count}{(count < NumberWords.Length ? "|" + NumberWords[count] : "")})[\\s-]*{unit}s?" + (recurrence.Interval, count) switch
            {
                (BillingInterval.Week, 2) => "|biweekly|fortnight|fortnightly",
                (BillingInterval.Month, 3) => "|quarter|quarterly",
                (BillingInterval.Month, 6) => "|semi-?annual|semi-?annually|half-?yearly",
                _ => "",
            };
        return new Regex($@"(?<![\w-])(?:{words})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static bool FirstCharge(Recurrence recurrence, string terms)
    {
        if (Date().IsMatch(terms)) return true;
        if (recurrence.TrialDays == 0) return Now().IsMatch(terms);
        var days = recurrence.TrialDays;
        var length = $@"\b{days}[\s-]*days?\b" + (days % 7 == 0 ? $@"|\b(?:{days / 7}{(days / 7 < NumberWords.Length ? "|" + NumberWords[days / 7] : "")})[\s-]*weeks?\b" : "");
        return TrialWord().IsMatch(terms) && Regex.IsMatch(terms, length, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"\b(?:today|immediately|right away|right now|at checkout|upon purchase|on purchase)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Now();

    [GeneratedRegex(@"\btrial\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrialWord();

    [GeneratedRegex(
        @"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Date();

    [GeneratedRegex(@"\bcancel", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CancelWord();

    [GeneratedRegex(
        @"[^\s@]+@[^\s@]+\.[a-z]{2,}|https?://|\bwww\.|\b(?:account|e-?mail(?:ing)?|write|writing|reply|replying|contact|support|settings|portal|dashboard|link|button|click|log\s?in|message|call)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CancelWay();
}
