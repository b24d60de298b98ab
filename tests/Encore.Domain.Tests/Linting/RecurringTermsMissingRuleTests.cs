using Encore.Domain.Linting;
using Encore.Domain.PostPurchase;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class RecurringTermsMissingRuleTests
{
    private static IReadOnlyList<LintFinding> TermsFindings(Price price, string? terms) =>
        Findings(Funnel(Step("club", "Calm club", price, terms: terms)), "recurring-terms-missing");

    [Theory]
    [InlineData("$29.00 every month, charged today. Cancel any time from your account page.")]
    [InlineData("You pay $29 monthly, starting today; to cancel, e-mail help@calm.example and no further charge is made.")]
    [InlineData("29.00 USD per month, first payment immediately. Cancel online at https://calm.example/cancel.")]
    [InlineData("$29.00/mo, first charge on 2026-12-01. Reply to any receipt to cancel.")]
    public void Terms_stating_amount_interval_first_charge_and_how_to_cancel_pass(string terms) =>
        Assert.Empty(TermsFindings(UsdMonthly(2900), terms));

    [Theory]
    [InlineData("You pay $29.00 monthly after your 14-day free trial; cancel by e-mail before then and pay nothing.")]
    [InlineData("Free trial for 2 weeks, then $29.00 a month. Cancel in your account settings at any time.")]
    public void Trial_terms_stating_the_trial_length_pass(string terms) =>
        Assert.Empty(TermsFindings(UsdMonthly(2900, trialDays: 14), terms));

    [Fact]
    public void Quarterly_terms_for_a_price_every_three_months_pass() =>
        Assert.Empty(TermsFindings(UsdEvery(7900, BillingInterval.Month, count: 3), "$79.00 quarterly, charged today; cancel from your account."));

    [Fact]
    public void The_disclosure_Encore_writes_itself_passes()
    {
        foreach (var price in new[] { UsdMonthly(2900), UsdMonthly(2900, trialDays: 14), UsdEvery(19900, BillingInterval.Year) })
        {
            var disclosure = OfferDisclosure.For(new OfferTerms("Calm Co", "help@calm.example", "Calm club", price, "visa", "4242", new DateOnly(2026, 11, 25)));
            Assert.Empty(TermsFindings(price, disclosure.Text));
        }
    }

    [Fact]
    public void The_example_in_the_message_passes()
    {
        foreach (var price in new[] { UsdMonthly(2900), UsdMonthly(2900, trialDays: 30), UsdEvery(900, BillingInterval.Week, count: 2) })
        {
            var message = Assert.Single(TermsFindings(price, null)).Message;
            var example = message[(message.IndexOf("for example: \"", StringComparison.Ordinal) + 14)..^1];
            Assert.Empty(TermsFindings(price, example));
        }
    }

    [Fact]
    public void One_time_prices_need_no_terms() =>
        Assert.Empty(Findings(Demo(), "recurring-terms-missing"));

    [Fact]
    public void Recurring_price_without_stated_terms_is_an_error()
    {
        var finding = Assert.Single(TermsFindings(UsdMonthly(2900), "Join the club!"));
        Assert.Equal(("club", LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.Contains("do not state the amount ($29.00), how often (every month), when the first charge happens (today) and how to cancel", finding.Message);
    }

    [Fact]
    public void Recurring_price_with_no_terms_at_all_is_an_error() =>
        Assert.Single(TermsFindings(UsdMonthly(2900), null));

    [Fact]
    public void Terms_missing_only_how_to_cancel_say_just_that()
    {
        var finding = Assert.Single(TermsFindings(UsdMonthly(2900), "$29.00 monthly, first charge today."));
        Assert.Contains("do not state how to cancel (", finding.Message);
    }

    [Fact]
    public void Cancel_without_saying_how_is_not_enough() =>
        Assert.Contains("how to cancel", Assert.Single(TermsFindings(UsdMonthly(2900), "$29.00 monthly, charged today. Cancel any time.")).Message);

    [Fact]
    public void A_different_amount_that_starts_the_same_is_not_the_amount() =>
        Assert.Contains("the amount ($29.00)", Assert.Single(TermsFindings(UsdMonthly(2900), "$290.00 monthly, charged today; cancel from your account.")).Message);

    [Fact]
    public void Monthly_wording_for_a_price_every_three_months_is_not_the_interval() =>
        Assert.Contains("how often (every 3 months)", Assert.Single(TermsFindings(UsdEvery(7900, BillingInterval.Month, count: 3), "$79.00 monthly, charged today; cancel from your account.")).Message);

    [Fact]
    public void A_trial_price_must_say_how_long_the_trial_is() =>
        Assert.Contains("after the 14-day trial", Assert.Single(TermsFindings(UsdMonthly(2900, trialDays: 14), "$29.00 monthly after a free trial; cancel from your account.")).Message);

    [Fact]
    public void A_recurring_main_product_without_terms_is_an_error_about_the_checkout()
    {
        var funnel = Funnel() with { Main = new OfferItem("Calm Club", ["anxiety"], UsdMonthly(2900)) };
        var finding = Assert.Single(Findings(funnel, "recurring-terms-missing"));
        Assert.Equal((null, LintSeverity.Error), (finding.StepId, finding.Severity));
        Assert.StartsWith("The main product \"Calm Club\" is charged $29.00 every month", finding.Message);
        Assert.Contains("before the Pay button starts a subscription", finding.Message);
    }

    [Fact]
    public void A_recurring_bump_without_terms_is_an_error_naming_the_bump()
    {
        var funnel = Funnel() with { Bumps = [Worksheets, new OfferItem("Weekly calls", ["anxiety"], UsdMonthly(900, trialDays: 14), "Join us!")] };
        var finding = Assert.Single(Findings(funnel, "recurring-terms-missing"));
        Assert.StartsWith("Order bump 2 \"Weekly calls\" is charged $9.00 every month", finding.Message);
        Assert.Contains("after the 14-day trial", finding.Message);
    }

    [Fact]
    public void A_recurring_main_product_and_bump_with_complete_terms_pass()
    {
        var funnel = Funnel() with
        {
            Main = new OfferItem("Calm Club", ["anxiety"], UsdMonthly(2900), "$29.00 every month, charged today; cancel any time from the link in your receipt."),
            Bumps = [new OfferItem("Weekly calls", ["anxiety"], UsdMonthly(900, trialDays: 14), "A free 14-day trial, then $9.00 monthly; cancel by e-mail before then and pay nothing.")],
        };
        Assert.Empty(Findings(funnel, "recurring-terms-missing"));
    }

    [Fact]
    public void The_checkout_disclosure_Encore_writes_itself_passes_for_a_main_product()
    {
        foreach (var price in new[] { UsdMonthly(2900), UsdMonthly(2900, trialDays: 14), UsdEvery(19900, BillingInterval.Year) })
        {
            var text = Subscriptions.CheckoutDisclosure.For("Calm Co", "help@calm.example", "Calm Club", price, new DateOnly(2026, 11, 25), "Pay now").Text;
            Assert.Empty(Findings(Funnel() with { Main = new OfferItem("Calm Club", null, price, text) }, "recurring-terms-missing"));
        }
    }
}
