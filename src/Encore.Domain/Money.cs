using System.Globalization;

namespace Encore.Domain;

/// <summary>
/// An amount in integer minor units (cents) of one ISO 4217 currency. Never floating point;
/// adding two currencies is an error, not a conversion.
/// </summary>
public readonly partial record struct Money
{
    public Money(long amount, string currency)
    {
        Currency = Domain.Currency.Get(currency).Code;
        Amount = amount;
    }

    public long Amount { get; }

    public string Currency { get; }

    public static Money Zero(string currency) => new(0, currency);

    public bool IsNegative => Amount < 0;

    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(checked(left.Amount + right.Amount), left.Currency);
    }

    public static Money operator -(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(checked(left.Amount - right.Amount), left.Currency);
    }

    public static Money operator *(Money money, int factor) => new(checked(money.Amount * factor), money.Currency);

    public static bool operator <(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return left.Amount < right.Amount;
    }

    public static bool operator >(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return left.Amount > right.Amount;
    }

    public static bool operator <=(Money left, Money right) => !(left > right);

    public static bool operator >=(Money left, Money right) => !(left < right);

    /// <summary>Sums amounts of one currency; an empty sequence is zero in <paramref name="currency"/>.</summary>
    public static Money Sum(IEnumerable<Money> amounts, string currency)
    {
        var total = Zero(currency);
        foreach (var amount in amounts) total += amount;
        return total;
    }

    /// <summary>Formats for a buyer, e.g. <c>$97.00</c> or <c>¥1,200</c>; invariant digits, no locale surprises.</summary>
    public string Format()
    {
        var currency = Domain.Currency.Get(Currency);
        var sign = Amount < 0 ? "-" : "";
        var absolute = Math.Abs((decimal)Amount);
        var major = absolute / Pow10(currency.MinorDigits);
        var number = major.ToString("N" + currency.MinorDigits, CultureInfo.InvariantCulture);
        return sign + currency.Symbol + number;
    }

    /// <summary>
    /// Reads an amount as a person types it in major units ("47", "47.5", "1,200.00", "$47.00") into minor
    /// units of <paramref name="currency"/>. Refuses more decimals than the currency has, negative amounts
    /// and amounts that would not fit: a typo must never become a different amount.
    /// </summary>
    public static bool TryParseMajor(string? text, string currency, out Money money)
    {
        money = default;
        if (!Domain.Currency.TryGet(currency, out var info) || string.IsNullOrWhiteSpace(text) || text.Length > 40) return false;
        var cleaned = text.Trim();
        if (cleaned.StartsWith(info.Symbol.Trim(), StringComparison.Ordinal)) cleaned = cleaned[info.Symbol.Trim().Length..].Trim();
        if (cleaned.EndsWith(info.Code, StringComparison.OrdinalIgnoreCase)) cleaned = cleaned[..^info.Code.Length].Trim();
        // Digits, optionally grouped by threes with commas, and a point before the minor digits. "17,50" is refused:
        // read with a thousands separator it would become 1,750.
        if (!PlainNumber().IsMatch(cleaned)) return false;
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var major)) return false;
        var minor = major * Pow10(info.MinorDigits);
        if (minor != decimal.Truncate(minor) || minor > long.MaxValue / 100) return false;
        money = new Money((long)minor, info.Code);
        return true;
    }

    /// <summary>The amount in major units without a symbol, as a form field shows it: <c>47.00</c>, <c>1200</c>.</summary>
    public string FormatMajor()
    {
        var digits = Domain.Currency.Get(Currency).MinorDigits;
        return ((decimal)Amount / Pow10(digits)).ToString("F" + digits, CultureInfo.InvariantCulture);
    }

    /// <summary>Formats with the currency code spelled out, e.g. <c>$97.00 USD</c>: what a disclosure states.</summary>
    public string FormatWithCode() => $"{Format()} {Currency}";

    public override string ToString() => FormatWithCode();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{1,3}(,\d{3})+|\d{1,16})(\.\d{1,4})?$")]
    private static partial System.Text.RegularExpressions.Regex PlainNumber();

    private static decimal Pow10(int digits)
    {
        decimal result = 1;
        for (var i = 0; i < digits; i++) result *= 10;
        return result;
    }

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (!string.Equals(left.Currency, right.Currency, StringComparison.Ordinal))
            throw new CurrencyMismatchException(left.Currency, right.Currency);
    }
}

public sealed class CurrencyMismatchException(string left, string right)
    : InvalidOperationException($"Cannot combine {left} and {right}: amounts in different currencies are never converted.");
