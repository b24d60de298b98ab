using Encore.Domain.Linting;
using static Encore.Domain.Tests.Linting.Funnels;

namespace Encore.Domain.Tests.Linting;

/// <summary>Definitions no form would produce but a JSON client can send.</summary>
internal static class OfferDefinitions
{
    private static readonly Price NoCurrency = new(default);

    public static TheoryData<FunnelDefinition?> Odd => new()
    {
        (FunnelDefinition?)null,
        new FunnelDefinition(null!, null!, null, null, null),
        new FunnelDefinition("", null!, [null!], [null!], ""),
        Demo() with { Main = null! },
        Demo() with { Bumps = null, Steps = [], EntryStepId = "nowhere" },
        Demo() with { Steps = [null!, null!], EntryStepId = null },
        Demo() with { Currency = "usd" },
        Funnel(new StepDefinition(null!, null!, null, null!, null, null, null, null, null)),
        Funnel(new StepDefinition(null!, null!, null, null!, null, null, null, null, null)) with { EntryStepId = "" },
        Funnel(new StepDefinition("", "", null, Usd(0), null, null, null, "", "")),
        Funnel(new StepDefinition("x", "", [null!, " ", ""], UsdMonthly(1), null, null, null, "x", "x")),
        Funnel(Step("a", "A", NoCurrency, onDecline: "b"), Step("b", "B", NoCurrency)) with { Main = new OfferItem("M", null, NoCurrency) },
        Funnel(Step("a", "A", UsdEvery(100, BillingInterval.Month, count: 0), onDecline: "b"), Step("b", "B", UsdEvery(100, BillingInterval.Week, count: -5))),
        Funnel(Step("a", "A", UsdEvery(100, (BillingInterval)42), onDecline: "b"), Step("b", "B", UsdEvery(100, BillingInterval.Day, trialDays: -1))),
        Funnel(Step("a", "A", Usd(long.MaxValue), onDecline: "b"), Step("b", "B", new Price(new Money(long.MaxValue, "USD"), new Recurrence(BillingInterval.Day)))),
        Funnel(Step("a", "A", new Price(new Money(long.MinValue, "JPY")), onDecline: "b"), Step("b", "B", Usd(long.MinValue))),
        Funnel(Step("a", "A", Usd(100), onAccept: "a", onDecline: "a"), Step("a", "A again", Usd(100), onAccept: "a")),
        Funnel(Step("a", "A", Usd(100), onAccept: "b"), Step("b", "B", Usd(100), onAccept: "a", topics: [])) with { Main = new OfferItem(null!, [null!], Usd(1)) },
        Funnel(Step("a", "A", Usd(100), headline: null, body: null, terms: null)) with { Bumps = [new OfferItem(null!, null, null!)] },
        Funnel(Step("a", "A", UsdMonthly(100), terms: "", headline: "", body: "<countdown></countdown>")),
    };
}
