using Encore.Web.Data.Entities;
using Encore.Web.Features.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Webhooks;

/// <summary>One endpoint's deliveries with every attempt; a delivery can be sent again (same event, same event id).</summary>
public sealed class EndpointModel(WebhookEndpoints endpoints) : PageModel
{
    public WebhookEndpoint Endpoint { get; private set; } = null!;
    public List<DeliveryLogEntry> Deliveries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid endpointId, CancellationToken cancellationToken)
    {
        if (await endpoints.FindAsync(User.SellerId(), endpointId, cancellationToken) is not { } endpoint) return NotFound();
        Endpoint = endpoint;
        Deliveries = await endpoints.DeliveriesAsync(User.SellerId(), endpointId, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRedeliverAsync(Guid endpointId, Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!await endpoints.RedeliverAsync(User.SellerId(), endpointId, deliveryId, cancellationToken)) return NotFound();
        return RedirectToPage(new { endpointId });
    }

    public async Task<IActionResult> OnPostDisableAsync(Guid endpointId, CancellationToken cancellationToken)
    {
        if (!await endpoints.DisableAsync(Audit.AuditActor.Of(HttpContext), endpointId, CancellationToken.None)) return NotFound();
        return Redirect("/seller/webhooks");
    }
}
