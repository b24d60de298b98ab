namespace Encore.Web.Features.Sellers.Products;

/// <summary>A product as the seller API takes it. Topics say what it is about; the linter compares them.</summary>
public sealed record ProductRequest(string? Name, string? Description, IReadOnlyList<string>? Topics)
{
    public const int MaxTopics = 20;

    /// <summary>The fields that are wrong, or null when the request is good.</summary>
    public static Dictionary<string, string[]>? Validate(ProductRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null) return new() { ["body"] = ["A product is required."] };
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200) errors["name"] = ["A name of 1 to 200 characters is required."];
        if (request.Description is { Length: > 4000 }) errors["description"] = ["The description can be at most 4,000 characters."];
        var topics = request.Topics ?? [];
        if (topics.Count > MaxTopics) errors["topics"] = [$"At most {MaxTopics} topics."];
        else if (topics.Any(t => t is null || t.Trim().Length is 0 or > 50)) errors["topics"] = ["Each topic is 1 to 50 characters, like \"anxiety\" or \"sleep\"."];
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>Topics as stored: trimmed, lower case, each once.</summary>
    public static List<string> CleanTopics(IReadOnlyList<string>? topics) =>
        (topics ?? []).Select(t => t.Trim().ToLowerInvariant()).Distinct().ToList();
}
