using System.Security.Cryptography;
using System.Text;
using Encore.Domain.PostPurchase;

namespace Encore.Domain.Tests;

public sealed class OfferDisclosureTests
{
    private static OfferTerms Terms(Price price) => new(
        "Calm Mind Coaching", "support@calmmind.example", "4-week guided audio program", price, "visa", "4242", new DateOnly(2026, 11, 25));

    [Fact]
    public void States_what_how_much_how_often_and_which_card()
    {
        var disclosure = OfferDisclosure.For(Terms(new Price(new Money(9700, "USD"))));
        Assert.Contains("4-week guided audio program", disclosure.Text);
        Assert.Contains("$97.00 USD once", disclosure.Text);
        Assert.Contains("one-time charge", disclosure.Text);
        Assert.Contains("Visa ending in 4242", disclosure.Text);
        Assert.Contains("Calm Mind Coaching", disclosure.Text);
        Assert.Equal("Yes, add it for $97.00", disclosure.AcceptLabel);
        Assert.Contains(disclosure.AcceptLabel, disclosure.Text);
    }

    [Fact]
    public void The_sellers_own_terms_are_part_of_what_is_agreed_and_of_its_hash()
    {
        var price = new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month));
        var plain = OfferDisclosure.For(Terms(price));
        var withTerms = OfferDisclosure.For(Terms(price) with { SellerTerms = "  Cancel any time from your account page.  " });
        Assert.EndsWith("Calm Mind Coaching's terms for this offer: Cancel any time from your account page.", withTerms.Text);
        Assert.NotEqual(plain.Sha256, withTerms.Sha256);
        Assert.Equal(plain, OfferDisclosure.For(Terms(price) with { SellerTerms = " " }));
    }

    [Fact]
    public void Hash_is_lowercase_hex_sha256_of_the_utf8_text()
    {
        var disclosure = OfferDisclosure.For(Terms(new Price(new Money(9700, "USD"))));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(disclosure.Text)));
        Assert.Equal(expected, disclosure.Sha256);
    }

    [Fact]
    public void Same_terms_give_the_same_text_and_other_terms_another()
    {
        var price = new Price(new Money(9700, "USD"));
        Assert.Equal(OfferDisclosure.For(Terms(price)), OfferDisclosure.For(Terms(price)));
        Assert.NotEqual(OfferDisclosure.For(Terms(price)).Sha256, OfferDisclosure.For(Terms(new Price(new Money(9701, "USD")))).Sha256);
        Assert.NotEqual(OfferDisclosure.For(Terms(price)).Sha256, OfferDisclosure.For(Terms(price) with { CardLast4 = "4444" }).Sha256);
    }

    [Fact]
    public void Recurring_terms_state_amount_interval_first_charge_and_how_to_cancel()
    {
        var text = OfferDisclosure.For(Terms(new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month)))).Text;
        Assert.Contains("$29.00 USD today (2026-11-25)", text);
        Assert.Contains("every month", text);
        Assert.Contains("until you cancel", text);
        Assert.Contains("support@calmmind.example", text);
    }

    [Fact]
    public void A_trial_moves_the_first_charge_date()
    {
        var text = OfferDisclosure.For(Terms(new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month, TrialDays: 14)))).Text;
        Assert.Contains("free trial of 14 days: nothing is charged today, the first charge is on 2026-12-09", text);
    }

    [Fact]
    public void A_plan_states_every_payment_the_total_and_the_last_date()
    {
        var price = new Price(new Money(3300, "USD"), new Recurrence(BillingInterval.Month, Payments: 3));
        var text = OfferDisclosure.For(Terms(price)).Text;
        Assert.Contains("3 payments of $33.00 USD every month ($99.00 USD in all): the first today (2026-11-25), the last on 2027-01-25; nothing is charged after that.", text);
        Assert.Equal("Yes, add it for 3 monthly payments of $33.00, $99.00 in all", OfferDisclosure.For(Terms(price)).AcceptLabel);
    }

    [Fact]
    public void A_trial_button_says_it_starts_a_trial()
    {
        var price = new Price(new Money(2900, "USD"), new Recurrence(BillingInterval.Month, TrialDays: 7));
        Assert.Equal("Yes, start the 7-day free trial, then $29.00 every month", OfferDisclosure.For(Terms(price)).AcceptLabel);
    }

    [Fact]
    public void Matches_only_its_own_hash_in_either_case()
    {
        var disclosure = OfferDisclosure.For(Terms(new Price(new Money(9700, "USD"))));
        Assert.True(disclosure.Matches(disclosure.Sha256));
        Assert.True(disclosure.Matches(disclosure.Sha256.ToUpperInvariant()));
        Assert.False(disclosure.Matches(new string('0', 64)));
        Assert.False(disclosure.Matches(null));
        Assert.False(disclosure.Matches("abc"));
    }
}
