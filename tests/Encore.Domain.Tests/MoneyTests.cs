using Encore.Domain;

namespace Encore.Domain.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(4700, "USD", "$47.00")]
    [InlineData(9, "USD", "$0.09")]
    [InlineData(123456789, "EUR", "€1,234,567.89")]
    [InlineData(1200, "JPY", "¥1,200")]
    [InlineData(-1700, "USD", "-$17.00")]
    public void Formats_minor_units_for_a_buyer(long amount, string currency, string expected) =>
        Assert.Equal(expected, new Money(amount, currency).Format());

    [Fact]
    public void Disclosure_form_spells_out_the_currency() =>
        Assert.Equal("$97.00 USD", new Money(9700, "USD").FormatWithCode());

    [Fact]
    public void Adds_amounts_of_one_currency() =>
        Assert.Equal(new Money(6400, "USD"), new Money(4700, "USD") + new Money(1700, "USD"));

    [Fact]
    public void Adding_two_currencies_is_an_error_not_a_conversion() =>
        Assert.Throws<CurrencyMismatchException>(() => new Money(4700, "USD") + new Money(1700, "EUR"));

    [Fact]
    public void Comparing_two_currencies_is_an_error() =>
        Assert.Throws<CurrencyMismatchException>(() => new Money(1, "USD") < new Money(2, "GBP"));

    [Fact]
    public void Overflow_is_refused_never_wrapped() =>
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, "USD") + new Money(1, "USD"));

    [Theory]
    [InlineData("usd")]
    [InlineData("XXX")]
    [InlineData("")]
    public void Unknown_or_lower_case_currency_codes_are_refused(string code) =>
        Assert.Throws<ArgumentException>(() => new Money(100, code));

    [Fact]
    public void Sum_of_nothing_is_zero_in_the_given_currency() =>
        Assert.Equal(Money.Zero("EUR"), Money.Sum([], "EUR"));
}

public sealed class MoneyParsingTests
{
    [Theory]
    [InlineData("47", "USD", 4700)]
    [InlineData("47.5", "USD", 4750)]
    [InlineData(" $1,200.00 ", "USD", 120000)]
    [InlineData("0.01", "USD", 1)]
    [InlineData("97.00 usd", "USD", 9700)]
    [InlineData("1200", "JPY", 1200)]
    [InlineData("¥1,200", "JPY", 1200)]
    public void Reads_what_a_person_types_into_minor_units(string text, string currency, long expected)
    {
        Assert.True(Money.TryParseMajor(text, currency, out var money));
        Assert.Equal(new Money(expected, currency), money);
    }

    [Theory]
    [InlineData("47.001", "USD")]
    [InlineData("12.5", "JPY")]
    [InlineData("-5", "USD")]
    [InlineData("", "USD")]
    [InlineData("forty", "USD")]
    [InlineData("1e5", "USD")]
    [InlineData("17,50", "USD")]
    [InlineData("1.", "USD")]
    [InlineData("1,2345", "USD")]
    [InlineData("99999999999999999999999", "USD")]
    [InlineData("10", "XYZ")]
    public void Refuses_what_would_become_another_amount(string text, string currency) =>
        Assert.False(Money.TryParseMajor(text, currency, out _));

    [Fact]
    public void Formats_major_units_for_a_form_field()
    {
        Assert.Equal("47.00", new Money(4700, "USD").FormatMajor());
        Assert.Equal("1200", new Money(1200, "JPY").FormatMajor());
    }
}
