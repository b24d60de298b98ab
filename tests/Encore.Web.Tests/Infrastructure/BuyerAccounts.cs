using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>A buyer signing in to their purchases page as a person does: the e-mail form, the mail, the link, the button.</summary>
public static partial class BuyerAccounts
{
    /// <summary>Posts the e-mail form on <c>/account</c> and returns the page answered (antiforgery token left out).</summary>
    public static async Task<(HttpStatusCode Status, string Html)> AskForLinkAsync(HttpClient client, string email)
    {
        var form = await FormPage.GetAsync(client, "/account");
        var response = await form.PostAsync(client, "/account", ("Email", email));
        return (response.StatusCode, AntiforgeryField().Replace(await response.Content.ReadAsStringAsync(), ""));
    }

    /// <summary>Sends what the outbox holds and returns the sign-in mails the SMTP server received for the address.</summary>
    public static async Task<List<MimeMessage>> SignInMailsAsync(EncoreApp app, TestSmtpServer smtp, string email)
    {
        await app.SendEmailsAsync();
        var ids = (await app.QueryAsync(db => db.EmailMessages.Where(m => m.Kind == EmailKind.BuyerSignIn).Select(m => m.Id).ToListAsync())).ToHashSet();
        return smtp.Messages.Where(m => Guid.TryParse(m.Headers["X-Encore-Mail-Id"], out var id) && ids.Contains(id) &&
                                        m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>The path of the sign-in link in a mail's text.</summary>
    public static string LinkIn(MimeMessage mail) =>
        SignInLink().Match(mail.TextBody ?? "") is { Success: true } match ? new Uri(match.Value).PathAndQuery : throw new InvalidOperationException("No sign-in link in: " + mail.TextBody);

    /// <summary>Opens the link on the client, then presses its "Sign in" button; returns the button's answer.</summary>
    public static async Task<HttpResponseMessage> UseLinkAsync(HttpClient client, string link)
    {
        var page = await FormPage.GetAsync(client, link);
        Assert.True(page.Status == HttpStatusCode.OK, $"The link's page answered {(int)page.Status}: {page.Html}");
        return await page.PostAsync(client, link);
    }

    /// <summary>Asks for a link, receives it and signs in: the client carries the buyer's cookie.</summary>
    public static async Task<HttpClient> SignInAsync(EncoreApp app, TestSmtpServer smtp, string email)
    {
        var before = (await SignInMailsAsync(app, smtp, email)).Count;
        await AskForLinkAsync(app.CreateClient(), email);
        var mails = await SignInMailsAsync(app, smtp, email);
        Assert.Equal(before + 1, mails.Count);
        var client = app.CreateClient();
        var answer = await UseLinkAsync(client, LinkIn(mails[^1]));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/account/purchases", answer.Headers.Location?.OriginalString);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"https?://\S+/account/signin/[A-Za-z0-9_\-]+")]
    private static partial Regex SignInLink();
}
