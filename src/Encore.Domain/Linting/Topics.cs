namespace Encore.Domain.Linting;

/// <summary>Topics as the linter compares them: trimmed, case ignored, blanks dropped.</summary>
internal static class Topics
{
    public static HashSet<string> Of(IEnumerable<string?>? topics) =>
        new((topics ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()), StringComparer.OrdinalIgnoreCase);

    /// <summary>"anxiety, calm" in a stable order, or "no topics".</summary>
    public static string Describe(IEnumerable<string> topics)
    {
        var sorted = topics.Select(t => t.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "no topics" : string.Join(", ", sorted);
    }
}
