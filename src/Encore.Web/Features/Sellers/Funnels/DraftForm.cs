using System.ComponentModel.DataAnnotations;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// The editor's one form: the whole draft, posted at once, so no part's edits can drop another's. Bumps and steps are
/// lists of fields in page order (the browser posts repeated names in order); a last blank bump or step is the "add"
/// row, ignored while empty. Each step carries its saved name (<see cref="StepKey"/>), so a rename carries the arrows,
/// and the first offer, that point at it. A <see cref="Command"/> other than "save" (remove or move a bump or a step)
/// applies after the edits, in the same save.
/// </summary>
public sealed class DraftForm
{
    public string? Name { get; set; }
    public string? Slug { get; set; }
    public int WindowMinutes { get; set; } = FunnelDefinitionDto.DefaultWindowMinutes;
    public string? MainPriceId { get; set; }
    public string? MainDescription { get; set; }
    public string? MainTerms { get; set; }
    public string? ThankYouUrl { get; set; }

    /// <summary>Null when the page showed no choice (no steps yet); empty for the thank-you page.</summary>
    [DisplayFormat(ConvertEmptyStringToNull = false)]
    public string? EntryStepId { get; set; }

    public List<string?> BumpPriceId { get; set; } = [];
    public List<string?> BumpDescription { get; set; } = [];
    public List<string?> BumpTerms { get; set; } = [];

    public List<string?> StepKey { get; set; } = [];
    public List<string?> Id { get; set; } = [];
    public List<string?> PriceId { get; set; } = [];
    public List<string?> Opening { get; set; } = [];
    public List<string?> Headline { get; set; } = [];
    public List<string?> Body { get; set; } = [];
    public List<string?> Terms { get; set; } = [];
    public List<string?> OnAccept { get; set; } = [];
    public List<string?> OnDecline { get; set; } = [];

    /// <summary><c>save</c>, or <c>remove-step:{i}</c>, <c>move-step:{i}:{±1}</c>, <c>remove-bump:{i}</c>, <c>move-bump:{i}:{±1}</c>.</summary>
    public string? Command { get; set; }

    /// <summary>The definition this form asks for, and what to tell the seller once it is saved.</summary>
    public (FunnelDefinitionDto Definition, string Done) Apply(FunnelDefinitionDto current)
    {
        var bumps = new List<DefinitionItemDto>();
        for (var i = 0; i < BumpPriceId.Count; i++)
        {
            var (price, description, terms) = (At(BumpPriceId, i), At(BumpDescription, i), At(BumpTerms, i));
            if (price is null && description is null && terms is null) continue; // the empty "add a bump" row
            bumps.Add(new DefinitionItemDto(Guid(price), description, terms));
        }

        var renamed = new Dictionary<string, string?>(StringComparer.Ordinal);
        var rows = new List<(string? Key, string? Id, string? Price, string? Opening, string? Headline, string? Body, string? Terms, string? Accept, string? Decline)>();
        for (var i = 0; i < Id.Count; i++)
        {
            var row = (Key: At(StepKey, i), Id: At(Id, i)?.Trim(), Price: At(PriceId, i), Opening: At(Opening, i), Headline: At(Headline, i), Body: At(Body, i), Terms: At(Terms, i),
                Accept: At(OnAccept, i), Decline: At(OnDecline, i));
            if (row.Key is null && row.Id is null && row.Price is null && row.Opening is null && row.Headline is null && row.Body is null && row.Terms is null) continue; // the empty "add a step" row
            if (row.Key is not null) renamed.TryAdd(row.Key, row.Id);
            rows.Add(row);
        }
        string? Edge(string? value) => FunnelDefinitions.Edge(value) is { } key && renamed.TryGetValue(key, out var now) ? now : FunnelDefinitions.Edge(value);
        // Headline and copy are stored empty rather than missing (terms the other way), so an unchanged form is the stored draft.
        var steps = rows.Select(r => new DefinitionStepDto(r.Id, Guid(r.Price), r.Headline ?? "", r.Body ?? "", r.Terms, Edge(r.Accept), Edge(r.Decline), r.Opening)).ToList();
        var entry = EntryStepId is null ? Edge(current.EntryStepId) ?? steps.FirstOrDefault()?.Id : Edge(EntryStepId);

        var definition = current with
        {
            Name = Name,
            Slug = string.IsNullOrWhiteSpace(Slug) ? current.Slug : Slug,
            WindowMinutes = WindowMinutes,
            Main = new DefinitionItemDto(Guid(MainPriceId), MainDescription, MainTerms),
            ThankYouUrl = ThankYouUrl,
            Bumps = bumps,
            Steps = steps,
            EntryStepId = entry,
        };
        return ApplyCommand(definition);
    }

    private (FunnelDefinitionDto, string) ApplyCommand(FunnelDefinitionDto d)
    {
        var parts = (Command ?? "save").Split(':');
        var index = parts.Length > 1 && int.TryParse(parts[1], out var i) ? i : -1;
        var direction = parts.Length > 2 && int.TryParse(parts[2], out var s) ? s : 0;
        var steps = d.Steps ?? [];
        switch (parts[0])
        {
            case "remove-bump":
                return (d with { Bumps = Remove(d.Bumps, index) }, "Saved; bump removed.");
            case "move-bump":
                return (d with { Bumps = Move(d.Bumps, index, direction) }, "Saved; bumps reordered.");
            case "move-step":
                return (d with { Steps = Move(steps, index, direction) }, "Saved; steps reordered.");
            case "remove-step" when index >= 0 && index < steps.Count:
                var key = steps[index]?.Id;
                var rest = Remove(steps, index).Select(st => st with
                {
                    OnAccept = st.OnAccept == key ? null : st.OnAccept,
                    OnDecline = st.OnDecline == key ? null : st.OnDecline,
                }).ToList();
                return (d with { Steps = rest, EntryStepId = d.EntryStepId == key ? rest.FirstOrDefault()?.Id : d.EntryStepId },
                    "Saved; step removed, and arrows that led to it now lead to thank-you.");
            default:
                return (d, "Saved.");
        }
    }

    private static string? At(List<string?> list, int index) => index < list.Count && !string.IsNullOrWhiteSpace(list[index]) ? list[index] : null;

    private static Guid? Guid(string? value) => System.Guid.TryParse(value, out var id) ? id : null;

    private static List<T> Remove<T>(IReadOnlyList<T?>? list, int index) where T : class =>
        (list ?? []).Where((_, i) => i != index).OfType<T>().ToList();

    private static List<T> Move<T>(IReadOnlyList<T>? list, int index, int direction)
    {
        var items = (list ?? []).ToList();
        var target = index + Math.Sign(direction);
        if (index < 0 || index >= items.Count || target < 0 || target >= items.Count) return items;
        (items[index], items[target]) = (items[target], items[index]);
        return items;
    }
}
