using Encore.Domain.PostPurchase;
using Encore.Web.Features.Funnels;
using Encore.Web.Features.Offers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// The buyer's pages for a draft or any version, seen by its seller: the same checkout card, bump boxes and
/// offer copy (the same partials the buyer pages render), with a disclosure for a sample card. Nothing is
/// stored and nothing is charged: every button is a link to the next page of the path.
/// </summary>
public sealed class PreviewModel(FunnelDrafts drafts, TimeProvider clock) : PageModel
{
    public const string SampleBrand = "visa";
    public const string SampleLast4 = "4242";

    [FromRoute] public Guid FunnelId { get; set; }
    [FromQuery] public Guid? VersionId { get; set; }

    /// <summary>The step shown (by its name), "thank-you", or null for the checkout.</summary>
    [FromQuery(Name = "step")] public string? StepKey { get; set; }

    public PublishedFunnel Funnel { get; private set; } = null!;
    public int VersionNumber { get; private set; }
    public bool IsDraft { get; private set; }
    public StepItem? Step { get; private set; }
    public OfferCopy? Copy { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        // A named version, or else the one the editor shows (the draft, or the published version).
        Data.Entities.Funnel? funnel;
        Data.Entities.FunnelVersion? version;
        if (VersionId is { } id)
            (funnel, version) = (await drafts.FunnelAsync(sellerId, FunnelId, cancellationToken), await drafts.VersionAsync(sellerId, FunnelId, id, cancellationToken));
        else if (await drafts.EditableAsync(sellerId, FunnelId, cancellationToken) is { } editable)
            (funnel, version) = editable;
        else
            return NotFound();
        if (funnel is null || version is null) return NotFound();
        Response.Headers.CacheControl = "no-cache, no-store";
        Funnel = new PublishedFunnel(funnel, version);
        VersionNumber = version.Number;
        IsDraft = version.Status == Data.Entities.FunnelVersionStatus.Draft;
        if (StepKey is { Length: > 0 } key && key != "thank-you")
        {
            Step = Funnel.Steps.Values.FirstOrDefault(s => s.Key == key);
            if (Step is null) return NotFound();
            var disclosure = OfferDisclosure.For(new OfferTerms(Funnel.SellerName, Funnel.SupportEmail, Step.Name, Step.Price,
                SampleBrand, SampleLast4, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), Step.Terms));
            Copy = new OfferCopy(Step, disclosure, SampleBrand, SampleLast4);
        }
        return Page();
    }

    /// <summary>The preview's link to a step (by row id), or to the thank-you page.</summary>
    public string LinkTo(Guid? stepId)
    {
        var key = stepId is { } id && Funnel.Steps.TryGetValue(id, out var step) ? step.Key : "thank-you";
        var version = VersionId is { } v ? $"versionId={v}&" : "";
        return $"/seller/funnels/{FunnelId}/preview?{version}step={Uri.EscapeDataString(key)}";
    }
}
