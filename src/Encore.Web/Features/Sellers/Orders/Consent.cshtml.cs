using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Orders;

/// <summary>A consent record as a printable document for a card network, and the same as a JSON download.</summary>
public sealed class ConsentModel(SellerOrders orders) : PageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ConsentExport Record { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid consentId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var record = await orders.FindConsentAsync(User.SellerId(), consentId, cancellationToken);
        if (record is null) return NotFound();
        Record = record;
        return Page();
    }

    public async Task<IActionResult> OnGetJsonAsync(Guid consentId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var record = await orders.FindConsentAsync(User.SellerId(), consentId, cancellationToken);
        if (record is null) return NotFound();
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record.ToJson(), Json));
        return File(bytes, "application/json", $"consent-{record.ConsentId}.json");
    }
}
