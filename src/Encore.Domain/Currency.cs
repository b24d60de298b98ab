namespace Encore.Domain;

/// <summary>An ISO 4217 currency with the number of digits in its minor unit.</summary>
public sealed record Currency
{
    private static readonly Dictionary<string, Currency> Known = new(StringComparer.Ordinal)
    {
        ["USD"] = new("USD", 2, "$"),
        ["EUR"] = new("EUR", 2, "€"),
        ["GBP"] = new("GBP", 2, "£"),
        ["CAD"] = new("CAD", 2, "CA$"),
        ["AUD"] = new("AUD", 2, "A$"),
        ["NZD"] = new("NZD", 2, "NZ$"),
        ["CHF"] = new("CHF", 2, "CHF "),
        ["SEK"] = new("SEK", 2, "SEK "),
        ["NOK"] = new("NOK", 2, "NOK "),
        ["DKK"] = new("DKK", 2, "DKK "),
        ["PLN"] = new("PLN", 2, "PLN "),
        ["INR"] = new("INR", 2, "₹"),
        ["BRL"] = new("BRL", 2, "R$"),
        ["MXN"] = new("MXN", 2, "MX$"),
        ["SGD"] = new("SGD", 2, "S$"),
        ["ZAR"] = new("ZAR", 2, "R "),
        ["JPY"] = new("JPY", 0, "¥"),
        ["KRW"] = new("KRW", 0, "₩"),
    };

    private Currency(string code, int minorDigits, string symbol)
    {
        Code = code;
        MinorDigits = minorDigits;
        Symbol = symbol;
    }

    /// <summary>Upper-case ISO 4217 code, e.g. <c>USD</c>.</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point: 2 for USD, 0 for JPY.</summary>
    public int MinorDigits { get; }

    public string Symbol { get; }

    public static IReadOnlyCollection<string> SupportedCodes => Known.Keys;

    public static bool TryGet(string? code, out Currency currency)
    {
        currency = null!;
        if (code is null) return false;
        return Known.TryGetValue(code, out currency!);
    }

    public static Currency Get(string code) =>
        TryGet(code, out var currency)
            ? currency
            : throw new ArgumentException($"'{code}' is not a supported ISO 4217 currency code.", nameof(code));

    public override string ToString() => Code;
}
