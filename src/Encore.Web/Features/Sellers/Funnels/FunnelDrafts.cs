using System.Text.RegularExpressions;
using Encore.Domain.Linting;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Funnels;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Funnels;

public enum FunnelChangeStatus
{
    Done,

    /// <summary>The definition cannot be stored: see the errors, named by JSON path.</summary>
    Invalid,

    NotFound,

    /// <summary>Someone else changed the funnel at the same moment (published the draft, took the slug).</summary>
    Conflict,

    /// <summary>The offer linter found errors: publishing waits until they are fixed.</summary>
    Blocked,
}

public sealed record FunnelChange(
    FunnelChangeStatus Status,
    Guid? FunnelId = null,
    FunnelVersion? Version = null,
    IReadOnlyList<LintFinding>? Findings = null,
    Dictionary<string, string[]>? Errors = null,
    string? Message = null)
{
    public static FunnelChange Invalid(Dictionary<string, string[]> errors) => new(FunnelChangeStatus.Invalid, Errors: errors);

    public static FunnelChange Invalid(string field, string message) => Invalid(new() { [field] = [message] });

    public static readonly FunnelChange NotFound = new(FunnelChangeStatus.NotFound);
}

/// <summary>
/// A funnel's versions: the one draft a seller edits, and publishing, which lints the draft, freezes it (names,
/// prices and the seller's details copied in) and makes it the version buyers are sold. A published version
/// never changes: editing after a publish starts the draft of the next version. Orders and post-purchase
/// sessions keep the version they started on, because they point at it, and it stays readable when retired.
/// </summary>
public sealed partial class FunnelDrafts(EncoreDbContext db, FunnelDefinitions definitions, PublishedFunnels published, TimeProvider clock)
{
    /// <summary>Creates a funnel from a definition; its first version is a draft until published.</summary>
    public async Task<FunnelChange> CreateAsync(Guid sellerId, FunnelDefinitionDto? dto, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = (dto?.Name ?? "").Trim();
        if (name.Length is 0 or > 200) errors["name"] = ["Name the funnel (1 to 200 characters)."];
        var slug = (dto?.Slug ?? "").Trim();
        if (!IsSlug(slug)) errors["slug"] = ["Use 1 to 80 lower-case letters, digits and single dashes, e.g. \"calm-your-anxiety\"."];
        var (resolved, definitionErrors) = await definitions.ResolveAsync(sellerId, dto, ResolveMode.Save, cancellationToken);
        foreach (var (field, messages) in definitionErrors) errors[field] = messages;
        if (errors.Count == 0 && await db.Funnels.AnyAsync(f => f.Slug == slug, cancellationToken)) errors["slug"] = ["This address is taken; choose another."];
        if (errors.Count > 0 || resolved is null) return FunnelChange.Invalid(errors);

        var seller = await db.Sellers.AsNoTracking().SingleAsync(s => s.Id == sellerId, cancellationToken);
        var now = clock.GetUtcNow();
        var funnel = new Funnel
        {
            Id = Guid.CreateVersion7(), SellerId = sellerId, Slug = slug, Name = name,
            Currency = resolved.Main.Product.Price.Amount.Currency, CreatedAt = now,
        };
        var version = NewVersion(funnel, seller, 1, resolved, now);
        db.Funnels.Add(funnel);
        db.FunnelVersions.Add(version);
        AddContent(version, resolved);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return FunnelChange.Invalid("slug", "This address is taken; choose another.");
        }
        return new FunnelChange(FunnelChangeStatus.Done, funnel.Id, version, Lint(resolved));
    }

    /// <summary>Replaces the funnel's draft with the definition, starting the next version's draft when there is none.</summary>
    public async Task<FunnelChange> SaveAsync(Guid sellerId, Guid funnelId, FunnelDefinitionDto? dto, CancellationToken cancellationToken)
    {
        var funnel = await db.Funnels.FirstOrDefaultAsync(f => f.Id == funnelId && f.SellerId == sellerId, cancellationToken);
        if (funnel is null) return FunnelChange.NotFound;
        var errors = new Dictionary<string, string[]>();
        if (dto?.Name is { } newName && newName.Trim().Length is 0 or > 200) errors["name"] = ["Name the funnel (1 to 200 characters)."];
        var newSlug = dto?.Slug?.Trim();
        if (newSlug is not null && newSlug != funnel.Slug)
        {
            if (funnel.PublishedVersionId is not null) errors["slug"] = ["The address is fixed once the funnel is published: buyers may have the link."];
            else if (!IsSlug(newSlug)) errors["slug"] = ["Use 1 to 80 lower-case letters, digits and single dashes, e.g. \"calm-your-anxiety\"."];
            else if (await db.Funnels.AnyAsync(f => f.Slug == newSlug, cancellationToken)) errors["slug"] = ["This address is taken; choose another."];
        }
        var (resolved, definitionErrors) = await definitions.ResolveAsync(sellerId, dto, ResolveMode.Save, cancellationToken);
        foreach (var (field, messages) in definitionErrors) errors[field] = messages;
        if (resolved is not null && resolved.Main.Product.Price.Amount.Currency != funnel.Currency)
            errors["main.priceId"] = [$"This funnel sells in {funnel.Currency}, so its figures add up; choose a {funnel.Currency} price, or create another funnel for {resolved.Main.Product.Price.Amount.Currency}."];
        if (errors.Count > 0 || resolved is null) return FunnelChange.Invalid(errors);

        if (dto!.Name is { } name) funnel.Name = name.Trim();
        if (newSlug is not null) funnel.Slug = newSlug;
        var now = clock.GetUtcNow();
        var seller = await db.Sellers.AsNoTracking().SingleAsync(s => s.Id == sellerId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var draft = await db.FunnelVersions.FirstOrDefaultAsync(v => v.FunnelId == funnelId && v.Status == FunnelVersionStatus.Draft, cancellationToken);
        if (draft is null)
        {
            var number = await db.FunnelVersions.Where(v => v.FunnelId == funnelId).MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0;
            draft = NewVersion(funnel, seller, number + 1, resolved, now);
            db.FunnelVersions.Add(draft);
        }
        else
        {
            // Claims the row: a publish running now either finished first (and this finds no draft) or waits.
            var claimed = await db.FunnelVersions.Where(v => v.Id == draft.Id && v.Status == FunnelVersionStatus.Draft)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.UpdatedAt, now), cancellationToken);
            if (claimed == 0) return new FunnelChange(FunnelChangeStatus.Conflict, funnelId, Message: "The draft was published while you edited it. Reload and make your change again.");
            await db.OrderBumps.Where(b => b.FunnelVersionId == draft.Id).ExecuteDeleteAsync(cancellationToken);
            await db.OfferSteps.Where(s => s.FunnelVersionId == draft.Id).ExecuteDeleteAsync(cancellationToken);
            Freeze(draft, seller, resolved, now);
        }
        AddContent(draft, resolved);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new FunnelChange(FunnelChangeStatus.Conflict, funnelId, Message: "The funnel changed at the same moment (another draft was started, or the address was taken). Reload and try again.");
        }
        return new FunnelChange(FunnelChangeStatus.Done, funnelId, draft, Lint(resolved));
    }

    /// <summary>Lints the draft with its products and prices as they are now, and when nothing blocks it, makes it what buyers are sold.</summary>
    public async Task<FunnelChange> PublishAsync(Guid sellerId, Guid funnelId, CancellationToken cancellationToken)
    {
        var funnel = await db.Funnels.FirstOrDefaultAsync(f => f.Id == funnelId && f.SellerId == sellerId, cancellationToken);
        if (funnel is null) return FunnelChange.NotFound;
        var draft = await db.FunnelVersions.AsSplitQuery().Include(v => v.Bumps).Include(v => v.Steps)
            .FirstOrDefaultAsync(v => v.FunnelId == funnelId && v.Status == FunnelVersionStatus.Draft, cancellationToken);
        if (draft is null) return new FunnelChange(FunnelChangeStatus.Conflict, funnelId, Message: "There is no draft to publish: every change is already published.");

        // Names and prices are read again now: publishing freezes what the products are at this moment.
        var (resolved, errors) = await definitions.ResolveAsync(sellerId, ToDefinition(funnel, draft), ResolveMode.Save, cancellationToken);
        if (resolved is null) return FunnelChange.Invalid(errors);
        var findings = Lint(resolved);
        if (OfferLinter.BlocksPublishing(findings)) return new FunnelChange(FunnelChangeStatus.Blocked, funnelId, draft, findings);

        var seller = await db.Sellers.AsNoTracking().SingleAsync(s => s.Id == sellerId, cancellationToken);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.FunnelVersions.Where(v => v.Id == draft.Id && v.Status == FunnelVersionStatus.Draft)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, FunnelVersionStatus.Published).SetProperty(v => v.PublishedAt, now), cancellationToken);
        if (claimed == 0) return new FunnelChange(FunnelChangeStatus.Conflict, funnelId, Message: "This draft was published a moment ago.");
        await db.FunnelVersions.Where(v => v.FunnelId == funnelId && v.Status == FunnelVersionStatus.Published && v.Id != draft.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, FunnelVersionStatus.Retired), cancellationToken);
        await db.OrderBumps.Where(b => b.FunnelVersionId == draft.Id).ExecuteDeleteAsync(cancellationToken);
        await db.OfferSteps.Where(s => s.FunnelVersionId == draft.Id).ExecuteDeleteAsync(cancellationToken);
        db.ChangeTracker.Clear();
        var version = await db.FunnelVersions.SingleAsync(v => v.Id == draft.Id, cancellationToken);
        Freeze(version, seller, resolved, now);
        AddContent(version, resolved);
        await db.Funnels.Where(f => f.Id == funnelId).ExecuteUpdateAsync(s => s.SetProperty(f => f.PublishedVersionId, draft.Id), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        published.ForgetSlug(funnel.Slug);
        return new FunnelChange(FunnelChangeStatus.Done, funnelId, version, findings);
    }

    /// <summary>The version the editor starts from: the draft, or else the published version (saving it starts a draft).</summary>
    public async Task<(Funnel Funnel, FunnelVersion? Version)?> EditableAsync(Guid sellerId, Guid funnelId, CancellationToken cancellationToken)
    {
        var funnel = await FunnelAsync(sellerId, funnelId, cancellationToken);
        if (funnel is null) return null;
        var version = await db.FunnelVersions.AsNoTracking().AsSplitQuery().Include(v => v.Bumps).Include(v => v.Steps)
            .Where(v => v.FunnelId == funnelId && (v.Status == FunnelVersionStatus.Draft || v.Id == funnel.PublishedVersionId))
            .OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        return (funnel, version);
    }

    /// <summary>The seller's funnel, or null for another seller's or an unknown id.</summary>
    public Task<Funnel?> FunnelAsync(Guid sellerId, Guid funnelId, CancellationToken cancellationToken) =>
        db.Funnels.AsNoTracking().FirstOrDefaultAsync(f => f.Id == funnelId && f.SellerId == sellerId, cancellationToken);

    /// <summary>One version of the seller's funnel, with its bumps and steps.</summary>
    public Task<FunnelVersion?> VersionAsync(Guid sellerId, Guid funnelId, Guid versionId, CancellationToken cancellationToken) =>
        db.FunnelVersions.AsNoTracking().AsSplitQuery().Include(v => v.Bumps).Include(v => v.Steps)
            .FirstOrDefaultAsync(v => v.Id == versionId && v.FunnelId == funnelId && v.SellerId == sellerId, cancellationToken);

    /// <summary>A stored version as the definition JSON that would store it again.</summary>
    public static FunnelDefinitionDto ToDefinition(Funnel funnel, FunnelVersion version)
    {
        var keys = version.Steps.ToDictionary(s => s.Id, s => s.Key);
        string? Key(Guid? id) => id is { } value && keys.TryGetValue(value, out var key) ? key : null;
        return new FunnelDefinitionDto(
            funnel.Name,
            funnel.Slug,
            version.WindowMinutes,
            new DefinitionItemDto(version.MainPriceId, version.MainDescription, version.MainTerms),
            version.Bumps.OrderBy(b => b.Position).Select(b => new DefinitionItemDto(b.PriceId, b.Description, b.Terms)).ToList(),
            version.Steps.OrderBy(s => s.Position)
                .Select(s => new DefinitionStepDto(s.Key, s.PriceId, s.Headline, s.Body, s.Terms, Key(s.OnAcceptStepId), Key(s.OnDeclineStepId), s.Opening)).ToList(),
            Key(version.EntryStepId),
            version.ThankYouUrl);
    }

    public static IReadOnlyList<LintFinding> Lint(ResolvedFunnel resolved) => OfferLinter.Lint(resolved.ToLintDefinition());

    public static bool IsSlug(string? slug) => slug is { Length: > 0 and <= 80 } && SlugPattern().IsMatch(slug);

    private static FunnelVersion NewVersion(Funnel funnel, Seller seller, int number, ResolvedFunnel resolved, DateTimeOffset now)
    {
        var version = new FunnelVersion
        {
            Id = Guid.CreateVersion7(), FunnelId = funnel.Id, SellerId = funnel.SellerId, Number = number, Status = FunnelVersionStatus.Draft,
            SellerName = seller.Name, SupportEmail = seller.SupportEmail, Currency = funnel.Currency,
            MainName = "", MainPrice = PriceTerms.From(resolved.Main.Product.Price),
        };
        Freeze(version, seller, resolved, now);
        return version;
    }

    /// <summary>Copies names, prices and the seller's details into the version: what buyers read, frozen.</summary>
    private static void Freeze(FunnelVersion version, Seller seller, ResolvedFunnel resolved, DateTimeOffset now)
    {
        var main = resolved.Main;
        version.SellerName = seller.Name;
        version.SupportEmail = seller.SupportEmail;
        version.Currency = main.Product.Price.Amount.Currency;
        version.MainProductId = main.Product.ProductId;
        version.MainPriceId = main.Product.PriceId;
        version.MainName = main.Product.ProductName;
        version.MainDescription = main.Description;
        version.MainTerms = main.Terms;
        version.MainPrice = PriceTerms.From(main.Product.Price);
        version.WindowMinutes = resolved.WindowMinutes;
        version.ThankYouUrl = resolved.ThankYouUrl;
        version.UpdatedAt = now;
    }

    /// <summary>Adds the bumps and steps as new rows, the edges turned from step names into row ids.</summary>
    private void AddContent(FunnelVersion version, ResolvedFunnel resolved)
    {
        var ids = resolved.Steps.ToDictionary(s => s.Key, _ => Guid.CreateVersion7(), StringComparer.Ordinal);
        var downsells = resolved.Steps.Select(s => s.OnDecline).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Guid? Id(string? key) => key is not null && ids.TryGetValue(key, out var id) ? id : null;
        version.EntryStepId = Id(resolved.EntryStepId);
        db.OrderBumps.AddRange(resolved.Bumps.Select((b, i) => new OrderBump
        {
            Id = Guid.CreateVersion7(), FunnelVersionId = version.Id, Position = i, ProductId = b.Product.ProductId, PriceId = b.Product.PriceId,
            Name = b.Product.ProductName, Description = b.Description, Terms = b.Terms, Price = PriceTerms.From(b.Product.Price),
        }));
        db.OfferSteps.AddRange(resolved.Steps.Select((s, i) => new OfferStep
        {
            Id = ids[s.Key], FunnelVersionId = version.Id, Position = i, Key = s.Key,
            Kind = downsells.Contains(s.Key) ? OfferStepKind.Downsell : OfferStepKind.Offer,
            ProductId = s.Product.ProductId, PriceId = s.Product.PriceId, ProductName = s.Product.ProductName,
            Headline = s.Headline, Body = s.Body, Opening = s.Opening, Terms = s.Terms, Price = PriceTerms.From(s.Product.Price),
            OnAcceptStepId = Id(s.OnAccept), OnDeclineStepId = Id(s.OnDecline),
        }));
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
