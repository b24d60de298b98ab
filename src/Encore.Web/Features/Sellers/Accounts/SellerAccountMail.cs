using System.Text;
using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Accounts;

/// <summary>
/// A seller account's mails, queued on the outbox (no order: <c>OrderId</c> null, <c>Reference</c> the account's id) and
/// composed when sent: the confirmation link of a new account (an Identity token made then, left out of the copy the row
/// keeps), and the notice that someone tried to sign up with an address that already has an account. At most
/// <see cref="PerAddress"/> of them per account per <see cref="Window"/>: sign-up cannot be used to flood an inbox.
/// </summary>
public sealed class SellerAccountMail(EncoreDbContext db, UserManager<SellerUser> users, Encore.Web.Features.Subscriptions.ManageLinks links, TimeProvider clock)
{
    public const int PerAddress = 3;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public sealed record Composed(string To, string Subject, string Text, string Html, string KeptText, string KeptHtml);

    private const string LinkLeftOut = "[the confirmation link, not kept]";

    /// <summary>True when the account may be sent another mail now (fewer than <see cref="PerAddress"/> in the window).</summary>
    public async Task<bool> MaySendAsync(SellerUser user, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - Window;
        var reference = user.Id.ToString("N");
        var recent = await db.EmailMessages.CountAsync(m => m.OrderId == null && m.Reference == reference &&
            (m.Kind == EmailKind.SellerConfirmEmail || m.Kind == EmailKind.SellerSignUpAttempt) && m.CreatedAt > since, cancellationToken);
        return recent < PerAddress;
    }

    /// <summary>Queues a mail of <paramref name="kind"/> to the account, on the caller's context (and transaction).</summary>
    public async Task QueueAsync(SellerUser user, EmailKind kind, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        db.EmailMessages.Add(new EmailMessage
        {
            Id = Guid.CreateVersion7(now), SellerId = user.SellerId, OrderId = null, Kind = kind, Reference = user.Id.ToString("N"),
            Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The path of a confirmation link (the sender makes the token).</summary>
    public static string ConfirmPath(Guid userId, string token) =>
        $"/seller/confirm/{userId}?code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";

    public static string? DecodeToken(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 2000) return null;
        try { return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return null; }
    }

    /// <returns>The mail, or why there is nothing to send.</returns>
    public async Task<(Composed? Mail, string? Refusal)> ComposeAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(message.Reference, "N", out var userId)) return (null, "Not an account id: " + message.Reference);
        var user = await users.FindByIdAsync(userId.ToString());
        if (user?.Email is not { } to) return (null, "The account no longer exists.");
        var business = await db.Sellers.AsNoTracking().Where(s => s.Id == user.SellerId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var signIn = $"{links.PublicUrl}/seller/sign-in";
        if (message.Kind == EmailKind.SellerSignUpAttempt)
        {
            const string subject = "Someone tried to create an Encore account with your address";
            string[] paragraphs =
            [
                $"Someone, perhaps you, tried to create a new Encore seller account with {to}. This address already has an account (\"{business}\"), so nothing was created and nothing about your account changed.",
                $"If it was you, sign in instead: {signIn}. Forgot your password? A reset by e-mail is not available yet: ask whoever runs this Encore.",
                "If it was not you, you need do nothing.",
            ];
            return (Compose(to, subject, paragraphs, null), null);
        }
        if (user.EmailConfirmed) return (null, "The address is already confirmed.");
        var url = links.PublicUrl + ConfirmPath(user.Id, await users.GenerateEmailConfirmationTokenAsync(user));
        string[] before =
        [
            $"Someone, hopefully you, used this address to create an Encore seller account for \"{business}\". To finish, open this link within 24 hours and enter the password you chose:",
        ];
        string[] after =
        [
            "If it was not you, ignore this mail: without this link the account cannot be used, and nothing is charged or sent in your name.",
            $"Already confirmed? Sign in at {signIn}.",
        ];
        return (Compose(to, "Confirm your address to finish your Encore account", [.. before, "\u0000", .. after], url), null);
    }

    /// <summary>Both parts; "\0" in the paragraphs marks where the link goes (shown, or left out of the kept copy).</summary>
    private static Composed Compose(string to, string subject, string[] paragraphs, string? link)
    {
        string Text(string? shown) =>
            "Hello,\n\n" + string.Concat(paragraphs.Select(p => (p == "\u0000" ? shown : p) + "\n\n"));

        string Html(bool showLink)
        {
            var e = HtmlEncoder.Default;
            var html = new StringBuilder("<!DOCTYPE html><html><body><p>Hello,</p>");
            foreach (var p in paragraphs)
                html.Append(p == "\u0000"
                    ? showLink ? $"<p><a href=\"{e.Encode(link!)}\">Confirm your address</a></p>" : $"<p>{e.Encode(LinkLeftOut)}</p>"
                    : $"<p>{e.Encode(p)}</p>");
            return html.Append("</body></html>").ToString();
        }

        return new Composed(to, subject, Text(link), Html(true), Text(LinkLeftOut), Html(false));
    }
}
