using System.Security.Claims;
using Encore.Web.Features.Buyers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Erasure;

/// <summary>
/// <c>/seller/erase-requests</c>: buyers' requests that the seller erase their data, open ones first, and the button that
/// records the seller handled one. Only the seller's own: another seller's request id is 404.
/// </summary>
public sealed class IndexModel(EraseRequests requests, BuyerErasure erasure, BuyerData data, Data.EncoreDbContext db) : PageModel
{
    /// <summary>Days consent records keep buyers' IP addresses and browsers.</summary>
    public int RetentionDays { get; private set; } = ConsentRetention.DefaultDays;

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
        await LoadRetentionAsync(cancellationToken);
    }

    private async Task LoadRetentionAsync(CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        RetentionDays = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.Sellers.Where(s => s.Id == sellerId).Select(s => s.ConsentRetentionDays), cancellationToken) ?? ConsentRetention.DefaultDays;
    }

    public async Task<IActionResult> OnPostRetentionAsync(int days, CancellationToken cancellationToken)
    {
        var sellerId = User.SellerId();
        if (days is < ConsentRetention.MinDays or > ConsentRetention.MaxDays)
        {
            Refused = true;
            Message = $"Keep them {ConsentRetention.MinDays} to {ConsentRetention.MaxDays} days (card networks allow disputes for up to 540). Nothing changed.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                db.Sellers.Where(s => s.Id == sellerId), s => s.SetProperty(x => x.ConsentRetentionDays, days), cancellationToken);
            Message = $"Saved: consent records keep buyers' IP addresses and browsers for {days} days, then Encore clears them.";
        }
        Result = await requests.ListAsync(sellerId, null, PageNumber, PageSize, cancellationToken);
        await LoadRetentionAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid requestId)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        var by = User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "seller";
        var (outcome, request, asked) = await requests.ConfirmAsync(sellerId, requestId, by, Audit.AuditActor.Of(HttpContext), CancellationToken.None);
        if (outcome == EraseOutcome.NotFound) return NotFound();
        Refused = outcome != EraseOutcome.Done;
        Message = outcome switch
        {
            EraseOutcome.Already => $"The request of {asked} was already confirmed on {Moment(request!.ConfirmedAt)} by {request.ConfirmedBy}. Nothing changed.",
            EraseOutcome.SubscriptionRunning => $"{asked} still has a running subscription: cancel it on its page first (Encore cannot bill someone it has forgotten). Nothing was erased.",
            _ => $"Erased: {asked}'s name, address, IP addresses and browsers are gone from your orders (now \"{request!.Email}\"); amounts, dates and consent hashes stay.",
        };
        if (Refused) Response.StatusCode = StatusCodes.Status409Conflict;
        Result = await requests.ListAsync(sellerId, null, PageNumber, PageSize, CancellationToken.None);
        await LoadRetentionAsync(CancellationToken.None);
        return Page();
    }

    /// <summary>The seller erases a buyer without a request (asked by mail, say): the same erasure.</summary>
    public async Task<IActionResult> OnPostEraseAsync(string? email)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        var by = User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "seller";
        var address = (email ?? "").Trim().ToLowerInvariant();
        var result = address.Length == 0 ? new ErasureResult(ErasureOutcome.NotFound) : await erasure.EraseAsync(sellerId, address, by, Audit.AuditActor.Of(HttpContext), CancellationToken.None);
        Refused = result.Outcome != ErasureOutcome.Erased;
        Message = result.Outcome switch
        {
            ErasureOutcome.Erased => $"Erased: {address}'s name, address, IP addresses and browsers are gone from your {result.Orders} order(s) (now \"{result.Pseudonym}\"); amounts, dates and consent hashes stay.",
            ErasureOutcome.SubscriptionRunning => $"{address} still has a running subscription: cancel it on its page first. Nothing was erased.",
            _ => address.Length == 0 ? "Enter the buyer's e-mail address." : $"You have no orders from {address}. Nothing was erased.",
        };
        if (Refused) Response.StatusCode = result.Outcome == ErasureOutcome.SubscriptionRunning ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        Result = await requests.ListAsync(sellerId, null, PageNumber, PageSize, CancellationToken.None);
        await LoadRetentionAsync(CancellationToken.None);
        return Page();
    }

    /// <summary>Everything the seller's orders hold about one address, as JSON.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? email, CancellationToken cancellationToken)
    {
        var address = (email ?? "").Trim().ToLowerInvariant();
        Response.Headers.CacheControl = "no-cache, no-store";
        var json = await data.ExportForSellerAsync(Audit.AuditActor.Of(HttpContext), address, cancellationToken);
        return File(json, "application/json", $"buyer-data-{DateTime.UtcNow:yyyyMMdd}.json");
    }

    public static string Moment(DateTimeOffset? moment) =>
        moment is { } m ? m.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "—";
}
