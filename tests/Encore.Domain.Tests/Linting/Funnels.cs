using Encore.Domain.Linting;

namespace Encore.Domain.Tests.Linting;

/// <summary>Funnel definitions for the linter's tests, starting from the demo funnel of the seed text.</summary>
internal static class Funnels
{
    public static Price Usd(long cents) => new(new Money(cents, "USD"));

    public static Price UsdMonthly(long cents, int trialDays = 0) => new(new Money(cents, "USD"), new Recurrence(BillingInterval.Month, TrialDays: trialDays));

    public static StepDefinition Step(string id, string name, Price price, string? onAccept = null, string? onDecline = null, string[]? topics = null,
        string headline = "Go deeper", string body = "The natural next step.", string? terms = null) =>
        new(id, name, topics ?? ["anxiety", "calm", "audio"], price, headline, body, terms, onAccept, onDecline);

    /// <summary>The seed text's example: $47 course, $17 worksheets, $97 four-week audio program, $37 seven-day starter.</summary>
    public static FunnelDefinition Demo(params StepDefinition[] steps) => new(
        "USD",
        new OfferItem("Calm Your Anxiety", ["anxiety", "calm", "course"], Usd(4700)),
        [new OfferItem("Printable calm-down worksheets", ["anxiety", "calm", "worksheets"], Usd(1700))],
        steps.Length > 0 ? steps : [Step("oto", "4-week guided audio program", Usd(9700), onDecline: "down"), Step("down", "7-day guided audio starter", Usd(3700))],
        steps.Length > 0 ? steps[0].Id : "oto");

    public static IReadOnlyList<LintFinding> Findings(FunnelDefinition definition, string code) =>
        OfferLinter.Lint(definition).Where(f => f.Code == code).ToList();
}
