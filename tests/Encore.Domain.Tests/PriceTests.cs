using Encore.Domain;

namespace Encore.Domain.Tests;

public sealed class PriceTests
{
    private static readonly Money TwentyNine = new(2900, "USD");

    [Fact]
    public void One_time_price_describes_itself_as_its_amount() =>
        Assert.Equal("$97.00", new Price(new Money(9700, "USD")).Describe());

    [Theory]
    [InlineData(BillingInterval.Month, 1, "$29.00 every month")]
    [InlineData(BillingInterval.Month, 3, "$29.00 every 3 months")]
    [InlineData(BillingInterval.Year, 1, "$29.00 every year")]
    public void Recurring_price_says_how_often(BillingInterval interval, int count, string expected) =>
        Assert.Equal(expected, new Price(TwentyNine, new Recurrence(interval, count)).Describe());

    [Fact]
    public void Monthly_price_costs_twelve_charges_in_the_first_year() =>
        Assert.Equal(new Money(2900 * 12, "USD"), new Price(TwentyNine, new Recurrence(BillingInterval.Month)).FirstYearCost());

    [Fact]
    public void A_trial_reduces_the_first_year_cost()
    {
        var withTrial = new Price(TwentyNine, new Recurrence(BillingInterval.Month, TrialDays: 30)).FirstYearCost();
        Assert.Equal(new Money(2900 * 12, "USD"), withTrial); // 335 paid days still start 12 monthly periods
        var longTrial = new Price(TwentyNine, new Recurrence(BillingInterval.Month, TrialDays: 92)).FirstYearCost();
        Assert.Equal(new Money(2900 * 9, "USD"), longTrial);
    }

    [Fact]
    public void One_time_first_year_cost_is_the_price() =>
        Assert.Equal(new Money(3700, "USD"), new Price(new Money(3700, "USD")).FirstYearCost());

    [Theory]
    [InlineData(0, 0)]
    [InlineData(53, 0)]
    [InlineData(1, -1)]
    public void Nonsense_recurrences_are_refused(int count, int trialDays) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recurrence(BillingInterval.Week, count, trialDays).Validate());
}
