using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Team;

/// <summary>
/// The invitation's link. Opening it (mail scanners open links first) only shows a form; choosing a password accepts it,
/// once, and signs the new member in. A used, revoked, expired or altered link opens nothing.
/// </summary>
public sealed class AcceptModel(SellerTeam team, SignInManager<SellerUser> signIn) : PageModel
{
    [BindProperty] public string? Password { get; set; }
    public InviteView? Invite { get; private set; }
    public List<string> Errors { get; } = [];
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Invite = await team.FindInviteAsync(token, cancellationToken);
        if (Invite is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var result = await team.AcceptAsync(token, Password ?? "", HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        Password = null;
        if (result.User is { } user)
        {
            await signIn.SignInAsync(user, isPersistent: false);
            return Redirect("/seller");
        }
        Invite = result.Gone ? null : await team.FindInviteAsync(token, cancellationToken);
        Refusal = result.Refusal;
        Errors.AddRange(result.PasswordErrors);
        Response.StatusCode = result.Gone ? StatusCodes.Status404NotFound : result.Refusal is not null ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }
}
