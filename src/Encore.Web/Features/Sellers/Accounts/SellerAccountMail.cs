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
/// composed when sent: the confirmation link of a new account, a password-reset link and a change-of-address link (each
/// an Identity token made then, left out of the copy the row keeps), the notice that someone tried to sign up with an
/// address that already has an account, that the password was changed, and that a change of address was asked for. The
/// mails someone can ask for (<see cref="Limited"/>) go out at most <see cref="PerAddress"/> per account per
/// <see cref="Window"/>: sign-up, "forgot your password" and "change address" cannot be used to flood an inbox.
/// </summary>
public sealed class SellerAccountMail(EncoreDbContext db, UserManager<SellerUser> users, Encore.Web.Features.Subscriptions.ManageLinks links, TimeProvider clock)
{
    public const int PerAddress = 3;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public sealed record Composed(string To, string Subject, string Text, string Html, string KeptText, string KeptHtml);

    private const string LinkLeftOut = "[the link, not kept]";

    /// <summary>The kinds this class composes.</summary>
    public static bool Composes(EmailKind kind) => kind is EmailKind.SellerConfirmEmail or EmailKind.SellerSignUpAttempt
        or EmailKind.SellerPasswordReset or EmailKind.SellerPasswordChanged or EmailKind.SellerEmailChangeConfirm or EmailKind.SellerEmailChangeNotice;

    /// <summary>The kinds anyone can ask for, counted against <see cref="PerAddress"/>; notices of a change are always sent.</summary>
    private static readonly EmailKind[] Limited =
        [EmailKind.SellerConfirmEmail, EmailKind.SellerSignUpAttempt, EmailKind.SellerPasswordReset, EmailKind.SellerEmailChangeConfirm];

    /// <summary>True when the account may be sent another mail now (fewer than <see cref="PerAddress"/> in the window).</summary>
    public async Task<bool> MaySendAsync(SellerUser user, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - Window;
        var reference = user.Id.ToString("N");
        var recent = await db.EmailMessages.CountAsync(m => m.OrderId == null && m.Reference == reference &&
            Limited.Contains(m.Kind) && m.CreatedAt > since, cancellationToken);
        return recent < PerAddress;
    }

    /// <summary>
    /// Queues a mail of <paramref name="kind"/> to the account, on the caller's context (and transaction); to
    /// <paramref name="to"/> when given (a change of address: the new address, or the one the account had when asked).
    /// </summary>
    public async Task QueueAsync(SellerUser user, EmailKind kind, CancellationToken cancellationToken, string? to = null)
    {
        var now = clock.GetUtcNow();
        db.EmailMessages.Add(new EmailMessage
        {
            Id = Guid.CreateVersion7(now), SellerId = user.SellerId, OrderId = null, Kind = kind, Reference = user.Id.ToString("N"),
            To = to, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The path of a confirmation link (the sender makes the token).</summary>
    public static string ConfirmPath(Guid userId, string token) => $"/seller/confirm/{userId}?code={Encode(token)}";

    /// <summary>The path of a password-reset link.</summary>
    public static string ResetPath(Guid userId, string token) => $"/seller/reset/{userId}?code={Encode(token)}";

    /// <summary>The path of a change-of-address link; the token is only good for this address.</summary>
    public static string ChangeEmailPath(Guid userId, string email, string token) =>
        $"/seller/change-email/{userId}?email={Uri.EscapeDataString(email)}&code={Encode(token)}";

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

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
        var forgot = $"{links.PublicUrl}/seller/forgot";
        switch (message.Kind)
        {
            case EmailKind.SellerSignUpAttempt:
                return (Compose(to, "Someone tried to create an Encore account with your address",
                [
                    $"Someone, perhaps you, tried to create a new Encore seller account with {to}. This address already has an account (\"{business}\"), so nothing was created and nothing about your account changed.",
                    $"If it was you, sign in instead: {signIn}. Forgot your password? Choose a new one at {forgot}.",
                    "If it was not you, you need do nothing.",
                ], null, null), null);
            case EmailKind.SellerPasswordReset:
                if (!user.EmailConfirmed) return (null, "The address is not confirmed.");
                var reset = links.PublicUrl + ResetPath(user.Id, await users.GeneratePasswordResetTokenAsync(user));
                return (Compose(to, "Choose a new password for your Encore account",
                [
                    $"Someone, hopefully you, asked to choose a new password for the Encore seller account of \"{business}\". To do so, open this link within {SellerLinkTokens.ResetLifetime.TotalMinutes:0} minutes:",
                    "\0",
                    "The link works once, and only until you sign in and out again or change your password some other way. Choosing a new password signs you out on every device.",
                    "If it was not you, ignore this mail: your password stays as it is.",
                ], reset, "Choose a new password"), null);
            case EmailKind.SellerPasswordChanged:
                return (Compose(to, "Your Encore password was changed",
                [
                    $"The password of the Encore seller account of \"{business}\" ({to}) was changed on {message.CreatedAt.UtcDateTime:yyyy-MM-dd 'at' HH:mm} UTC. Every session of the account was signed out.",
                    $"If it was you, you need do nothing. If it was not, choose a new password now at {forgot} and turn on two-factor sign-in on your account page.",
                ], null, null), null);
            case EmailKind.SellerEmailChangeConfirm:
                if (message.To is not { } next) return (null, "No new address on the mail.");
                if (await users.FindByEmailAsync(next) is { } holder && holder.Id != user.Id)
                    return (null, "The new address belongs to another account: nothing is sent to it.");
                var change = links.PublicUrl + ChangeEmailPath(user.Id, next, await users.GenerateChangeEmailTokenAsync(user, next));
                return (Compose(next, "Confirm the new address of your Encore account",
                [
                    $"Someone, hopefully you, asked to make {next} the sign-in address of the Encore seller account of \"{business}\" (now {to}). To do so, open this link within {SellerLinkTokens.ChangeEmailLifetime.TotalHours:0} hours:",
                    "\0",
                    "Until then the account keeps its old address. The link works once, and only until you sign out or change your password. After the change, you sign in with this address.",
                    "If it was not you, ignore this mail: nothing changes.",
                ], change, "Use this address"), null);
            case EmailKind.SellerEmailChangeNotice:
                if (message.To is not { } old) return (null, "No address on the notice.");
                var asked = await db.EmailMessages.AsNoTracking()
                    .Where(m => m.OrderId == null && m.Reference == message.Reference && m.Kind == EmailKind.SellerEmailChangeConfirm && m.CreatedAt <= message.CreatedAt)
                    .OrderByDescending(m => m.CreatedAt).Select(m => m.To).FirstOrDefaultAsync(cancellationToken);
                return (Compose(old, "A new address was asked for your Encore account",
                [
                    $"Someone signed in to the Encore seller account of \"{business}\" asked to change its sign-in address from {old} to {asked ?? "another address"}. The change happens only when the link sent to the new address is opened; until then nothing changes.",
                    $"If it was not you, someone knows your password: choose a new one now at {forgot} (that also ends the link) and turn on two-factor sign-in.",
                ], null, null), null);
        }
        if (user.EmailConfirmed) return (null, "The address is already confirmed.");
        var url = links.PublicUrl + ConfirmPath(user.Id, await users.GenerateEmailConfirmationTokenAsync(user));
        return (Compose(to, "Confirm your address to finish your Encore account",
        [
            $"Someone, hopefully you, used this address to create an Encore seller account for \"{business}\". To finish, open this link within 24 hours and enter the password you chose:",
            "\0",
            "If it was not you, ignore this mail: without this link the account cannot be used, and nothing is charged or sent in your name.",
            $"Already confirmed? Sign in at {signIn}.",
        ], url, "Confirm your address"), null);
    }

    /// <summary>Both parts; "\0" in the paragraphs marks where the link goes (shown, or left out of the kept copy).</summary>
    private static Composed Compose(string to, string subject, string[] paragraphs, string? link, string? label)
    {
        string Text(string? shown) =>
            "Hello,\n\n" + string.Concat(paragraphs.Select(p => (p == "\u0000" ? shown : p) + "\n\n"));

        string Html(bool showLink)
        {
            var e = HtmlEncoder.Default;
            var html = new StringBuilder("<!DOCTYPE html><html><body><p>Hello,</p>");
            foreach (var p in paragraphs)
                html.Append(p == "\u0000"
                    ? showLink ? $"<p><a href=\"{e.Encode(link!)}\">{e.Encode(label!)}</a></p>" : $"<p>{e.Encode(LinkLeftOut)}</p>"
                    : $"<p>{e.Encode(p)}</p>");
            return html.Append("</body></html>").ToString();
        }

        return new Composed(to, subject, Text(link), Html(true), Text(LinkLeftOut), Html(false));
    }
}
