using System.Text.RegularExpressions;
using Encore.Domain;
using Encore.Domain.Linting;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>A seller's price with the product it sells, as a definition refers to it.</summary>
public sealed record PricedProduct(Guid PriceId, Guid ProductId, string ProductName, string ProductDescription, IReadOnlyList<string> Topics, Price Price);

public sealed record ResolvedItem(PricedProduct Product, string Description, string? Terms);

public sealed record ResolvedStep(
    string Key, PricedProduct Product, string Headline, string Body, string? Terms, string? OnAccept, string? OnDecline, string? Opening = null);

/// <summary>A definition whose prices were found among the seller's: ready to lint, and (when storable) to save.</summary>
public sealed record ResolvedFunnel(
    FunnelDefinitionDto Source,
    ResolvedItem Main,
    IReadOnlyList<ResolvedItem> Bumps,
    IReadOnlyList<ResolvedStep> Steps,
    string? EntryStepId,
    int WindowMinutes,
    string? ThankYouUrl = null)
{
    /// <summary>The definition the offer linter reads.</summary>
    public FunnelDefinition ToLintDefinition() => new(
        Main.Product.Price.Amount.Currency,
        Item(Main),
        Bumps.Select(Item).ToList(),
        Steps.Select(s => new StepDefinition(
            s.Key, s.Product.ProductName, s.Product.Topics, s.Product.Price, s.Headline, s.Body, s.Terms, s.OnAccept, s.OnDecline)).ToList(),
        EntryStepId);

    private static OfferItem Item(ResolvedItem item) => new(item.Product.ProductName, item.Product.Topics, item.Product.Price, item.Terms);
}

public enum ResolveMode
{
    /// <summary>Only what the linter cannot read is an error: structure faults become findings.</summary>
    Lint,

    /// <summary>Everything a stored draft needs: step ids, known edges, lengths, a usable window.</summary>
    Save,
}

/// <summary>
/// Reads a funnel definition against the seller's own prices: one query for every price it names, and
/// errors named by JSON path for what cannot be used. Another seller's price is "not found", like any unknown id.
/// </summary>
public sealed partial class FunnelDefinitions(EncoreDbContext db)
{
    public const int MaxHeadline = 200;
    public const int MaxOpening = 200;
    public const int MaxBody = 8000;
    public const int MaxTerms = 4000;
    public const int MaxDescription = 4000;

    public async Task<(ResolvedFunnel? Funnel, Dictionary<string, string[]> Errors)> ResolveAsync(
        Guid sellerId, FunnelDefinitionDto? dto, ResolveMode mode, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (dto is null) return (null, new() { ["body"] = ["A funnel definition is required."] });
        var bumps = dto.Bumps ?? [];
        var steps = dto.Steps ?? [];
        if (bumps.Count > FunnelDefinitionDto.MaxBumps) errors["bumps"] = [$"At most {FunnelDefinitionDto.MaxBumps} order bumps: more crowd the checkout."];
        if (steps.Count > LintContext.MaxSteps) errors["steps"] = [$"At most {LintContext.MaxSteps} steps."];
        if (errors.Count > 0) return (null, errors);

        var ids = new[] { dto.Main?.PriceId }.Concat(bumps.Select(b => b?.PriceId)).Concat(steps.Select(s => s?.PriceId))
            .OfType<Guid>().Distinct().ToList();
        var prices = await LoadAsync(sellerId, ids, cancellationToken);

        PricedProduct? Priced(Guid? priceId, string path)
        {
            if (priceId is not { } id) { errors[$"{path}.priceId"] = ["Choose one of your prices."]; return null; }
            if (!prices.TryGetValue(id, out var found)) { errors[$"{path}.priceId"] = ["You have no price with this id."]; return null; }
            if (found.Archived) { errors[$"{path}.priceId"] = ["This price is archived; choose a current one."]; return null; }
            return found.Product;
        }

        string Text(string? value, int max, string path)
        {
            var text = (value ?? "").Trim();
            if (text.Length > max) errors[path] = [$"At most {max:N0} characters."];
            return text;
        }

        ResolvedItem? main = null;
        if (dto.Main is null) errors["main"] = ["The main product is required."];
        else if (Priced(dto.Main.PriceId, "main") is { } mainProduct)
            main = new ResolvedItem(mainProduct, Or(Text(dto.Main.Description, MaxDescription, "main.description"), mainProduct.ProductDescription),
                Blank(Text(dto.Main.Terms, MaxTerms, "main.terms")));

        var resolvedBumps = new List<ResolvedItem>();
        for (var i = 0; i < bumps.Count; i++)
        {
            if (bumps[i] is not { } bump) { errors[$"bumps[{i}]"] = ["A bump is required."]; continue; }
            if (Priced(bump.PriceId, $"bumps[{i}]") is { } product)
                resolvedBumps.Add(new ResolvedItem(product, Or(Text(bump.Description, MaxDescription, $"bumps[{i}].description"), product.ProductDescription),
                    Blank(Text(bump.Terms, MaxTerms, $"bumps[{i}].terms"))));
        }

        var resolvedSteps = new List<ResolvedStep>();
        for (var i = 0; i < steps.Count; i++)
        {
            var path = $"steps[{i}]";
            if (steps[i] is not { } step) { errors[path] = ["A step is required."]; continue; }
            var key = (step.Id ?? "").Trim();
            if (mode == ResolveMode.Save && !StepKey().IsMatch(key))
                errors[$"{path}.id"] = ["Name the step with 1 to 64 letters, digits, dashes or underscores, e.g. \"audio-offer\"."];
            var headline = Text(step.Headline, MaxHeadline, $"{path}.headline");
            var body = Text(step.Body, MaxBody, $"{path}.body");
            var terms = Text(step.Terms, MaxTerms, $"{path}.terms");
            var opening = Text(step.Opening, MaxOpening, $"{path}.opening");
            if (Priced(step.PriceId, path) is { } product)
                resolvedSteps.Add(new ResolvedStep(key, product, Or(headline, $"Add {product.ProductName} to your order"), body,
                    Blank(terms), Edge(step.OnAccept), Edge(step.OnDecline), Blank(opening)));
        }

        var entry = Edge(dto.EntryStepId);
        var window = dto.WindowMinutes ?? FunnelDefinitionDto.DefaultWindowMinutes;
        if (mode == ResolveMode.Save)
        {
            if (window is < FunnelDefinitionDto.MinWindowMinutes or > FunnelDefinitionDto.MaxWindowMinutes)
                errors["windowMinutes"] = [$"Keep the offers open {FunnelDefinitionDto.MinWindowMinutes} to {FunnelDefinitionDto.MaxWindowMinutes} minutes after paying."];
            CheckStructure(steps, entry, errors);
        }
        var thankYou = mode == ResolveMode.Save ? ThankYouPage(dto.ThankYouUrl, errors) : null;
        if (errors.Count > 0 || main is null) return (null, errors);
        return (new ResolvedFunnel(dto, main, resolvedBumps, resolvedSteps, entry, window, thankYou), errors);
    }

    /// <summary>
    /// The seller's own thank-you page: an absolute https URL (http only on this machine, for trying it out), without
    /// Encore's own <c>encore_</c> parameters, which Encore appends. Blank: Encore's page.
    /// </summary>
    internal static string? ThankYouPage(string? value, Dictionary<string, string[]> errors)
    {
        var url = value?.Trim();
        if (string.IsNullOrEmpty(url)) return null;
        if (url.Length > FunnelDefinitionDto.MaxThankYouUrl ||
            !Uri.TryCreate(url, UriKind.Absolute, out var uri) ||
            !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) ||
            !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors["thankYouUrl"] = ["Give the full address of your thank-you page, starting with https:// (up to 2,000 characters, no #fragment), or leave it empty for Encore's page."];
            return null;
        }
        if (uri.Query.Contains("encore_", StringComparison.OrdinalIgnoreCase))
        {
            errors["thankYouUrl"] = ["Leave out the encore_ parameters: Encore adds encore_order, encore_ts and encore_signature itself."];
            return null;
        }
        return uri.AbsoluteUri;
    }

    /// <summary>The seller's prices with their products, for a select list.</summary>
    public async Task<List<(PricedProduct Product, bool Archived)>> ListAsync(Guid sellerId, CancellationToken cancellationToken) =>
        (await LoadAsync(sellerId, null, cancellationToken)).Values.OrderBy(p => p.Product.ProductName).ThenBy(p => p.Product.Price.Amount.Amount)
            .Select(p => (p.Product, p.Archived)).ToList();

    /// <summary>A stored edge: blank is thank-you.</summary>
    public static string? Edge(string? stepId) => string.IsNullOrWhiteSpace(stepId) ? null : stepId.Trim();

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    /// <summary>A draft stores its edges as references between its own rows: they must all point somewhere.</summary>
    private static void CheckStructure(IReadOnlyList<DefinitionStepDto?> steps, string? entry, Dictionary<string, string[]> errors)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i]?.Id?.Trim() is { Length: > 0 } key && !keys.Add(key))
                errors[$"steps[{i}].id"] = [$"Another step is already named \"{key}\"."];
        }
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not { } step) continue;
            if (Edge(step.OnAccept) is { } accept && !keys.Contains(accept)) errors[$"steps[{i}].onAccept"] = [$"There is no step named \"{accept}\"."];
            if (Edge(step.OnDecline) is { } decline && !keys.Contains(decline)) errors[$"steps[{i}].onDecline"] = [$"There is no step named \"{decline}\"."];
        }
        if (entry is not null && !keys.Contains(entry)) errors["entryStepId"] = [$"There is no step named \"{entry}\"."];
        if (entry is null && steps.Count > 0) errors["entryStepId"] = ["Choose the step shown right after paying."];
    }

    private async Task<Dictionary<Guid, (PricedProduct Product, bool Archived)>> LoadAsync(Guid sellerId, List<Guid>? ids, CancellationToken cancellationToken)
    {
        var query = db.Prices.AsNoTracking().Where(p => p.SellerId == sellerId);
        if (ids is not null)
        {
            if (ids.Count == 0) return [];
            query = query.Where(p => ids.Contains(p.Id));
        }
        var rows = await query
            .Join(db.Products.Where(p => p.SellerId == sellerId), price => price.ProductId, product => product.Id,
                (price, product) => new { price.Id, price.Terms, price.Archived, ProductId = product.Id, product.Name, product.Description, product.Topics })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Id, r => (new PricedProduct(r.Id, r.ProductId, r.Name, r.Description, r.Topics, r.Terms.ToPrice()), r.Archived));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex StepKey();
}
