using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Seller accounts for tests: sign up, sign in, API keys, through the real pages.</summary>
public static partial class Sellers
{
    public const string Password = "a long enough password";

    /// <summary>Signs up a new seller with a unique e-mail; the client carries the seller's cookie.</summary>
    public static async Task<(HttpClient Client, string Email)> SignUpAsync(this EncoreApp app, string businessName = "Sleep Well Studio")
    {
        var client = app.CreateClient();
        var email = $"seller-{Guid.NewGuid():N}@example.com";
        var page = await FormPage.GetAsync(client, "/seller/sign-up");
        var response = await page.PostAsync(client, "/seller/sign-up",
            ("BusinessName", businessName), ("SupportEmail", "help@sleepwell.example"), ("Email", email), ("Password", Password));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException("Sign-up failed: " + await response.Content.ReadAsStringAsync());
        return (client, email);
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

    [GeneratedRegex("data-testid=\"new-key\">([^<]+)<")]
    private static partial Regex NewKey();
}
