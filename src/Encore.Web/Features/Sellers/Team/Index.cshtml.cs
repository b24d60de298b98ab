using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Team;

/// <summary>
/// <c>/seller/team</c> (owners only, see <see cref="SellerRoles"/>): the members and pending invitations; invite, revoke,
/// change a role, remove. A refused change is said on the page (400) and changes nothing.
/// </summary>
public sealed class IndexModel(SellerTeam team) : PageModel
{
    public List<TeamMember> Members { get; private set; } = [];
    public List<PendingInvite> Invites { get; private set; } = [];
    public string? Error { get; private set; }
    public string? EnteredEmail { get; private set; }

    [TempData] public string? Flash { get; set; }

    public Guid Me => Guid.TryParse(User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var id) ? id : Guid.Empty;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostInviteAsync(string? email, string? role)
    {
        EnteredEmail = email;
        return ChangeAsync(ParseRole(role) is { } parsed
            ? team.InviteAsync(AuditActor.Of(HttpContext), email, parsed, CancellationToken.None)
            : Task.FromResult(TeamChange.Refused("Choose owner or staff.")), $"Invitation sent to {email?.Trim().ToLowerInvariant()}. The link works for 7 days, once.");
    }

    public Task<IActionResult> OnPostRevokeAsync(Guid inviteId) =>
        ChangeAsync(team.RevokeInviteAsync(AuditActor.Of(HttpContext), inviteId, CancellationToken.None), "Invitation revoked: its link no longer works.");

    public Task<IActionResult> OnPostRoleAsync(Guid userId, string? role) =>
        ChangeAsync(ParseRole(role) is { } parsed
            ? team.ChangeRoleAsync(AuditActor.Of(HttpContext), userId, parsed, CancellationToken.None)
            : Task.FromResult(TeamChange.Refused("Choose owner or staff.")), "Role changed. The member was signed out everywhere and signs in again with the new role.");

    public Task<IActionResult> OnPostRemoveAsync(Guid userId) =>
        ChangeAsync(team.RemoveAsync(AuditActor.Of(HttpContext), userId, CancellationToken.None), "Member removed. Their sessions have ended.");

    private async Task<IActionResult> ChangeAsync(Task<TeamChange> change, string done)
    {
        var result = await change;
        if (result.NotFound) return NotFound();
        if (result.Done)
        {
            Flash = done;
            return RedirectToPage();
        }
        Error = result.Refusal;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(CancellationToken.None);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Members = await team.MembersAsync(User.SellerId(), cancellationToken);
        Invites = await team.PendingInvitesAsync(User.SellerId(), cancellationToken);
    }

    private static SellerRole? ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "owner" => SellerRole.Owner,
        "staff" => SellerRole.Staff,
        _ => null,
    };

    public static string Moment(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
}
