using System.Security.Claims;
using Encore.Web.Features.Buyers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Erasure;

/// <summary>
/// <c>/seller/erase-requests</c>: buyers' requests that the seller erase their data, open ones first, and the button that
/// records the seller handled one. Only the seller's own: another seller's request id is 404.
/// </summary>
public sealed class IndexModel(EraseRequests requests) : PageModel
{
    public const int PageSize = 50;

    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public EraseRequestPage Result { get; private set; } = new([], 1, PageSize, 0, 0);

    /// <summary>What the last button did, or why it did nothing.</summary>
    public string? Message { get; private set; }

    public bool Refused { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Result = await requests.ListAsync(User.SellerId(), null, PageNumber, PageSize, cancellationToken);
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid requestId)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        var by = User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "seller";
        var (outcome, request) = await requests.ConfirmAsync(sellerId, requestId, by, CancellationToken.None);
        if (outcome == EraseOutcome.NotFound) return NotFound();
        Refused = outcome == EraseOutcome.Already;
        Message = Refused
            ? $"The request of {request!.Email} was already confirmed on {Moment(request.ConfirmedAt)} by {request.ConfirmedBy}. Nothing changed."
            : $"Recorded: you handled the request of {request!.Email}. Their purchases page now shows it as confirmed.";
        if (Refused) Response.StatusCode = StatusCodes.Status409Conflict;
        Result = await requests.ListAsync(sellerId, null, PageNumber, PageSize, CancellationToken.None);
        return Page();
    }

    public static string Moment(DateTimeOffset? moment) =>
        moment is { } m ? m.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "—";
}
