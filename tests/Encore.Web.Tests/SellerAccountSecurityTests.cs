using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using OtpNet;

namespace Encore.Web.Tests;

/// <summary>
/// What an auditor expects of seller accounts beyond sign-in: a password reset by mailed link that tells no one which
/// addresses have accounts and works once, within an hour; a change of address that happens only when the new address's
/// link is opened; two-factor sign-in with an authenticator app and recovery codes that each work once.
/// </summary>
public abstract partial class SellerAccountSecurityTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : EncoreApp
{
    private TestSmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        if (app.Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return;
        _smtp = new TestSmtpServer(app.SmtpPort);
        await _smtp.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private const string Password = Sellers.Password;
    private const string NewPassword = "a brand new passphrase";

    private HttpClient Client(string address)
    {
        var client = app.CreateClient(new Uri("http://localhost/"), handleCookies: false);
        client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, address);
        return client;
    }

    /// <summary>200 when the jar's session opens the seller home; 302 (to the sign-in page) when it does not.</summary>
    private static async Task<HttpStatusCode> HomeAsync(HttpClient client, CookieJar jar)
    {
        var response = await jar.GetAsync(client, "/seller");
        if (response.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/seller/sign-in", response.Headers.Location!.PathAndQuery);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> ForgotAsync(HttpClient client, string email)
    {
        var jar = new CookieJar();
        var page = await jar.PageAsync(client, "/seller/forgot");
        return await jar.PostAsync(client, page, "/seller/forgot", ("Email", email));
    }

    // ---- Password reset ----

    [Fact]
    public async Task A_reset_answers_the_same_for_any_address_mails_only_the_account_and_its_link_works_once_and_ends_every_session()
    {
        var (_, email) = await app.SignUpAsync("Reset Studio");
        var client = Client("203.0.113.21");
        var session = new CookieJar();
        await session.SignInAsync(client, email, Password);
        var kept = session.Copy(); // a copy of the cookie someone took before the reset
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, kept));

        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";
        var toKnown = await ForgotAsync(client, email);
        var toUnknown = await ForgotAsync(client, unknown);
        Assert.Equal(HttpStatusCode.Redirect, toKnown.StatusCode);
        Assert.Equal(toKnown.StatusCode, toUnknown.StatusCode);
        Assert.Equal("/seller/forgot/sent", toKnown.Headers.Location!.OriginalString);
        Assert.Equal(toKnown.Headers.Location, toUnknown.Headers.Location);

        await app.SendEmailsAsync();
        Assert.Empty(MailsTo(unknown));
        var mail = Assert.Single(MailsTo(email));
        Assert.Contains("Reset Studio", mail.TextBody);
        var link = Link(ResetLink(), mail.TextBody);
        Assert.DoesNotContain("/seller/reset/", await app.QueryAsync(db => db.EmailMessages // the row keeps the mail without its link
            .Where(m => m.Kind == EmailKind.SellerPasswordReset && m.To == email).Select(m => m.TextBody).SingleAsync()));

        var jar = new CookieJar();
        var form = await jar.PageAsync(client, link); // opening it changes nothing
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, kept));
        var weak = await jar.PostAsync(client, form, link, ("NewPassword", "password1234"));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("common password", await weak.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, kept)); // refused: nothing changed

        var reset = await jar.PostAsync(client, form, link, ("NewPassword", NewPassword));
        Assert.Equal("/seller/sign-in?reset=done", reset.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, kept)); // the old session's cookie opens nothing
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, session));

        var again = await new CookieJar().PageAsync(client, link);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("This link does not work", again.Html);
        var replayed = await jar.PostAsync(client, form, link, ("NewPassword", "yet another new passphrase"));
        Assert.Equal(HttpStatusCode.Gone, replayed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(client, email, Password)).StatusCode); // refused
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().SignInAsync(client, email, NewPassword)).StatusCode);
        await app.SendEmailsAsync();
        Assert.Contains(MailsTo(email), m => m.Subject == "Your Encore password was changed");
        Assert.Equal(["password_reset"], await AuditedAsync(email)); // once, by the account itself; the refused tries left none
    }

    [Fact]
    public async Task An_expired_or_altered_reset_link_changes_nothing_and_an_address_gets_at_most_three_links()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client("203.0.113.22");
        await ForgotAsync(client, email);
        await app.SendEmailsAsync();
        var link = Link(ResetLink(), Assert.Single(MailsTo(email)).TextBody);

        var jar = new CookieJar();
        var form = await jar.PageAsync(client, link);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var altered = link[..^3] + (link[^3] == 'A' ? "B" : "A") + link[^2..];
        Assert.Equal(HttpStatusCode.Gone, (await jar.PostAsync(client, form, altered, ("NewPassword", NewPassword))).StatusCode);
        var otherAccount = Regex.Replace(link, "/seller/reset/[0-9a-f-]+", $"/seller/reset/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Gone, (await jar.PageAsync(client, otherAccount)).Status);

        app.Clock.Advance(SellerLinkTokens.ResetLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Gone, (await jar.PageAsync(client, link)).Status);
        var expired = await jar.PostAsync(client, form, link, ("NewPassword", NewPassword));
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().SignInAsync(client, email, Password)).StatusCode); // unchanged

        for (var i = 0; i < 5; i++) await ForgotAsync(client, email);
        var userId = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        var since = app.Clock.GetUtcNow() - SellerAccountMail.Window;
        Assert.Equal(SellerAccountMail.PerAddress, await app.QueryAsync(db => db.EmailMessages.CountAsync(m =>
            m.Reference == userId.ToString("N") && m.Kind == EmailKind.SellerPasswordReset && m.CreatedAt > since)));
    }

    // ---- Change of address ----

    [Fact]
    public async Task The_address_changes_only_when_the_new_addresss_link_is_followed()
    {
        var (_, email) = await app.SignUpAsync();
        var next = $"moved-{Guid.NewGuid():N}@example.com";
        var client = Client("203.0.113.23");
        var session = new CookieJar();
        await session.SignInAsync(client, email, Password);
        var account = await session.PageAsync(client, "/seller/account");

        var wrong = await session.PostAsync(client, account, "/seller/account?handler=email", ("NewEmail", next), ("CurrentPassword", "not the password"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("current password is not right", await wrong.Content.ReadAsStringAsync());
        var asked = await session.PostAsync(client, account, "/seller/account?handler=email", ("NewEmail", next), ("CurrentPassword", Password));
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Contains(next, (await session.PageAsync(client, asked.Headers.Location!.OriginalString)).Html);

        await app.SendEmailsAsync();
        var confirm = Assert.Single(MailsTo(next));
        var link = Link(ChangeLink(), confirm.TextBody);
        var notice = Assert.Single(MailsTo(email));
        Assert.Contains(next, notice.TextBody);
        Assert.DoesNotContain("/seller/change-email/", notice.TextBody);

        // Until the link is followed, nothing changed: the old address signs in, the session goes on.
        var linkJar = new CookieJar(); // whoever opens the mail: not signed in
        var form = await linkJar.PageAsync(client, link);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal(email, await app.QueryAsync(db => db.Users.Where(u => u.Email == email || u.Email == next).Select(u => u.Email).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, session));
        var altered = link.Replace(Uri.EscapeDataString(next), Uri.EscapeDataString("other-" + next), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await linkJar.PostAsync(client, form, altered)).StatusCode);

        var changed = await linkJar.PostAsync(client, form, link);
        Assert.Equal("/seller/sign-in?emailChanged=done", changed.Headers.Location!.OriginalString);
        var user = await app.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == next));
        Assert.True(user.EmailConfirmed);
        Assert.Equal(next, user.UserName);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, session)); // every session ended
        Assert.Equal(HttpStatusCode.Gone, (await linkJar.PostAsync(client, form, link)).StatusCode); // once
        Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(client, email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().SignInAsync(client, next, Password)).StatusCode);
        var audited = await app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "email_changed" && a.SubjectId == user.Id.ToString()).ToListAsync());
        Assert.Equal(email, Assert.Single(audited).Actor); // the address at the time; the altered and the second try left none
    }

    [Fact]
    public async Task An_address_another_account_has_gets_the_same_answer_and_changes_nothing()
    {
        var (_, email) = await app.SignUpAsync();
        var (_, taken) = await app.SignUpAsync("Other Studio");
        var free = $"free-{Guid.NewGuid():N}@example.com";
        var client = Client("203.0.113.24");
        var session = new CookieJar();
        await session.SignInAsync(client, email, Password);
        var account = await session.PageAsync(client, "/seller/account");

        var toTaken = await session.PostAsync(client, account, "/seller/account?handler=email", ("NewEmail", taken), ("CurrentPassword", Password));
        var toFree = await session.PostAsync(client, account, "/seller/account?handler=email", ("NewEmail", free), ("CurrentPassword", Password));
        Assert.Equal(HttpStatusCode.Redirect, toTaken.StatusCode);
        Assert.Equal(toFree.StatusCode, toTaken.StatusCode);
        Assert.Equal(toFree.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString(free), "X"),
            toTaken.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString(taken), "X"));
        var shownTaken = (await session.PageAsync(client, toTaken.Headers.Location.OriginalString)).Html;
        var shownFree = (await session.PageAsync(client, toFree.Headers.Location.OriginalString)).Html;
        Assert.Equal(Strip(shownFree).Replace(free, "X"), Strip(shownTaken).Replace(taken, "X"));

        await app.SendEmailsAsync();
        Assert.Empty(MailsTo(taken)); // its holder is not mailed a link to give their address away
        Assert.Single(MailsTo(free));
        Assert.Equal(2, MailsTo(email).Count); // a notice for each request
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == taken)));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, session));
    }

    // ---- Two-factor sign-in ----

    [Fact]
    public async Task Two_factor_turns_on_only_with_a_right_code_and_then_signing_in_needs_the_code()
    {
        var (_, email, confirmLink) = await app.SignUpKeepingLinkAsync();
        var client = Client("203.0.113.25");
        var session = new CookieJar();
        await session.SignInAsync(client, email, Password);
        var other = new CookieJar();
        await other.SignInAsync(client, email, Password);

        var key = await StartSetupAsync(client, session);
        var setup = await session.PageAsync(client, "/seller/account/two-factor");
        Assert.Contains("data:image/png;base64,", setup.Html); // the QR code, drawn on the server
        var wrong = await session.PostAsync(client, setup, "/seller/account/two-factor?handler=enable", ("Code", WrongCode(key)), ("Password", Password));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync());
        Assert.False(await TwoFactorOnAsync(email));
        // A right code is not enough: whoever has the open session must know the password too (or could tie the account
        // to their own app and lock its owner out). Refused before the code is even checked, nothing changed, nothing audited.
        foreach (var password in new[] { "not the password", "" })
        {
            var unproven = await session.PostAsync(client, setup, "/seller/account/two-factor?handler=enable", ("Code", Code(key)), ("Password", password));
            Assert.Equal(HttpStatusCode.BadRequest, unproven.StatusCode);
            Assert.Contains("That is not your password. Two-factor is still off.", await unproven.Content.ReadAsStringAsync());
            Assert.False(await TwoFactorOnAsync(email));
        }
        Assert.Empty(await AuditedAsync(email));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, other)); // no session ended either

        var on = await session.PostAsync(client, setup, "/seller/account/two-factor?handler=enable", ("Code", Code(key)), ("Password", Password));
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        var codes = RecoveryCodes(await on.Content.ReadAsStringAsync());
        Assert.Equal(SellerTwoFactor.RecoveryCodeCount, codes.Count);
        Assert.True(await TwoFactorOnAsync(email));
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, session)); // this browser goes on
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, other)); // every other session ended
        Assert.DoesNotContain("recovery-codes", (await session.PageAsync(client, "/seller/account/two-factor")).Html); // shown once
        // Neither the codes nor the key are stored as they are.
        var stored = await app.QueryAsync(db => db.UserTokens.Where(t => db.Users.Any(u => u.Id == t.UserId && u.Email == email)).Select(t => t.Value ?? "").ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.DoesNotContain(stored, v => codes.Any(c => v.Contains(c, StringComparison.OrdinalIgnoreCase)) || v.Contains(key, StringComparison.OrdinalIgnoreCase));

        // The password alone opens nothing now: the code step follows.
        var jar = new CookieJar();
        var first = await jar.SignInAsync(client, email, Password);
        Assert.Equal("/seller/sign-in/code", first.Headers.Location!.OriginalString);
        Assert.False(jar.Has("encore_seller"));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, jar));
        // Nor does the account's old confirmation link with the password: once confirmed, the link opens nothing.
        var viaLink = new CookieJar();
        Assert.Equal(HttpStatusCode.NotFound, (await viaLink.GetAsync(client, confirmLink)).StatusCode);
        var anyForm = await viaLink.PageAsync(client, "/seller/sign-in");
        Assert.Equal(HttpStatusCode.NotFound, (await viaLink.PostAsync(client, anyForm, confirmLink, ("Password", Password))).StatusCode);
        Assert.False(viaLink.Has("encore_seller"));
        var codePage = await jar.PageAsync(client, "/seller/sign-in/code");
        Assert.Equal(HttpStatusCode.OK, codePage.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().GetAsync(client, "/seller/sign-in/code")).StatusCode); // no password, no code step

        // Wrong codes are slowed for the account, whatever the client: 5 freely, then a wait, even for the right code.
        for (var i = 0; i < SignInThrottling.SecondFactor.Free; i++)
        {
            var refused = await jar.PostAsync(client, codePage, "/seller/sign-in/code", ("Code", WrongCode(key)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("not right", await refused.Content.ReadAsStringAsync());
        }
        var slowed = await jar.PostAsync(Client("203.0.113.99"), codePage, "/seller/sign-in/code", ("Code", Code(key))); // from another client too
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, jar));
        app.Clock.Advance(SignInThrottling.SecondFactor.First);
        var signedIn = await jar.PostAsync(client, codePage, "/seller/sign-in/code", ("Code", Code(key)));
        Assert.Equal("/seller", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, jar));
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_turning_two_factor_off_needs_the_password()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client("203.0.113.26");
        var session = new CookieJar();
        await session.SignInAsync(client, email, Password);
        var key = await StartSetupAsync(client, session);
        var setup = await session.PageAsync(client, "/seller/account/two-factor");
        var codes = RecoveryCodes(await (await session.PostAsync(client, setup, "/seller/account/two-factor?handler=enable", ("Code", Code(key)), ("Password", Password))).Content.ReadAsStringAsync());

        var phoneless = new CookieJar();
        await phoneless.SignInAsync(client, email, Password);
        var codePage = await phoneless.PageAsync(client, "/seller/sign-in/code");
        var recovered = await phoneless.PostAsync(client, codePage, "/seller/sign-in/code", ("Code", codes[0].ToLowerInvariant()));
        Assert.Equal("/seller/account/two-factor?recovery=used", recovered.Headers.Location!.OriginalString);
        Assert.Contains($"<strong>{SellerTwoFactor.RecoveryCodeCount - 1}</strong> of", (await phoneless.PageAsync(client, recovered.Headers.Location.OriginalString)).Html);

        var again = new CookieJar();
        await again.SignInAsync(client, email, Password);
        var secondPage = await again.PageAsync(client, "/seller/sign-in/code");
        Assert.Equal(HttpStatusCode.BadRequest, (await again.PostAsync(client, secondPage, "/seller/sign-in/code", ("Code", codes[0]))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, again));

        // Off takes the password (or a current code): a wrong one changes nothing.
        var manage = await phoneless.PageAsync(client, "/seller/account/two-factor");
        var refused = await phoneless.PostAsync(client, manage, "/seller/account/two-factor?handler=disable", ("Proof", "not the password"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("still on", await refused.Content.ReadAsStringAsync());
        Assert.True(await TwoFactorOnAsync(email));
        var off = await phoneless.PostAsync(client, manage, "/seller/account/two-factor?handler=disable", ("Proof", Password));
        Assert.Equal("/seller/account/two-factor?off=1", off.Headers.Location!.OriginalString);
        Assert.False(await TwoFactorOnAsync(email));
        Assert.Equal(0, await app.QueryAsync(db => db.UserTokens.CountAsync(t => db.Users.Any(u => u.Id == t.UserId && u.Email == email)))); // key and codes forgotten
        Assert.Equal("/seller", (await new CookieJar().SignInAsync(client, email, Password)).Headers.Location!.OriginalString);
        Assert.Equal(["two_factor_enabled", "two_factor_disabled"], await AuditedAsync(email)); // the refused "off" left none
    }

    // ---- Helpers ----

    /// <summary>The actions the seller's audit log holds about this account, oldest first.</summary>
    private async Task<List<string>> AuditedAsync(string email)
    {
        var account = (await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync())).ToString();
        return await app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.SubjectId == account).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    /// <summary>"Turn on two-factor" on the account's page; returns the key the page shows (as an app reads it, Base32).</summary>
    private static async Task<string> StartSetupAsync(HttpClient client, CookieJar session)
    {
        var page = await session.PageAsync(client, "/seller/account/two-factor");
        Assert.Contains("is <strong>off</strong>", page.Html);
        var started = await session.PostAsync(client, page, "/seller/account/two-factor?handler=setup");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var shown = await session.PageAsync(client, "/seller/account/two-factor");
        return KeyShown().Match(shown.Html).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>The code an authenticator app shows now (RFC 6238, computed by Otp.NET, not by Encore).</summary>
    private static string Code(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

    /// <summary>A 6-digit code that is not one of those accepted now (the steps around now included).</summary>
    private static string WrongCode(string key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(key));
        var near = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => ((123456 + i * 7919) % 1000000).ToString("D6")).First(c => !near.Contains(c));
    }

    private Task<bool> TwoFactorOnAsync(string email) =>
        app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.TwoFactorEnabled).SingleAsync());

    private static List<string> RecoveryCodes(string html) =>
        RecoveryCodeShown().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private List<MimeMessage> MailsTo(string email) =>
        _smtp.Messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase))).ToList();

    private static string Link(Regex pattern, string? text) =>
        pattern.Match(text ?? "") is { Success: true } match ? new Uri(match.Value).PathAndQuery : throw new InvalidOperationException("No link in: " + text);

    private static string Strip(string html) => AntiforgeryField().Replace(html, "");

    [GeneratedRegex(@"https?://\S+/seller/reset/[0-9a-f-]+\?code=[A-Za-z0-9_\-]+")]
    private static partial Regex ResetLink();

    [GeneratedRegex(@"https?://\S+/seller/change-email/[0-9a-f-]+\?email=[^&\s]+&code=[A-Za-z0-9_\-]+")]
    private static partial Regex ChangeLink();

    [GeneratedRegex("data-testid=\"authenticator-key\">([^<]+)<")]
    private static partial Regex KeyShown();

    [GeneratedRegex(@"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>")]
    private static partial Regex RecoveryCodeShown();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryField();
}

public sealed class SellerAccountSecurityTests_Sqlite(SqliteApp app) : SellerAccountSecurityTests<SqliteApp>(app);

public sealed class SellerAccountSecurityTests_Postgres(PostgresApp app) : SellerAccountSecurityTests<PostgresApp>(app);
