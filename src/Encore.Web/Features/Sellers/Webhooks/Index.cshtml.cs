using Encore.Web.Data.Entities;
using Encore.Web.Features.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Webhooks;

/// <summary>The seller's webhook endpoints: add one (its signing secret is shown once, here), disable one.</summary>
public sealed class IndexModel(WebhookEndpoints endpoints) : PageModel
{
    public List<WebhookEndpoint> Endpoints { get; private set; } = [];
    public WebhookEndpoint? Created { get; private set; }
    public string? NewSecret { get; private set; }
    public string? UrlError { get; private set; }
    public string? EnteredUrl { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Endpoints = await endpoints.ListAsync(User.SellerId(), cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? url, string[]? events, CancellationToken cancellationToken)
    {
        EnteredUrl = url;
        UrlError = endpoints.CheckUrl(url);
        if (UrlError is null)
        {
            (Created, NewSecret) = await endpoints.CreateAsync(Audit.AuditActor.Of(HttpContext), url!, events ?? [], CancellationToken.None);
            Response.Headers.CacheControl = "no-cache, no-store";
            EnteredUrl = null;
        }
        else Response.StatusCode = StatusCodes.Status400BadRequest;
        Endpoints = await endpoints.ListAsync(User.SellerId(), cancellationToken);
        return Page();
    }
}
