using Encore.Domain;
using Encore.Domain.Funnels;
using Encore.Web.Data.Entities;

namespace Encore.Web.Features.Funnels;

/// <summary>
/// A published funnel version as the buyer's path reads it. Published versions never change, so this is
/// built once per version and shared; nothing in it depends on a buyer.
/// </summary>
public sealed class PublishedFunnel
{
    public PublishedFunnel(Funnel funnel, FunnelVersion version)
    {
        FunnelId = funnel.Id;
        Slug = funnel.Slug;
        Name = funnel.Name;
        VersionId = version.Id;
        VersionNumber = version.Number;
        SellerId = version.SellerId;
        SellerName = version.SellerName;
        SupportEmail = version.SupportEmail;
        Currency = version.Currency;
        Main = new FunnelItem(version.MainProductId, version.MainName, version.MainDescription, version.MainPrice.ToPrice(), version.MainTerms);
        Window = TimeSpan.FromMinutes(version.WindowMinutes);
        ThankYouUrl = version.ThankYouUrl;
        Bumps = version.Bumps.OrderBy(b => b.Position)
            .Select(b => new BumpItem(b.Id, b.ProductId, b.Name, b.Description, b.Price.ToPrice(), b.Terms))
            .ToList();
        Steps = version.Steps.ToDictionary(s => s.Id, s => new StepItem(
            s.Id, s.Position, s.Kind, s.ProductId, s.ProductName, s.Headline, s.Body, s.Price.ToPrice(), s.OnAcceptStepId, s.OnDeclineStepId, s.Key, s.Terms, s.Opening));
        EntryStepId = version.EntryStepId;
        Graph = new FunnelGraph(version.EntryStepId, Steps.Values.Select(s => new StepEdges(s.Id, s.OnAccept, s.OnDecline)));
    }

    public Guid FunnelId { get; }
    public string Slug { get; }
    public string Name { get; }
    public Guid VersionId { get; }
    public int VersionNumber { get; }
    public Guid SellerId { get; }
    public string SellerName { get; }
    public string SupportEmail { get; }
    public string Currency { get; }
    public FunnelItem Main { get; }
    public TimeSpan Window { get; }

    /// <summary>The seller's own thank-you page; null: Encore's.</summary>
    public string? ThankYouUrl { get; }
    public IReadOnlyList<BumpItem> Bumps { get; }
    public IReadOnlyDictionary<Guid, StepItem> Steps { get; }
    public Guid? EntryStepId { get; }
    public FunnelGraph Graph { get; }

    /// <summary>The offers a buyer may be shown after paying, in the order of the map: what the card-saving consent covers.</summary>
    public IEnumerable<StepItem> OffersInOrder() => Steps.Values.OrderBy(s => s.Position);
}

/// <param name="Terms">The seller's own terms for a recurring price; null for a one-time price or none given.</param>
public sealed record FunnelItem(Guid ProductId, string Name, string Description, Price Price, string? Terms = null);

/// <param name="Terms">The seller's own terms for a recurring price; null for a one-time price or none given.</param>
public sealed record BumpItem(Guid Id, Guid ProductId, string Name, string Description, Price Price, string? Terms = null);

public sealed record StepItem(
    Guid Id,
    int Position,
    OfferStepKind Kind,
    Guid ProductId,
    string Name,
    string Headline,
    string Body,
    Price Price,
    Guid? OnAccept,
    Guid? OnDecline,
    string Key = "",
    string? Terms = null,
    string? Opening = null);
