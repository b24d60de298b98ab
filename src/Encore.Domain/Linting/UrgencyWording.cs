using System.Text.RegularExpressions;

namespace Encore.Domain.Linting;

/// <summary>The few patterns behind <see cref="Rules.FakeUrgencyRule"/>, each tested with copy that must and must not match.</summary>
internal static partial class UrgencyWording
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>Up to three distinct phrases of invented urgency in <paramref name="copy"/>, as written; empty when there are none.</summary>
    public static IReadOnlyList<string> Find(string copy)
    {
        copy = copy.Replace('\u2019', '\''); // "it’s" reads as "it's"
        var clocks = Clock().Matches(copy).Where(m => m.Groups["clock"].Success);
        var found = new List<string>();
        var end = 0;
        foreach (var match in Pressure().Matches(copy).Concat(clocks).Concat(CountdownMarkup().Matches(copy)).OrderBy(m => m.Index).ThenByDescending(m => m.Length))
        {
            if (match.Index < end) continue; // "10:00" inside "expires in 10:00" is the same finding
            end = match.Index + match.Length;
            if (!found.Contains(match.Value.Trim(), StringComparer.OrdinalIgnoreCase)) found.Add(match.Value.Trim());
        }
        return found.Take(3).ToList();
    }

    /// <summary>Scarcity ("only 3 left", "only 5 spots", "almost gone") and deadline wording ("last chance", "ends tonight").</summary>
    [GeneratedRegex(
        @"\b(?:(?:only|just)\s+\d+\s+(?:left|remaining|spots?|seats?|places?|copies|licen[cs]es)(?:\s+(?:left|remaining))?" +
        @"|\d+\s+(?:spots?|seats?|places?|copies)\s+(?:left|remaining)" +
        @"|(?:almost|nearly)\s+(?:gone|sold\s+out|full)|selling\s+(?:out\s+)?fast|going\s+fast|while\s+(?:supplies|stocks?)\s+lasts?" +
        @"|before\s+(?:it's|it\s+is|they're|they\s+are)\s+gone|once\s+it's\s+gone" +
        @"|last\s+chance|final\s+(?:chance|hours)|hurry(?<!\bno\s+(?:need\s+to\s+)?hurry)|act\s+(?:now|fast|quickly)" +
        @"|limited[\s-]+time|limited\s+(?:spots|seats|places|availability|stock|quantit(?:y|ies))" +
        @"|(?:ends|expires|closes|disappears|goes\s+away)\s+(?:tonight|at\s+midnight|soon|in\s+\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)\b|in\s+\d{1,2}:\d{2})" +
        @"|price\s+(?:goes\s+up|will\s+go\s+up|increases|will\s+increase|doubles|will\s+double)" +
        @"|don't\s+miss\s+out|now\s+or\s+never|time\s+is\s+running\s+out|running\s+out\s+of\s+time|countdown)\b",
        Options)]
    private static partial Regex Pressure();

    /// <summary>
    /// A running clock such as "09:59" or "0:10:00" (group <c>clock</c>). A time of day is matched first and
    /// left out, since it is no countdown: "at 19:00", "from 9:00", "7:30 pm", "10:00 CET".
    /// </summary>
    [GeneratedRegex(
        @"\b(?:at|from|to|until|till|by|before|after|between|and|around)\s+\d{1,2}:\d{2}" +
        @"|\d{1,2}:\d{2}\s*(?:[ap]\.?m\b|h\b|hrs?\b|o'clock|utc|gmt|cet|cest|bst|[ecmp][sd]?t\b)" +
        @"|(?<clock>(?<![\d:])\d{1,2}:[0-5]\d(?::[0-5]\d)?(?![\d:]))",
        Options)]
    private static partial Regex Clock();

    /// <summary>Markup that draws a countdown: a countdown or timer element, data attribute, class or id.</summary>
    [GeneratedRegex(
        @"<\s*(?:[\w-]*countdown|[\w-]*timer)\b|\bdata-(?:countdown|timer|deadline|expires?|expiry)\b|\b(?:class|id)\s*=\s*[""'][^""']*\b(?:countdown|timer)\b",
        Options)]
    private static partial Regex CountdownMarkup();
}
