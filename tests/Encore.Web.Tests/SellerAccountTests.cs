using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Encore.Web.Tests;

/// <summary>
/// Seller accounts an auditor accepts: sessions that end on the server, a sign-up that tells no one which addresses have
/// accounts, guessing slowed per account and client instead of a lock-out anyone can set, and no common passwords.
/// </summary>
public abstract partial class SellerAccountTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : EncoreApp
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

    /// <summary>A client that keeps no cookies (a <see cref="CookieJar"/> does), seen as connecting from <paramref name="address"/>.</summary>
    private HttpClient Client(string address = "203.0.113.1")
    {
        var client = app.CreateClient(new Uri("http://localhost/"), handleCookies: false);
        client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, address);
        return client;
    }

    /// <summary>A client that keeps its cookies, as a browser does, seen as connecting from <paramref name="address"/>.</summary>
    private HttpClient Browser(string address)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, address);
        return client;
    }

    private static async Task<HttpStatusCode> HomeAsync(HttpClient client, CookieJar jar)
    {
        var response = await jar.GetAsync(client, "/seller");
        if (response.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/seller/sign-in", response.Headers.Location!.PathAndQuery);
        return response.StatusCode;
    }

    // ---- Sessions end on the server ----

    [Fact]
    public async Task An_old_cookie_replayed_after_sign_out_gets_the_sign_in_page()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client();
        var jar = new CookieJar();
        Assert.Equal(HttpStatusCode.Redirect, (await jar.SignInAsync(client, email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, jar));
        var kept = jar.Copy(); // what someone copied from the browser before the seller signed out

        var home = await jar.PageAsync(client, "/seller");
        var signOut = await jar.PostAsync(client, home, "/seller/sign-out");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.False(jar.Has("encore_seller"));

        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, kept));
        Assert.Equal(HttpStatusCode.Redirect, (await kept.GetAsync(client, "/seller/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_keeps_this_one()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client();
        var (here, there) = (new CookieJar(), new CookieJar());
        await here.SignInAsync(client, email, Password);
        await there.SignInAsync(client, email, Password);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, there));

        var account = await here.PageAsync(client, "/seller/account");
        Assert.Contains(email, account.Html);
        var common = await here.PostAsync(client, account, "/seller/account?handler=password", ("CurrentPassword", Password), ("NewPassword", "password1234"));
        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Contains("common password", await common.Content.ReadAsStringAsync());
        var wrong = await here.PostAsync(client, account, "/seller/account?handler=password", ("CurrentPassword", "not the password"), ("NewPassword", "a new and long passphrase"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, there)); // refused changes end nothing

        var changed = await here.PostAsync(client, account, "/seller/account?handler=password", ("CurrentPassword", Password), ("NewPassword", "a new and long passphrase"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, here));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, there));
        Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(client, email, Password)).StatusCode); // the old password: refused
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().SignInAsync(client, email, "a new and long passphrase")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client();
        var (phone, laptop) = (new CookieJar(), new CookieJar());
        await phone.SignInAsync(client, email, Password);
        await laptop.SignInAsync(client, email, Password);
        var laptopCopy = laptop.Copy();

        var account = await phone.PageAsync(client, "/seller/account");
        var everywhere = await phone.PostAsync(client, account, "/seller/account?handler=everywhere");
        Assert.Equal("/seller/sign-in?signedOut=everywhere", everywhere.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, phone));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, laptop));
        Assert.Equal(HttpStatusCode.Redirect, await HomeAsync(client, laptopCopy));
    }

    // ---- Sign-up tells no one which addresses have accounts ----

    [Fact]
    public async Task Sign_up_answers_the_same_for_a_new_and_a_known_address_and_mails_each_what_is_true()
    {
        var (_, known) = await app.SignUpAsync("Known Studio");
        var fresh = $"fresh-{Guid.NewGuid():N}@example.com";
        var sellersBefore = await app.QueryAsync(db => db.Sellers.CountAsync());

        var browser = Browser("203.0.113.2");
        var client = Client("203.0.113.2");
        var toKnown = await Sellers.PostSignUpAsync(app, browser, known, "another long password", "Someone Else");
        var toFresh = await Sellers.PostSignUpAsync(app, browser, fresh, Password, "Fresh Studio");
        Assert.Equal(HttpStatusCode.Redirect, toKnown.StatusCode);
        Assert.Equal(toKnown.StatusCode, toFresh.StatusCode);
        Assert.Equal(toKnown.Headers.Location, toFresh.Headers.Location);
        Assert.Equal(Strip(await toKnown.Content.ReadAsStringAsync()), Strip(await toFresh.Content.ReadAsStringAsync()));
        Assert.Contains("Check your inbox", await browser.GetStringAsync(toFresh.Headers.Location!.OriginalString));
        Assert.Equal(sellersBefore + 1, await app.QueryAsync(db => db.Sellers.CountAsync())); // the known address created nothing
        Assert.Equal("Known Studio", await app.QueryAsync(db => db.Sellers.Where(s => db.Users.Any(u => u.Email == known && u.SellerId == s.Id)).Select(s => s.Name).SingleAsync()));

        // Not signed in before confirming, whatever the password.
        Assert.Contains("Confirm your e-mail address first", await (await new CookieJar().SignInAsync(client, fresh, Password)).Content.ReadAsStringAsync());

        await app.SendEmailsAsync();
        var attempt = Assert.Single(MailsTo(known));
        Assert.Contains("already has an account", attempt.TextBody);
        Assert.DoesNotContain("/seller/confirm/", attempt.TextBody);
        var confirm = Assert.Single(MailsTo(fresh));
        Assert.Contains("Fresh Studio", confirm.TextBody);
        var link = Sellers.LinkIn(confirm.TextBody ?? "");
        // The row keeps the mail without its link.
        Assert.DoesNotContain("/seller/confirm/", await app.QueryAsync(db => db.EmailMessages
            .Where(m => m.Kind == EmailKind.SellerConfirmEmail && m.To == fresh).Select(m => m.TextBody).SingleAsync()));

        var jar = new CookieJar();
        var opened = await jar.PageAsync(client, link);
        Assert.Equal(HttpStatusCode.OK, opened.Status);
        Assert.Contains(fresh, opened.Html);
        var wrong = await jar.PostAsync(client, opened, link, ("Password", "a guess that is long"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.False(await app.QueryAsync(db => db.Users.Where(u => u.Email == fresh).Select(u => u.EmailConfirmed).SingleAsync()));
        var confirmed = await jar.PostAsync(client, opened, link, ("Password", Password));
        Assert.Equal("/seller", confirmed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(client, jar));
        Assert.Contains("Fresh Studio", await (await jar.GetAsync(client, "/seller")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pending_sign_up_is_replaced_by_the_newest_and_only_its_password_confirms_it()
    {
        var email = $"pending-{Guid.NewGuid():N}@example.com";
        var browser = Browser("203.0.113.3");
        var client = Client("203.0.113.3");
        await Sellers.PostSignUpAsync(app, browser, email, "a stranger's long password", "Stranger Studio");
        var strangersLink = await app.ConfirmLinkAsync(email);
        await Sellers.PostSignUpAsync(app, browser, email, Password, "Owner Studio");
        var ownersLink = await app.ConfirmLinkAsync(email);

        // The stranger's link died with the newer sign-up; the newest link needs the newest password.
        var stale = await Sellers.ConfirmAsync(browser, strangersLink, Password);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("expired or was replaced", await stale.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await Sellers.ConfirmAsync(browser, ownersLink, "a stranger's long password")).StatusCode);
        var jar = new CookieJar();
        var page = await jar.PageAsync(client, ownersLink);
        Assert.Equal(HttpStatusCode.Redirect, (await jar.PostAsync(client, page, ownersLink, ("Password", Password))).StatusCode);
        Assert.Contains("Owner Studio", await (await jar.GetAsync(client, "/seller")).Content.ReadAsStringAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));

        // However often it is tried, an address is mailed at most three times in 15 minutes.
        for (var i = 0; i < 5; i++) await Sellers.PostSignUpAsync(app, browser, email, "yet another long password");
        var userId = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        Assert.Equal(SellerAccountMail.PerAddress, await app.QueryAsync(db => db.EmailMessages.CountAsync(m => m.Reference == userId.ToString("N") && m.OrderId == null)));
    }

    // ---- Guessing is slowed, no one is locked out ----

    [Fact]
    public async Task Wrong_passwords_slow_that_client_with_growing_delays_but_never_lock_the_seller_out()
    {
        var (_, email) = await app.SignUpAsync();
        var guesser = Client("198.51.100.66");
        var seller = Client("203.0.113.4");

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(guesser, email, "wrong password " + i)).StatusCode);
        foreach (var wait in new[] { 5, 10, 20 })
        {
            var refused = await new CookieJar().SignInAsync(guesser, email, Password); // even the right one is not checked now
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(wait), refused.Headers.RetryAfter!.Delta);
            Assert.Contains("Nothing was checked", await refused.Content.ReadAsStringAsync());
            app.Clock.Advance(TimeSpan.FromSeconds(wait));
            Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(guesser, email, "another wrong one")).StatusCode);
        }
        // Six wrong passwords: Identity locked the account for everyone after five. Here the seller, elsewhere, signs in.
        var jar = new CookieJar();
        Assert.Equal(HttpStatusCode.Redirect, (await jar.SignInAsync(seller, email, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HomeAsync(seller, jar));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await new CookieJar().SignInAsync(guesser, email, Password)).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.Redirect, (await new CookieJar().SignInAsync(guesser, email, Password)).StatusCode);

        // What is stored names neither the address nor the client.
        var keys = await app.QueryAsync(db => db.SignInThrottles.Select(t => t.Key).ToListAsync());
        Assert.DoesNotContain(keys, k => k.Contains(email, StringComparison.OrdinalIgnoreCase) || k.Contains("198.51.100.66"));
    }

    [Fact]
    public async Task An_address_without_an_account_is_throttled_the_same_and_a_client_trying_many_accounts_is_slowed()
    {
        var client = Client("198.51.100.77");
        var nobody = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 3; i++) await new CookieJar().SignInAsync(client, nobody, "wrong password " + i);
        var refused = await new CookieJar().SignInAsync(client, nobody, "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many failed attempts at this account", await refused.Content.ReadAsStringAsync());

        // 20 failures from one client over as many addresses, then that client waits, whatever address it tries.
        for (var i = 3; i < SignInThrottling.Client.Free; i++)
            Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(client, $"spray-{i}-{Guid.NewGuid():N}@example.com", "wrong password")).StatusCode);
        var slowed = await new CookieJar().SignInAsync(client, $"spray-last-{Guid.NewGuid():N}@example.com", "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Contains("from your network", await slowed.Content.ReadAsStringAsync());
        // Another client is not slowed.
        Assert.Equal(HttpStatusCode.OK, (await new CookieJar().SignInAsync(Client("198.51.100.78"), nobody, "wrong password")).StatusCode);
    }

    [Fact]
    public async Task Guesses_sent_at_once_get_no_more_checks_than_guesses_sent_one_by_one()
    {
        var (_, email) = await app.SignUpAsync();
        var client = Client("198.51.100.88");
        var jar = new CookieJar();
        var pageWithCookie = await jar.PageAsync(client, "/seller/sign-in");
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            jar.Copy().PostAsync(client, pageWithCookie, "/seller/sign-in", ("Email", email), ("Password", "parallel guess " + i))));
        Assert.Equal(SignInThrottling.AccountFromClient.Free, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(12 - SignInThrottling.AccountFromClient.Free, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    // ---- No common passwords ----

    [Theory]
    [InlineData("aaaaaaaaaa", "repeats a short pattern")]
    [InlineData("abcabcabca", "repeats a short pattern")]
    [InlineData("password1234", "common password")]
    [InlineData("qwertyuiop", "most common passwords")]
    [InlineData("P@ssw0rd2024!", "common password")]
    [InlineData("1234567890", "most common passwords")]
    [InlineData("zzzzzyyyyyxxxxx", "fewer than 5 different characters")]
    [InlineData("{local}-is-my-password", "e-mail address")]
    [InlineData("short", "at least 10 characters")]
    public async Task A_weak_password_is_refused_with_a_reason_and_nothing_is_created(string password, string reason)
    {
        var local = $"weak{Guid.NewGuid():N}"[..16];
        var email = $"{local}@example.com";
        var response = await Sellers.PostSignUpAsync(app, Browser("203.0.113.9"), email, password.Replace("{local}", local));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Nothing was created", html);
        Assert.Contains(reason, html);
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.False(await app.QueryAsync(db => db.EmailMessages.AnyAsync(m => m.OrderId == null && m.To == email)));
    }

    [Fact]
    public void The_shipped_list_is_the_10000_most_common_passwords()
    {
        Assert.Contains(PasswordRules.Check("iloveyou", null), e => e.Code == "CommonPassword");
        Assert.Contains(PasswordRules.Check("Dragon!2024", null), e => e.Code == "CommonPasswordVariant");
        Assert.Contains(PasswordRules.Check("m0nk3y-m0nk3y", null), e => e.Code == "CommonPasswordVariant" || e.Code == "RepeatedPattern");
        Assert.Empty(PasswordRules.Check("correct horse battery staple", "ann@example.com"));
        Assert.Empty(PasswordRules.Check(Sellers.Password, "seller@example.com"));
        Assert.Empty(PasswordRules.Check(Encore.Web.Data.DemoSeed.DefaultDemoPassword, Encore.Web.Data.DemoSeed.DemoLoginEmail));
    }

    private List<MimeMessage> MailsTo(string email) =>
        _smtp.Messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>An answer without what differs between any two requests (antiforgery tokens).</summary>
    private static string Strip(string html) => AntiforgeryField().Replace(html, "");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryField();
}

public sealed class SellerAccountTests_Sqlite(SqliteApp app) : SellerAccountTests<SqliteApp>(app);

public sealed class SellerAccountTests_Postgres(PostgresApp app) : SellerAccountTests<PostgresApp>(app);
