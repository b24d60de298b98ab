using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Seller accounts for tests: sign up, sign in, API keys, through the real pages.</summary>
public static partial class Sellers
{
    public const string Password = "a long enough password";

    /// <summary>
    /// Signs up a new seller with a unique e-mail and confirms it as the seller does, through the link of the mail Encore
    /// queued (composed here by Encore's own composer instead of sent over SMTP); the client carries the seller's cookie.
    /// </summary>
    public static async Task<(HttpClient Client, string Email)> SignUpAsync(this EncoreApp app, string businessName = "Sleep Well Studio")
    {
        var (client, email, _) = await app.SignUpKeepingLinkAsync(businessName);
        return (client, email);
    }

    /// <summary><see cref="SignUpAsync"/>, also giving back the confirmation link it followed.</summary>
    public static async Task<(HttpClient Client, string Email, string ConfirmLink)> SignUpKeepingLinkAsync(this EncoreApp app, string businessName = "Sleep Well Studio")
    {
        var client = app.CreateClient();
        var email = $"seller-{Guid.NewGuid():N}@example.com";
        var response = await PostSignUpAsync(app, client, email, Password, businessName);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/seller/sign-up/sent")
            throw new InvalidOperationException("Sign-up failed: " + await response.Content.ReadAsStringAsync());
        var link = await app.ConfirmLinkAsync(email);
        var confirmed = await ConfirmAsync(client, link, Password);
        if (confirmed.StatusCode != HttpStatusCode.Redirect || confirmed.Headers.Location?.OriginalString != "/seller")
            throw new InvalidOperationException("Confirming failed: " + await confirmed.Content.ReadAsStringAsync());
        return (client, email, link);
    }

    /// <summary>Posts the sign-up form; returns the answer.</summary>
    public static async Task<HttpResponseMessage> PostSignUpAsync(EncoreApp app, HttpClient client, string email, string password, string businessName = "Sleep Well Studio")
    {
        var page = await FormPage.GetAsync(client, "/seller/sign-up");
        return await page.PostAsync(client, "/seller/sign-up",
            ("BusinessName", businessName), ("SupportEmail", "help@sleepwell.example"), ("Email", email), ("Password", password));
    }

    /// <summary>The path of the confirmation link in the newest confirmation mail queued for the address.</summary>
    public static async Task<string> ConfirmLinkAsync(this EncoreApp app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<SellerUser>>().FindByEmailAsync(email)
                   ?? throw new InvalidOperationException($"No account for {email}.");
        var reference = user.Id.ToString("N");
        var message = await db.EmailMessages.AsNoTracking().Where(m => m.Kind == EmailKind.SellerConfirmEmail && m.Reference == reference)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).FirstAsync();
        var (mail, refusal) = await scope.ServiceProvider.GetRequiredService<SellerAccountMail>().ComposeAsync(message, CancellationToken.None);
        return LinkIn(mail?.Text ?? throw new InvalidOperationException("No confirmation mail: " + refusal));
    }

    /// <summary>The path of the confirmation link in a mail's text.</summary>
    public static string LinkIn(string text) =>
        ConfirmLink().Match(text) is { Success: true } match ? new Uri(match.Value).PathAndQuery : throw new InvalidOperationException("No confirmation link in: " + text);

    /// <summary>Opens a confirmation link and confirms it with the password; returns the answer.</summary>
    public static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string link, string password)
    {
        var page = await FormPage.GetAsync(client, link);
        if (page.Status != HttpStatusCode.OK) throw new InvalidOperationException($"The link's page answered {(int)page.Status}: {page.Html}");
        return await page.PostAsync(client, link, ("Password", password));
    }

    public static async Task<HttpClient> SignInAsync(this EncoreApp app, string email, string password)
    {
        var client = app.CreateClient();
        var page = await FormPage.GetAsync(client, "/seller/sign-in");
        var response = await page.PostAsync(client, "/seller/sign-in", ("Email", email), ("Password", password));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException("Sign-in failed: " + await response.Content.ReadAsStringAsync());
        return client;
    }

    /// <summary>The demo seller (who owns the seeded funnel), signed in.</summary>
    public static Task<HttpClient> SignInAsDemoAsync(this EncoreApp app) =>
        app.SignInAsync(Encore.Web.Data.DemoSeed.DemoLoginEmail, Encore.Web.Data.DemoSeed.DefaultDemoPassword);

    /// <summary>Creates an API key on the keys page and reads it from the one time it is shown.</summary>
    public static async Task<string> CreateApiKeyAsync(HttpClient signedIn)
    {
        var page = await FormPage.GetAsync(signedIn, "/seller/api-keys");
        var response = await page.PostAsync(signedIn, "/seller/api-keys?handler=create", ("name", "tests"));
        var html = await response.Content.ReadAsStringAsync();
        return NewKey().Match(html).Groups[1].Value is { Length: > 0 } key ? key : throw new InvalidOperationException("No new key shown: " + html);
    }

    /// <summary>A client for the seller API, authenticated with the key.</summary>
    public static HttpClient ApiClient(this EncoreApp app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A new seller's API client, in one call.</summary>
    public static async Task<HttpClient> NewSellerApiAsync(this EncoreApp app) =>
        app.ApiClient(await CreateApiKeyAsync((await app.SignUpAsync()).Client));

    [GeneratedRegex(@"https?://\S+/seller/confirm/[0-9a-f-]+\?code=[A-Za-z0-9_\-]+")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex("data-testid=\"new-key\">([^<]+)<")]
    private static partial Regex NewKey();
}
