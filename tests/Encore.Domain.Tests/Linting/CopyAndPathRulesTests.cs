using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

public sealed class CopyAndPathRulesTests
{
    [Theory]
    [InlineData("Only 3 left at this price")]
    [InlineData("This offer expires in 10:00")]
    [InlineData("Last chance to add it")]
    [InlineData("Hurry, limited time!")]
    [InlineData("<div class=\"timer\">09:59</div>")]
    [InlineData("Don't miss out, it ends tonight")]
    public void Countdown_and_scarcity_wording_is_fake_urgency(string copy)
    {
        var finding = Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700), body: copy)), "fake-urgency"));
        Assert.Equal(LintSeverity.Warning, finding.Severity);
    }

    [Theory]
    [InlineData("Add the 4-week guided audio program to your order, today only, with your order")]
    [InlineData("A one-time offer: sessions at 7:30 am, 12 lessons, only for buyers of the course")]
    public void Plain_copy_is_not_fake_urgency(string copy) =>
        Assert.Empty(Findings(Demo(Step("oto", "Program", Usd(9700), headline: copy, body: copy)), "fake-urgency"));

    [Fact]
    public void Audio_program_after_anxiety_course_is_related() =>
        Assert.Empty(Findings(Demo(), "unrelated-offer"));

    [Fact]
    public void Business_coaching_after_a_sleep_program_is_unrelated()
    {
        var sleep = Demo(Step("oto", "Business coaching package", Usd(49700), topics: ["business", "coaching"])) with
        {
            Main = new OfferItem("Better Sleep program", ["sleep", "rest"], Usd(4700)),
            Bumps = [],
        };
        var finding = Assert.Single(Findings(sleep, "unrelated-offer"));
        Assert.Equal(("oto", LintSeverity.Warning), (finding.StepId, finding.Severity));
        Assert.Contains("sleep", finding.Message);
    }

    [Fact]
    public void After_a_yes_the_accepted_offer_counts_as_bought()
    {
        var chain = Demo(
            Step("oto", "4-week audio program", Usd(9700), onAccept: "up", topics: ["anxiety", "audio"]),
            Step("up", "Audio journaling kit", Usd(4700), topics: ["audio", "journaling"]));
        Assert.Empty(Findings(chain, "unrelated-offer"));
    }

    [Fact]
    public void A_downsell_is_compared_with_what_was_bought_before_the_declined_offer()
    {
        var chain = Demo(
            Step("oto", "4-week audio program", Usd(9700), onDecline: "down", topics: ["anxiety", "audio"]),
            Step("down", "Audio journaling kit", Usd(3700), topics: ["audio", "journaling"]));
        Assert.Equal("down", Assert.Single(Findings(chain, "unrelated-offer")).StepId);
    }

    [Fact]
    public void An_offer_without_topics_is_flagged() =>
        Assert.Contains("no topics", Assert.Single(Findings(Demo(Step("oto", "Program", Usd(9700), topics: [])), "unrelated-offer")).Message);

    [Fact]
    public void Three_offers_in_a_row_is_a_warning_and_five_an_error()
    {
        var three = Demo(Step("a", "A", Usd(9700), onAccept: "b"), Step("b", "B", Usd(9700), onAccept: "c"), Step("c", "C", Usd(9700)));
        Assert.Equal(LintSeverity.Warning, Assert.Single(Findings(three, "too-many-offers")).Severity);
        var five = Demo(Step("a", "A", Usd(9700), onAccept: "b"), Step("b", "B", Usd(9700), onAccept: "c"), Step("c", "C", Usd(9700), onAccept: "d"),
            Step("d", "D", Usd(9700), onAccept: "e"), Step("e", "E", Usd(9700)));
        Assert.Equal(LintSeverity.Error, Assert.Single(Findings(five, "too-many-offers")).Severity);
    }

    [Fact]
    public void An_offer_and_its_downsell_are_not_too_many() =>
        Assert.Empty(Findings(Demo(), "too-many-offers"));
}
