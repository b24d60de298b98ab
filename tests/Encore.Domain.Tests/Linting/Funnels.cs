using Encore.Domain.Linting;

namespace Encore.Domain.Tests.Linting;

/// <summary>Funnel definitions for the linter's tests, starting from the demo funnel of the seed text.</summary>
internal static class Funnels
{
    public static Price Usd(long cents) => new(new Money(cents, "USD"));

    public static Price Eur(long cents) => new(new Money(cents, "EUR"));

    public static Price UsdEvery(long cents, BillingInterval interval, int count = 1, int trialDays = 0) =>
        new(new Money(cents, "USD"), new Recurrence(interval, count, trialDays));

    public static Price UsdMonthly(long cents, int trialDays = 0) => UsdEvery(cents, BillingInterval.Month, trialDays: trialDays);

    /// <summary>The main product of the seed text: a $47 mini-course.</summary>
    public static OfferItem CalmYourAnxiety { get; } = new("Calm Your Anxiety", ["anxiety", "calm"], Usd(4700));

    /// <summary>Its order bump: $17 of worksheets.</summary>
    public static OfferItem Worksheets { get; } = new("Calm worksheets", ["anxiety", "worksheets"], Usd(1700));

    public const string HonestHeadline = "Add the 4-week guided audio program — today only, with your order";

    public const string HonestBody = "Twenty-eight short guided sessions that take the course further, one a day, 10 minutes each.";

    /// <summary>A step with honest copy and topics related to the course, unless told otherwise.</summary>
    public static StepDefinition Step(string id, string name, Price price, string? onAccept = null, string? onDecline = null, string[]? topics = null,
        string? headline = HonestHeadline, string? body = HonestBody, string? terms = null) =>
        new(id, name, topics ?? ["anxiety", "audio"], price, headline, body, terms, onAccept, onDecline);

    /// <summary>The seed text's funnel: course $47, worksheets bump $17, audio program $97, and if declined a $37 starter.</summary>
    public static FunnelDefinition Demo() => Funnel(
        Step("audio", "4-week guided audio program", Usd(9700), onDecline: "starter"),
        Step("starter", "7-day guided audio starter", Usd(3700)));

    /// <summary>The demo's checkout with these steps, entered at the first.</summary>
    public static FunnelDefinition Funnel(params StepDefinition[] steps) =>
        new("USD", CalmYourAnxiety, [Worksheets], steps, steps.Length > 0 ? steps[0].Id : null);

    /// <summary>A chain of offers, each leading to the next on a yes.</summary>
    public static FunnelDefinition Chain(int length) =>
        Funnel(Enumerable.Range(1, length).Select(i => Step($"s{i}", $"Offer {i}", Usd(9700), onAccept: i < length ? $"s{i + 1}" : null)).ToArray());

    public static IReadOnlyList<LintFinding> Findings(FunnelDefinition? definition, string code) =>
        OfferLinter.Lint(definition).Where(f => f.Code == code).ToList();
}
