using Encore.Domain.Subscriptions;

namespace Encore.Domain.Tests;

public sealed class RecurringScheduleTests
{
    private static readonly DateTimeOffset JanuaryThirtyFirst = new(2027, 1, 31, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Monthly_payments_count_from_the_anchor_so_a_short_month_does_not_move_later_ones()
    {
        var monthly = new Recurrence(BillingInterval.Month);
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 9, 30, 0, TimeSpan.Zero), monthly.PaymentDue(JanuaryThirtyFirst, 1));
        Assert.Equal(new DateTimeOffset(2027, 3, 31, 9, 30, 0, TimeSpan.Zero), monthly.PaymentDue(JanuaryThirtyFirst, 2));
    }

    [Theory]
    [InlineData(BillingInterval.Day, 3, 2, "2027-02-06")]
    [InlineData(BillingInterval.Week, 2, 1, "2027-02-14")]
    [InlineData(BillingInterval.Month, 3, 1, "2027-04-30")]
    [InlineData(BillingInterval.Year, 1, 1, "2028-01-31")]
    public void Every_interval_and_count_lands_where_the_calendar_says(BillingInterval interval, int count, int index, string expected)
    {
        var due = new Recurrence(interval, count).PaymentDue(JanuaryThirtyFirst, index);
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateOnly.FromDateTime(due.UtcDateTime));
    }

    [Fact]
    public void A_trial_moves_the_first_payment_and_only_a_plan_has_a_last_one()
    {
        var trial = new Recurrence(BillingInterval.Month, TrialDays: 7);
        Assert.Equal(JanuaryThirtyFirst.AddDays(7), trial.FirstPaymentDue(JanuaryThirtyFirst));
        Assert.False(trial.IsLastPayment(1000));
        var plan = new Recurrence(BillingInterval.Month, Payments: 3);
        Assert.False(plan.IsLastPayment(1));
        Assert.True(plan.IsLastPayment(2));
    }

    [Fact]
    public void The_short_form_says_what_is_charged_today_and_from_when()
    {
        var today = new DateOnly(2026, 12, 1);
        Assert.Equal("$0.00 today, then $29.00 monthly from 8 December 2026",
            RecurringSchedule.TodayThen(new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month, TrialDays: 7)), today));
        Assert.Equal("$29.00 today, then $29.00 monthly from 1 January 2027",
            RecurringSchedule.TodayThen(new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month)), today));
        Assert.Equal("3 monthly payments of $33.00, $99.00 in all: $33.00 today, the last on 1 February 2027",
            RecurringSchedule.TodayThen(new Price(new Money(3300, "USD"), new Recurrence(BillingInterval.Month, Payments: 3)), today));
    }

    [Fact]
    public void A_trial_is_charged_nothing_today_and_a_plan_totals_its_payments()
    {
        var trial = new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month, TrialDays: 7));
        Assert.Equal(Money.Zero("USD"), trial.DueToday());
        var plan = new Price(new Money(3300, "USD"), new Recurrence(BillingInterval.Month, Payments: 3));
        Assert.Equal(new Money(9900, "USD"), plan.PlanTotal());
        Assert.Equal(new Money(9900, "USD"), plan.FirstYearCost());
        Assert.Equal("3 monthly payments of $33.00, $99.00 in all", plan.Describe());
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(1, 0, 121)]
    [InlineData(1, 366, null)]
    [InlineData(53, 0, null)]
    public void Out_of_bounds_terms_are_refused(int count, int trialDays, int? payments) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recurrence(BillingInterval.Month, count, trialDays, payments).Validate());
}
