namespace Encore.Domain.Linting;

/// <summary>How findings name what they are about, in the seller's words.</summary>
internal static class Names
{
    /// <summary>"\"4-week audio program\"", or "the offer at step 'oto'" when it has no name.</summary>
    public static string Of(StepDefinition step) =>
        string.IsNullOrWhiteSpace(step.ProductName) ? $"the offer at step '{step.Id}'" : Quoted(step.ProductName);

    /// <summary>"\"Worksheets\"", or <paramref name="fallback"/> when it has no name.</summary>
    public static string Of(OfferItem? item, string fallback) =>
        item is null || string.IsNullOrWhiteSpace(item.Name) ? fallback : Quoted(item.Name);

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string List(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";

    private static string Quoted(string name) => $"\"{name.Trim()}\"";
}
