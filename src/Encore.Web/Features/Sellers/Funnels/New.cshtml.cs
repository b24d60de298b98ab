using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>Starts a funnel: a name, an address and the main product's price; the rest is built in the editor.</summary>
public sealed class NewModel(FunnelDrafts drafts, FunnelDefinitions definitions) : PageModel
{
    public List<(PricedProduct Product, bool Archived)> Prices { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public Guid? MainPriceId { get; set; }

    /// <summary>The price just added on the way here (<see cref="NewFunnelReturn"/>), chosen for the seller.</summary>
    [FromQuery(Name = "priceId")] public Guid? ChosenPriceId { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPricesAsync(cancellationToken);
        if (ChosenPriceId is { } chosen && Prices.Any(p => p.Product.PriceId == chosen)) MainPriceId = chosen;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var change = await drafts.CreateAsync(User.SellerId(),
            new FunnelDefinitionDto(Name, Slug, FunnelDefinitionDto.DefaultWindowMinutes, new DefinitionItemDto(MainPriceId), [], [], null), cancellationToken);
        if (change.Status == FunnelChangeStatus.Done) return Redirect($"/seller/funnels/{change.FunnelId}");
        Errors = change.Errors ?? new() { ["funnel"] = [change.Message ?? "Could not create the funnel."] };
        await LoadPricesAsync(cancellationToken);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadPricesAsync(CancellationToken cancellationToken) =>
        Prices = (await definitions.ListAsync(User.SellerId(), cancellationToken)).Where(p => !p.Archived).ToList();
}
