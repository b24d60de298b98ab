using System.Text;
using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Team;

/// <summary>
/// The invitation's mail, composed when it is sent: a new token is made then and only its SHA-256 stored on the
/// invitation (a resend replaces it, so only the newest link opens), and the row keeps the mail without the link.
/// </summary>
public sealed class TeamInviteMail(EncoreDbContext db, Encore.Web.Features.Subscriptions.ManageLinks links, TimeProvider clock)
{
    public sealed record Composed(string To, string Subject, string Text, string Html, string KeptText, string KeptHtml);

    private const string LinkLeftOut = "[the invitation link, not kept]";

    public static string AcceptPath(string token) => "/seller/invite/" + token;

    /// <returns>The mail, or why there is nothing to send (the invitation was accepted, revoked or has expired).</returns>
    public async Task<(Composed? Mail, string? Refusal)> ComposeAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(message.Reference, "N", out var inviteId)) return (null, "Not an invitation id: " + message.Reference);
        var now = clock.GetUtcNow();
        var invite = await (from i in db.SellerInvites.AsNoTracking()
                            join s in db.Sellers on i.SellerId equals s.Id
                            where i.Id == inviteId
                            select new { i.Email, i.Role, i.ExpiresAt, i.AcceptedAt, i.RevokedAt, i.InvitedByUserId, Business = s.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (invite is null) return (null, "The invitation no longer exists.");
        if (invite.AcceptedAt is not null || invite.RevokedAt is not null || invite.ExpiresAt <= now)
            return (null, "The invitation was accepted, revoked or has expired.");
        var token = SecretTokens.New();
        var hash = SecretTokens.Hash(token);
        if (await db.SellerInvites.Where(i => i.Id == inviteId && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.TokenHash, hash), cancellationToken) != 1)
            return (null, "The invitation was accepted or revoked.");
        var inviter = await db.Users.AsNoTracking().Where(u => u.Id == invite.InvitedByUserId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        var role = invite.Role == SellerRole.Owner
            ? "an owner (everything, including refunds, API keys, webhooks and the team)"
            : "staff (funnels, products and prices; orders, subscriptions and analytics to read)";
        var until = invite.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
        string[] before =
        [
            $"{inviter ?? "An owner"} invited you to sign in for \"{invite.Business}\" on Encore as {role}.",
            $"To accept, open this link before {until} and choose your password:",
        ];
        string[] after = ["If you did not expect this, ignore this mail: without the link nobody can accept it, and it expires by itself."];
        return (Compose(invite.Email, $"You are invited to join {invite.Business} on Encore", [.. before, "\u0000", .. after], links.PublicUrl + AcceptPath(token)), null);
    }

    /// <summary>Both parts; "\0" in the paragraphs marks where the link goes (shown, or left out of the kept copy).</summary>
    private static Composed Compose(string to, string subject, string[] paragraphs, string link)
    {
        string Text(string shown) => "Hello,\n\n" + string.Concat(paragraphs.Select(p => (p == "\u0000" ? shown : p) + "\n\n"));

        string Html(bool showLink)
        {
            var e = HtmlEncoder.Default;
            var html = new StringBuilder("<!DOCTYPE html><html><body><p>Hello,</p>");
            foreach (var p in paragraphs)
                html.Append(p == "\u0000"
                    ? showLink ? $"<p><a href=\"{e.Encode(link)}\">Accept the invitation</a></p>" : $"<p>{e.Encode(LinkLeftOut)}</p>"
                    : $"<p>{e.Encode(p)}</p>");
            return html.Append("</body></html>").ToString();
        }

        return new Composed(to, subject, Text(link), Html(true), Text(LinkLeftOut), Html(false));
    }
}
