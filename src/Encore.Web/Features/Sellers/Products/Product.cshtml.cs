using Encore.Domain;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Products;

/// <summary>One product: edit it, add prices, archive prices.</summary>
public sealed class ProductModel(Catalog catalog, Delivery.DeliverableCatalog deliverables, Branding.SellerBranding branding) : PageModel
{
    public Product Product { get; private set; } = null!;

    /// <summary>A price in the list: its amount and schedule, with "one-time" said rather than left out.</summary>
    public static string Describe(Encore.Domain.Price price) =>
        price.Recurrence is { } r
            ? price.Describe() + (r.TrialDays > 0 ? $", {r.TrialDays}-day free trial" : "")
            : price.Describe() + ", one-time";
    public List<ProductPrice> Prices { get; private set; } = [];
    public List<Delivery.DeliverableDto> Deliverables { get; private set; } = [];
    public long MaxFileBytes => deliverables.MaxFileBytes;
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [FromRoute] public Guid ProductId { get; set; }

    /// <summary><c>new-funnel</c> while the seller is on the way to a new funnel: a new price leads back to it.</summary>
    [BindProperty(SupportsGet = true, Name = "then")] public string? Then { get; set; }

    public bool ForNewFunnel => Funnels.NewFunnelReturn.Is(Then);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(string? name, string? description, string? topics, CancellationToken cancellationToken)
    {
        var (product, errors) = await catalog.UpdateProductAsync(User.SellerId(), ProductId, new ProductRequest(name, description, IndexModel.SplitTopics(topics)), cancellationToken);
        if (product is null && errors is null) return NotFound();
        if (errors is null) return Redirect($"/seller/products/{ProductId}");
        Errors = errors;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    /// <param name="amount">Major units as typed: "47" or "47.00".</param>
    /// <param name="interval">"once", or day, week, month or year.</param>
    public async Task<IActionResult> OnPostPriceAsync(
        string? amount, string? currency, string? interval, int? intervalCount, int? trialDays, int? payments, CancellationToken cancellationToken)
    {
        if (!Money.TryParseMajor(amount, currency ?? "", out var money))
        {
            Errors = new() { ["amount"] = [$"Type the amount in {currency}, like 47 or 47.00."] };
            return await LoadAsync(cancellationToken) ? Page() : NotFound();
        }
        var recurring = interval is null or "once" ? null : new RecurrenceRequest(interval, Math.Max(1, intervalCount ?? 1), trialDays ?? 0, payments);
        var (price, errors) = await catalog.CreatePriceAsync(User.SellerId(), ProductId, new PriceRequest(money.Amount, currency, recurring), cancellationToken);
        if (price is null && errors is null) return NotFound();
        if (errors is null) return Redirect(ForNewFunnel ? Funnels.NewFunnelReturn.WithPrice(price!.Id) : $"/seller/products/{ProductId}#prices");
        Errors = errors;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid priceId, CancellationToken cancellationToken)
    {
        var prices = await catalog.PricesAsync(User.SellerId(), ProductId, cancellationToken);
        if (prices is null || prices.All(p => p.Id != priceId)) return NotFound();
        await catalog.ArchivePriceAsync(User.SellerId(), priceId, cancellationToken);
        return Redirect($"/seller/products/{ProductId}#prices");
    }

    /// <summary>Adds a link, text or licence-key list (files are uploaded by the page's script to the upload endpoint).</summary>
    /// <param name="keys">A licence-key list: one key per line.</param>
    public async Task<IActionResult> OnPostDeliverableAsync(
        string? kind, string? title, string? url, bool signLink, string? text, string? keys, CancellationToken cancellationToken)
    {
        var request = new Delivery.DeliverableRequest(kind, title, url, signLink, text, Keys: SplitKeys(keys));
        var (deliverable, errors) = await deliverables.CreateAsync(User.SellerId(), ProductId, request, cancellationToken);
        return await AfterAsync(deliverable is null && errors is null, errors, cancellationToken);
    }

    /// <summary>Changes a deliverable's title, limit or place, or adds keys to its list.</summary>
    public async Task<IActionResult> OnPostUpdateDeliverableAsync(
        Guid deliverableId, string? title, string? url, bool signLink, string? text, int? downloadLimit, string? keys, int? position, CancellationToken cancellationToken)
    {
        var request = new Delivery.DeliverableRequest(null, title, url, signLink, text, downloadLimit, SplitKeys(keys), position);
        var (deliverable, errors) = await deliverables.UpdateAsync(User.SellerId(), ProductId, deliverableId, request, cancellationToken);
        return await AfterAsync(deliverable is null && errors is null, errors, cancellationToken);
    }

    /// <summary>The product's image on the checkout (PNG, JPEG or WebP; see <see cref="Branding.BrandImages"/>); <paramref name="remove"/>: none.</summary>
    public async Task<IActionResult> OnPostImageAsync(IFormFile? image, bool remove, CancellationToken cancellationToken)
    {
        var (found, refusal) = await branding.SetProductImageAsync(User.SellerId(), ProductId, image, remove, cancellationToken);
        if (!found) return NotFound();
        if (refusal is null) return Redirect($"/seller/products/{ProductId}#image");
        Errors = new() { ["image"] = [refusal] };
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRemoveDeliverableAsync(Guid deliverableId, CancellationToken cancellationToken) =>
        await deliverables.RemoveAsync(User.SellerId(), ProductId, deliverableId, cancellationToken)
            ? Redirect($"/seller/products/{ProductId}#deliverables")
            : NotFound();

    private async Task<IActionResult> AfterAsync(bool notFound, Dictionary<string, string[]>? errors, CancellationToken cancellationToken)
    {
        if (notFound) return NotFound();
        if (errors is null) return Redirect($"/seller/products/{ProductId}#deliverables");
        Errors = errors;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    private static List<string>? SplitKeys(string? keys) =>
        keys?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await catalog.ProductAsync(User.SellerId(), ProductId, cancellationToken) is not { } product) return false;
        Product = product;
        Prices = (await catalog.PricesAsync(User.SellerId(), ProductId, cancellationToken))!;
        Deliverables = await deliverables.ListAsync(User.SellerId(), ProductId, cancellationToken) ?? [];
        return true;
    }
}
