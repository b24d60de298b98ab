using Encore.Domain.Linting;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Funnels;

public sealed record LintFindingDto(string Code, string Severity, string? StepId, string Message)
{
    public static List<LintFindingDto> From(IEnumerable<LintFinding> findings) =>
        findings.Select(f => new LintFindingDto(f.Code, f.Severity.ToString().ToLowerInvariant(), f.StepId, f.Message)).ToList();
}

public sealed record LintResponse(bool BlocksPublishing, IReadOnlyList<LintFindingDto> Findings);

public sealed record FunnelSummaryDto(Guid Id, string Name, string Slug, string Currency, string Url, int? PublishedVersion, bool HasDraft);

public sealed record VersionSummaryDto(Guid Id, int Number, string Status, DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt)
{
    public static VersionSummaryDto From(FunnelVersion v) => new(v.Id, v.Number, v.Status.ToString().ToLowerInvariant(), v.PublishedAt, v.UpdatedAt);
}

/// <summary>A version with its definition; for a draft, also what the linter says about it now.</summary>
public sealed record VersionDto(
    Guid Id, int Number, string Status, DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt,
    FunnelDefinitionDto Definition, LintResponse? Lint);

public sealed record FunnelDto(
    Guid Id, string Name, string Slug, string Currency, string Url,
    VersionSummaryDto? Published, VersionDto? Draft, IReadOnlyList<VersionSummaryDto> Versions);

/// <summary>Funnels on the seller API: create, edit the draft, publish, read versions, and lint without saving.</summary>
public static class SellerFunnelsApi
{
    public static IEndpointRouteBuilder MapSellerFunnelsApi(this IEndpointRouteBuilder app)
    {
        var funnels = app.MapGroup("/api/v1/seller/funnels").WithTags("Seller").RequireAuthorization(SellerAuth.ApiPolicy)
            // Bodies are funnel definitions: 256 KB is generous, and bounds the linter's work per request.
            .WithMetadata(new RequestSizeLimitAttribute(256 * 1024));
        funnels.MapPost("/lint", Lint).WithName("LintFunnel")
            .WithSummary("Checks a funnel definition (the JSON that creates a funnel) against the offer linter's rules and returns the findings; saves nothing.")
            .ProducesValidationProblem().ProducesProblem(401);
        funnels.MapGet("/", List).WithName("ListFunnels").WithSummary("The seller's funnels.").ProducesProblem(401);
        funnels.MapPost("/", Create).WithName("CreateFunnel")
            .WithSummary("Creates a funnel from a definition. Its first version is a draft: publish it to sell it at /f/{slug}.")
            .Produces<FunnelDto>(201).ProducesValidationProblem().ProducesProblem(401);
        funnels.MapGet("/{funnelId:guid}", Get).WithName("GetSellerFunnel")
            .WithSummary("A funnel: its published version, its draft with the linter's findings, and every version.")
            .Produces<FunnelDto>().ProducesProblem(401).ProducesProblem(404);
        funnels.MapPut("/{funnelId:guid}/draft", SaveDraft).WithName("SaveFunnelDraft")
            .WithSummary("Replaces the funnel's draft with the definition; after a publish this starts the next version's draft. Buyers see nothing until it is published.")
            .Produces<VersionDto>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        funnels.MapPost("/{funnelId:guid}/publish", Publish).WithName("PublishFunnel")
            .WithSummary("Lints the draft and, when no finding is an error, freezes it as the version buyers are sold. Orders and open post-purchase sessions keep their version.")
            .Produces<VersionDto>().ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        funnels.MapGet("/{funnelId:guid}/versions/{versionId:guid}", GetVersion).WithName("GetFunnelVersion")
            .WithSummary("One version of a funnel as it was defined (a published version never changes).")
            .Produces<VersionDto>().ProducesProblem(401).ProducesProblem(404);
        return app;
    }

    private static async Task<Results<Ok<LintResponse>, ValidationProblem>> Lint(
        FunnelDefinitionDto? body, HttpContext http, FunnelDefinitions definitions)
    {
        var (resolved, errors) = await definitions.ResolveAsync(http.User.SellerId(), body, ResolveMode.Lint, http.RequestAborted);
        if (resolved is null) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(LintOf(FunnelDrafts.Lint(resolved)));
    }

    private static async Task<Ok<List<FunnelSummaryDto>>> List(HttpContext http, EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var rows = await db.Funnels.AsNoTracking().Where(f => f.SellerId == sellerId).OrderBy(f => f.Name)
            .Select(f => new
            {
                f.Id, f.Name, f.Slug, f.Currency,
                Published = db.FunnelVersions.Where(v => v.Id == f.PublishedVersionId).Select(v => (int?)v.Number).FirstOrDefault(),
                HasDraft = db.FunnelVersions.Any(v => v.FunnelId == f.Id && v.Status == FunnelVersionStatus.Draft),
            })
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(rows.Select(f => new FunnelSummaryDto(f.Id, f.Name, f.Slug, f.Currency, $"/f/{f.Slug}", f.Published, f.HasDraft)).ToList());
    }

    private static async Task<IResult> Create(FunnelDefinitionDto? body, HttpContext http, FunnelDrafts drafts, FunnelDefinitions definitions, EncoreDbContext db)
    {
        var change = await drafts.CreateAsync(http.User.SellerId(), body, http.RequestAborted);
        if (change.Status != FunnelChangeStatus.Done) return Problem(change);
        var funnel = await FunnelAsync(drafts, definitions, db, http.User.SellerId(), change.FunnelId!.Value, http.RequestAborted);
        return TypedResults.Created($"/api/v1/seller/funnels/{change.FunnelId}", funnel);
    }

    private static async Task<IResult> Get(Guid funnelId, HttpContext http, FunnelDrafts drafts, FunnelDefinitions definitions, EncoreDbContext db) =>
        await FunnelAsync(drafts, definitions, db, http.User.SellerId(), funnelId, http.RequestAborted) is { } funnel ? TypedResults.Ok(funnel) : NotFound();

    private static async Task<IResult> SaveDraft(Guid funnelId, FunnelDefinitionDto? body, HttpContext http, FunnelDrafts drafts, FunnelDefinitions definitions)
    {
        var change = await drafts.SaveAsync(http.User.SellerId(), funnelId, body, http.RequestAborted);
        if (change.Status != FunnelChangeStatus.Done) return Problem(change);
        var funnel = await drafts.FunnelAsync(http.User.SellerId(), funnelId, http.RequestAborted);
        return TypedResults.Ok(await VersionAsync(drafts, definitions, funnel!, change.Version!.Id, http.RequestAborted));
    }

    private static async Task<IResult> Publish(Guid funnelId, HttpContext http, FunnelDrafts drafts, FunnelDefinitions definitions)
    {
        var change = await drafts.PublishAsync(http.User.SellerId(), funnelId, http.RequestAborted);
        if (change.Status != FunnelChangeStatus.Done) return Problem(change);
        var funnel = await drafts.FunnelAsync(http.User.SellerId(), funnelId, http.RequestAborted);
        var version = await VersionAsync(drafts, definitions, funnel!, change.Version!.Id, http.RequestAborted);
        return TypedResults.Ok(version! with { Lint = LintOf(change.Findings ?? []) });
    }

    private static async Task<IResult> GetVersion(Guid funnelId, Guid versionId, HttpContext http, FunnelDrafts drafts, FunnelDefinitions definitions) =>
        await drafts.FunnelAsync(http.User.SellerId(), funnelId, http.RequestAborted) is { } funnel &&
        await VersionAsync(drafts, definitions, funnel, versionId, http.RequestAborted) is { } version
            ? TypedResults.Ok(version)
            : NotFound();

    private static async Task<FunnelDto?> FunnelAsync(
        FunnelDrafts drafts, FunnelDefinitions definitions, EncoreDbContext db, Guid sellerId, Guid funnelId, CancellationToken cancellationToken)
    {
        var funnel = await drafts.FunnelAsync(sellerId, funnelId, cancellationToken);
        if (funnel is null) return null;
        var versions = await db.FunnelVersions.AsNoTracking().Where(v => v.FunnelId == funnelId).OrderBy(v => v.Number).ToListAsync(cancellationToken);
        var draft = versions.FirstOrDefault(v => v.Status == FunnelVersionStatus.Draft);
        var published = versions.FirstOrDefault(v => v.Id == funnel.PublishedVersionId);
        return new FunnelDto(funnel.Id, funnel.Name, funnel.Slug, funnel.Currency, $"/f/{funnel.Slug}",
            published is null ? null : VersionSummaryDto.From(published),
            draft is null ? null : await VersionAsync(drafts, definitions, funnel, draft.Id, cancellationToken),
            versions.Select(VersionSummaryDto.From).ToList());
    }

    /// <summary>A version of a funnel already found for the seller; a draft comes with what the linter says now.</summary>
    private static async Task<VersionDto?> VersionAsync(
        FunnelDrafts drafts, FunnelDefinitions definitions, Funnel funnel, Guid versionId, CancellationToken cancellationToken)
    {
        var version = await drafts.VersionAsync(funnel.SellerId, funnel.Id, versionId, cancellationToken);
        if (version is null) return null;
        var definition = FunnelDrafts.ToDefinition(funnel, version);
        LintResponse? lint = null;
        if (version.Status == FunnelVersionStatus.Draft)
        {
            var (resolved, _) = await definitions.ResolveAsync(funnel.SellerId, definition, ResolveMode.Lint, cancellationToken);
            if (resolved is not null) lint = LintOf(FunnelDrafts.Lint(resolved));
        }
        return new VersionDto(version.Id, version.Number, version.Status.ToString().ToLowerInvariant(), version.PublishedAt, version.UpdatedAt, definition, lint);
    }

    private static LintResponse LintOf(IReadOnlyList<LintFinding> findings) => new(OfferLinter.BlocksPublishing(findings), LintFindingDto.From(findings));

    private static IResult NotFound() => ApiProblems.Problem(404, "not_found", "Funnel not found", "You have no funnel or version with this id.");

    private static IResult Problem(FunnelChange change) => change.Status switch
    {
        FunnelChangeStatus.Invalid => TypedResults.ValidationProblem(change.Errors!),
        FunnelChangeStatus.NotFound => NotFound(),
        FunnelChangeStatus.Blocked => ApiProblems.Problem(422, "lint_errors", "The offer linter blocks publishing",
            "Fix the findings with severity \"error\" and publish again; warnings do not block.",
            new Dictionary<string, object?> { ["findings"] = LintFindingDto.From(change.Findings ?? []) }),
        _ => ApiProblems.Problem(409, "conflict", "The funnel changed", change.Message ?? "Reload and try again."),
    };
}
