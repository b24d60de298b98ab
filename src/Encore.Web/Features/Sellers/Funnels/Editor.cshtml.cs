using System.Text.Json;
using Encore.Domain.Linting;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// The funnel editor: the map, the linter's findings, and a form per part of the definition. Every change
/// saves the whole definition through <see cref="FunnelDrafts"/> (the same path as the seller API), so the
/// page can never store what the API would refuse. Works without JavaScript.
/// </summary>
public sealed class EditorModel(FunnelDrafts drafts, FunnelDefinitions definitions, Data.EncoreDbContext db) : PageModel
{
    [FromRoute] public Guid FunnelId { get; set; }

    public Funnel Funnel { get; private set; } = null!;

    /// <summary>The draft being edited, or the published version when there are no unpublished changes.</summary>
    public FunnelVersion? Version { get; private set; }

    public FunnelDefinitionDto Definition { get; private set; } = null!;
    public List<(PricedProduct Product, bool Archived)> Prices { get; private set; } = [];
    public IReadOnlyList<LintFinding> Findings { get; private set; } = [];
    public FunnelMap? Map { get; private set; }
    public List<FunnelVersion> Versions { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = [];
    public string? Message { get; private set; }

    /// <summary>What a change did (shown as a success), or that it did nothing (<see cref="Note"/>).</summary>
    [TempData] public string? Flash { get; set; }

    [TempData] public string? Note { get; set; }

    public bool IsDraft => Version?.Status == FunnelVersionStatus.Draft;
    public bool BlocksPublishing => OfferLinter.BlocksPublishing(Findings);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadEditableAsync(cancellationToken) ? await PageAsync(cancellationToken) : NotFound();

    public Task<IActionResult> OnPostSettingsAsync(string? name, string? slug, int windowMinutes, Guid? mainPriceId, string? mainDescription, string? mainTerms,
        string? thankYouUrl, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with
        {
            Name = name, Slug = string.IsNullOrWhiteSpace(slug) ? d.Slug : slug, WindowMinutes = windowMinutes,
            Main = new DefinitionItemDto(mainPriceId, mainDescription, mainTerms), ThankYouUrl = thankYouUrl,
        }, "Saved.", cancellationToken);

    public Task<IActionResult> OnPostAddBumpAsync(Guid? priceId, string? description, string? terms, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { Bumps = [.. d.Bumps ?? [], new DefinitionItemDto(priceId, description, terms)] }, "Bump added.", cancellationToken);

    public Task<IActionResult> OnPostBumpAsync(int index, Guid? priceId, string? description, string? terms, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { Bumps = Replace(d.Bumps, index, new DefinitionItemDto(priceId, description, terms)) }, "Bump saved.", cancellationToken);

    public Task<IActionResult> OnPostRemoveBumpAsync(int index, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { Bumps = Remove(d.Bumps, index) }, "Bump removed.", cancellationToken);

    public Task<IActionResult> OnPostMoveBumpAsync(int index, int direction, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { Bumps = Move(d.Bumps, index, direction) }, "Bumps reordered.", cancellationToken);

    public Task<IActionResult> OnPostAddStepAsync(
        string? id, Guid? priceId, string? headline, string? body, string? terms, string? onAccept, string? onDecline, string? opening, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with
        {
            Steps = [.. d.Steps ?? [], new DefinitionStepDto(id, priceId, headline, body, terms, FunnelDefinitions.Edge(onAccept), FunnelDefinitions.Edge(onDecline), opening)],
            EntryStepId = d.EntryStepId ?? id?.Trim(),
        }, "Step added.", cancellationToken);

    public Task<IActionResult> OnPostStepAsync(
        int index, string? id, Guid? priceId, string? headline, string? body, string? terms, string? onAccept, string? onDecline, string? opening, CancellationToken cancellationToken) =>
        ChangeAsync(d =>
        {
            var steps = d.Steps ?? [];
            if (index < 0 || index >= steps.Count) return d;
            var oldKey = steps[index]?.Id;
            var newKey = id?.Trim();
            string? Renamed(string? edge) => edge is not null && edge == oldKey ? newKey : edge;
            var updated = steps.Select((s, i) => i == index
                ? new DefinitionStepDto(newKey, priceId, headline, body, terms, FunnelDefinitions.Edge(onAccept), FunnelDefinitions.Edge(onDecline), opening)
                : s! with { OnAccept = Renamed(s.OnAccept), OnDecline = Renamed(s.OnDecline) }).ToList();
            // An edge from the step to itself under its old name follows the rename too.
            updated[index] = updated[index] with { OnAccept = Renamed(updated[index].OnAccept), OnDecline = Renamed(updated[index].OnDecline) };
            return d with { Steps = updated, EntryStepId = Renamed(d.EntryStepId) };
        }, "Step saved.", cancellationToken);

    public Task<IActionResult> OnPostRemoveStepAsync(int index, CancellationToken cancellationToken) =>
        ChangeAsync(d =>
        {
            var steps = d.Steps ?? [];
            if (index < 0 || index >= steps.Count) return d;
            var key = steps[index]?.Id;
            var rest = Remove(steps, index).Select(s => s with
            {
                OnAccept = s.OnAccept == key ? null : s.OnAccept,
                OnDecline = s.OnDecline == key ? null : s.OnDecline,
            }).ToList();
            return d with { Steps = rest, EntryStepId = d.EntryStepId == key ? rest.FirstOrDefault()?.Id : d.EntryStepId };
        }, "Step removed; arrows that led to it now lead to thank-you.", cancellationToken);

    public Task<IActionResult> OnPostMoveStepAsync(int index, int direction, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { Steps = Move(d.Steps, index, direction) }, "Steps reordered.", cancellationToken);

    public Task<IActionResult> OnPostEntryAsync(string? entryStepId, CancellationToken cancellationToken) =>
        ChangeAsync(d => d with { EntryStepId = FunnelDefinitions.Edge(entryStepId) }, "First offer set.", cancellationToken);

    public async Task<IActionResult> OnPostPublishAsync(CancellationToken cancellationToken)
    {
        var change = await drafts.PublishAsync(User.SellerId(), FunnelId, cancellationToken);
        switch (change.Status)
        {
            case FunnelChangeStatus.NotFound:
                return NotFound();
            case FunnelChangeStatus.Done:
                Flash = $"Published: buyers now get version {change.Version!.Number}. Buyers in the middle of an order finish on the version they started with.";
                return Redirect($"/seller/funnels/{FunnelId}");
            case FunnelChangeStatus.Invalid:
                Errors = change.Errors!;
                break;
            case FunnelChangeStatus.Blocked:
                Message = "Not published: the offer linter found errors. Fix them and publish again.";
                break;
            default:
                Message = change.Message;
                break;
        }
        return await LoadEditableAsync(cancellationToken) ? await PageAsync(cancellationToken) : NotFound();
    }

    private async Task<IActionResult> ChangeAsync(Func<FunnelDefinitionDto, FunnelDefinitionDto> change, string done, CancellationToken cancellationToken)
    {
        if (!await LoadEditableAsync(cancellationToken)) return NotFound();
        var attempted = change(Definition);
        if (Version is not null && JsonSerializer.Serialize(attempted) == JsonSerializer.Serialize(Definition))
        {
            Note = "Nothing changed."; // and no draft is started for it
            return Redirect($"/seller/funnels/{FunnelId}");
        }
        var result = await drafts.SaveAsync(User.SellerId(), FunnelId, attempted, cancellationToken);
        switch (result.Status)
        {
            case FunnelChangeStatus.NotFound:
                return NotFound();
            case FunnelChangeStatus.Done:
                Flash = done;
                return Redirect($"/seller/funnels/{FunnelId}");
            case FunnelChangeStatus.Invalid:
                Errors = result.Errors!;
                break;
            default:
                Message = result.Message;
                break;
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        var page = await PageAsync(cancellationToken); // the map and findings of what is stored
        if (result.Status == FunnelChangeStatus.Invalid) Definition = attempted; // the forms show what was typed, next to what is wrong with it
        return page;
    }

    /// <summary>The funnel and the version the editor works on, as a definition: all a change needs.</summary>
    private async Task<bool> LoadEditableAsync(CancellationToken cancellationToken)
    {
        if (await drafts.EditableAsync(User.SellerId(), FunnelId, cancellationToken) is not { } editable) return false;
        (Funnel, Version) = editable;
        Definition = Version is null
            ? new FunnelDefinitionDto(Funnel.Name, Funnel.Slug, FunnelDefinitionDto.DefaultWindowMinutes, new DefinitionItemDto(null), [], [], null)
            : FunnelDrafts.ToDefinition(Funnel, Version);
        return true;
    }

    /// <summary>What only a rendered page shows (a change that succeeds redirects without it): prices, versions, findings, the map.</summary>
    private async Task<IActionResult> PageAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        Prices = await definitions.ListAsync(sellerId, cancellationToken);
        Versions = await db.FunnelVersions.AsNoTracking().Where(v => v.FunnelId == FunnelId).OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        var (resolved, _) = await definitions.ResolveAsync(sellerId, Definition, ResolveMode.Lint, cancellationToken);
        Findings = resolved is null ? [] : FunnelDrafts.Lint(resolved);
        if (Version is not null) Map = MapOf(Version, Findings, key => $"#step-{key}");
        return Page();
    }

    /// <summary>The map of a stored version, with the linter's findings marked on its steps.</summary>
    public static FunnelMap MapOf(FunnelVersion version, IReadOnlyList<LintFinding> findings, Func<string, string?>? href = null)
    {
        var keys = version.Steps.ToDictionary(s => s.Id, s => s.Key);
        string? Key(Guid? id) => id is { } value && keys.TryGetValue(value, out var key) ? key : null;
        return FunnelMap.Build(
            version.MainName, version.MainPrice.ToPrice().Describe(),
            version.Bumps.OrderBy(b => b.Position).Select(b => b.Name).ToList(),
            version.Steps.OrderBy(s => s.Position).Select(s => new MapStep(
                s.Key, s.ProductName, s.Price.ToPrice().Describe(), s.Kind == OfferStepKind.Downsell, Key(s.OnAcceptStepId), Key(s.OnDeclineStepId))).ToList(),
            Key(version.EntryStepId), findings, href);
    }

    private static List<T> Replace<T>(IReadOnlyList<T>? list, int index, T item) =>
        (list ?? []).Select((x, i) => i == index ? item : x).ToList();

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
