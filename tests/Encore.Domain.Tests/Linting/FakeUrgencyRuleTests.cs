using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class FakeUrgencyRuleTests
{
    private static IReadOnlyList<LintFinding> CopyFindings(string headline, string body = HonestBody) =>
        Findings(Funnel(Step("audio", "Audio program", Usd(9700), headline: headline, body: body)), "fake-urgency");

    [Theory]
    [InlineData("Only 3 left at this price")]
    [InlineData("Only 5 spots in the group")]
    [InlineData("Just 2 seats remaining")]
    [InlineData("This offer expires in 10:00")]
    [InlineData("Expires in 15 minutes")]
    [InlineData("Last chance to add it")]
    [InlineData("Hurry, add it now")]
    [InlineData("For a limited time")]
    [InlineData("Limited-time price")]
    [InlineData("The deal ends tonight")]
    [InlineData("Grab it before it's gone")]
    [InlineData("Grab it before it’s gone")]
    [InlineData("Almost sold out")]
    [InlineData("Don't miss out")]
    [InlineData("The price goes up at midnight")]
    [InlineData("Offer closes in 09:59")]
    [InlineData("<countdown minutes=\"10\"></countdown>")]
    [InlineData("<div data-countdown=\"600\"></div>")]
    [InlineData("<span class=\"offer timer big\">10:00</span>")]
    [InlineData("<div id='countdown'></div>")]
    public void Countdown_and_scarcity_wording_is_fake_urgency(string copy)
    {
        var finding = Assert.Single(CopyFindings(HonestHeadline, copy));
        Assert.Equal(("audio", LintSeverity.Warning), (finding.StepId, finding.Severity));
    }

    [Theory]
    [InlineData(HonestHeadline)]
    [InlineData("A one-time offer for buyers of the course")]
    [InlineData("The 4-week program, and a 7-day starter if you prefer")]
    [InlineData("Only $37 for the starter, only for buyers of the course")]
    [InlineData("Live group calls every Tuesday at 19:00, recordings by 20:30")]
    [InlineData("Morning sessions start 7:30 am; evening ones 9:00 pm")]
    [InlineData("No hurry: the recordings are yours for life")]
    [InlineData("There is no need to hurry through the lessons")]
    [InlineData("A 1:1 session with me, 12 lessons, 10-minute audios")]
    [InlineData("Your free trial ends in 14 days; you will not be shown this offer again")]
    [InlineData("<div class=\"offer\"><p>Time to go deeper</p></div>")]
    public void Plain_copy_is_not_fake_urgency(string copy) =>
        Assert.Empty(CopyFindings(copy, copy));

    [Fact]
    public void The_finding_quotes_what_it_found_once()
    {
        var finding = Assert.Single(CopyFindings("Last chance!", "This offer expires in 10:00. Hurry!"));
        Assert.Contains("\"Last chance\", \"expires in 10:00\" and \"Hurry\"", finding.Message);
    }

    [Fact]
    public void Headline_and_body_are_both_read() =>
        Assert.Equal(2, Findings(Funnel(
            Step("audio", "Audio program", Usd(9700), headline: "Hurry!", onDecline: "starter"),
            Step("starter", "Starter", Usd(3700), body: "Only 3 left")), "fake-urgency").Count);
}
