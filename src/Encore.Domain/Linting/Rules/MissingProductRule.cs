namespace Encore.Domain.Linting.Rules;

/// <summary>Holes in the definition itself: no funnel, no main product, or an empty entry in the bumps or steps.</summary>
public sealed class MissingProductRule : IOfferRule
{
    public string Code => "missing-product";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        if (context.Definition is not { } definition)
        {
            yield return Error("There is no funnel to check. Send the main product with its price, and any bumps and offers.");
            yield break;
        }
        if (context.Main is null)
            yield return Error("The funnel has no main product. Add the product the checkout page sells, with its price and topics.");
        foreach (var position in EmptyPositions(definition.Bumps))
            yield return Error($"Order bump {position} is empty. Remove it, or give it a name, topics and a price.");
        foreach (var position in EmptyPositions(definition.Steps))
            yield return Error($"Step {position} is empty. Remove it, or give it an id, a product, a price and its yes and no edges.");
    }

    private static IEnumerable<int> EmptyPositions<T>(IReadOnlyList<T?>? items) where T : class =>
        (items ?? []).Select((item, index) => (item, index)).Where(x => x.item is null).Select(x => x.index + 1);

    private LintFinding Error(string message) => new(Code, LintSeverity.Error, null, message);
}
