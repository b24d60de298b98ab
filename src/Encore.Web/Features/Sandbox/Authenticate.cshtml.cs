using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sandbox;

/// <summary>The Sandbox gateway's stand-in for a bank's 3-D Secure page: complete or fail, then back to the shop.</summary>
public sealed class AuthenticateModel(IPaymentGateway gateway, SandboxGateway sandbox) : PageModel
{
    public SandboxAuthentication? Payment { get; private set; }

    public async Task<IActionResult> OnGetAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (gateway.Name != sandbox.Name) return NotFound();
        Response.Headers.CacheControl = "no-cache, no-store";
        Payment = await sandbox.FindAuthenticationAsync(paymentId, cancellationToken);
        if (Payment is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string paymentId, bool approve, CancellationToken cancellationToken)
    {
        if (gateway.Name != sandbox.Name) return NotFound();
        var payment = await sandbox.CompleteAuthenticationAsync(paymentId, approve, cancellationToken);
        return payment is null ? NotFound() : LocalRedirect(payment.ReturnUrl);
    }
}
