using System.Text;
using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// Composes a sign-in mail when the sender sends it, from the link's row: the link is made then, and a link already
/// used or expired is not sent at all. What the outbox keeps as the record of the mail leaves the link out, so the
/// table of sent mail holds nothing that signs anyone in.
/// </summary>
public sealed class BuyerSignInMail(EncoreDbContext db, BuyerSignIns signIns, TimeProvider clock)
{
    /// <param name="KeptText">The text as the outbox keeps it: the same, without the link.</param>
    public sealed record Composed(string To, string Subject, string Text, string Html, string KeptText, string KeptHtml);

    private const string LinkLeftOut = "[the sign-in link, not kept]";

    /// <returns>The mail, or why there is nothing to send.</returns>
    public async Task<(Composed? Mail, string? Refusal)> ComposeAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(message.Reference, "N", out var linkId)) return (null, "Not a sign-in link id: " + message.Reference);
        var link = await db.BuyerSignInLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null) return (null, "The sign-in link no longer exists.");
        if (link.UsedAt is not null || link.ExpiresAt <= clock.GetUtcNow())
            return (null, "The sign-in link expired before it could be sent; the buyer can ask for a new one.");
        var orderId = message.OrderId;
        var buyer = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new { o.Email, o.BuyerName }).SingleOrDefaultAsync(cancellationToken);
        if (buyer is null) return (null, $"Order {orderId} does not exist.");

        var url = signIns.UrlFor(link);
        var minutes = BuyerSignIns.LinkLifetime.TotalMinutes.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        const string subject = "Your sign-in link to your purchases";
        string[] before =
        [
            $"Someone, hopefully you, asked to sign in to the purchases page of {link.Email}. " +
            $"This link signs you in; it works once, within {minutes} minutes (until {link.ExpiresAt.UtcDateTime:HH:mm} UTC):",
        ];
        string[] after =
        [
            "Your purchases page has every order with its receipt, fresh download links, your subscriptions and your data.",
            "If you did not ask for this, ignore this mail: nothing happens without the link.",
        ];

        string Text(string shown)
        {
            var text = new StringBuilder($"Hello {buyer.BuyerName},\n\n");
            foreach (var p in before) text.Append(p).Append("\n\n");
            text.Append(shown).Append("\n\n");
            foreach (var p in after) text.Append(p).Append("\n\n");
            return text.ToString();
        }

        string Html(string? shown)
        {
            var e = HtmlEncoder.Default;
            var html = new StringBuilder("<!DOCTYPE html><html><body>");
            html.Append($"<p>Hello {e.Encode(buyer.BuyerName)},</p>");
            foreach (var p in before) html.Append($"<p>{e.Encode(p)}</p>");
            html.Append(shown is null ? $"<p>{e.Encode(LinkLeftOut)}</p>" : $"<p><a href=\"{e.Encode(shown)}\">Sign in to your purchases</a></p>");
            foreach (var p in after) html.Append($"<p>{e.Encode(p)}</p>");
            html.Append("</body></html>");
            return html.ToString();
        }

        return (new Composed(buyer.Email, subject, Text(url), Html(url), Text(LinkLeftOut), Html(null)), null);
    }
}
