using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// <c>POST /account/erase</c>: the signed-in buyer asks one seller they bought from to erase their data; back to the
/// purchases page, which shows the request. A seller they never bought from is 404 and nothing is written.
/// </summary>
public sealed class EraseModel(EraseRequests requests) : PageModel
{
    [BindProperty] public Guid SellerId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public IActionResult OnGet() => Redirect("/account/purchases");

    public async Task<IActionResult> OnPostAsync()
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        // A request is not abandoned halfway because the browser went away.
        var outcome = await requests.RequestAsync(User.BuyerEmail(), SellerId, Reason, CancellationToken.None);
        return outcome == EraseOutcome.NotFound ? NotFound() : Redirect($"/account/purchases#seller-{SellerId}");
    }
}
