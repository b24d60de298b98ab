using System.Collections.Concurrent;
using System.Text.Json;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// Encore configured for Stripe test mode as a seller would (ENCORE_STRIPE_SECRET_KEY=sk_test_…), its Stripe API
/// pointed at the <see cref="FakeStripeServer"/> on loopback, and buyers whose browser gets a stand-in for Stripe.js
/// (stripe-js-standin.js) from Playwright's request routing instead of https://js.stripe.com/v3/.
/// </summary>
public sealed class StripeBrowserApp : BrowserApp
{
    public const string PublishableKey = "pk_test_encore_fake";

    public FakeStripeServer Stripe { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        Stripe = await FakeStripeServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ENCORE_STRIPE_SECRET_KEY", "sk_test_encore_fake");
        builder.UseSetting("ENCORE_STRIPE_PUBLISHABLE_KEY", PublishableKey);
        builder.UseSetting("ENCORE_STRIPE_API_BASE", Stripe.ApiBase);
        builder.UseSetting("ENCORE_STRIPE_MAX_NETWORK_RETRIES", "0");
    }

    /// <summary>Stops Encore and the fake, then holds what the fake served and read for the buyers' browsers against Stripe.net.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is null) return;
        await Stripe.DisposeAsync();
        FakeStripeConformance.AssertConforms(Stripe);
    }

    /// <summary>
    /// A new buyer (own browser profile) whose Stripe.js is the stand-in and whose bank is the test; or, with
    /// <paramref name="stripeJsReachable"/> false, whose browser cannot load https://js.stripe.com at all.
    /// </summary>
    public async Task<StripeBuyer> NewStripeBuyerAsync(bool stripeJsReachable = true, bool javaScriptEnabled = true)
    {
        EnsureChromium();
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, JavaScriptEnabled = javaScriptEnabled });
        var buyer = new StripeBuyer(await context.NewPageAsync());
        var standin = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "stripe-js-standin.js"));

        await context.RouteAsync("https://js.stripe.com/**", route =>
        {
            buyer.StripeJsRequests.Enqueue(route.Request.Url);
            if (!stripeJsReachable) return route.AbortAsync("internetdisconnected");
            return route.Request.Url == "https://js.stripe.com/v3/"
                ? route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/javascript; charset=utf-8", Body = standin })
                : route.FulfillAsync(new RouteFulfillOptions { Status = 404 });
        });
        // What Stripe.js asks api.stripe.com: a ConfirmationToken (the fake Stripe's test helper makes it), and during
        // handleNextAction the bank (the test answers).
        await context.RouteAsync("https://api.stripe.com/**", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.AbsolutePath == "/v1/test_helpers/confirmation_tokens" && route.Request.Method == "POST")
            {
                await route.FulfillAsync(await ConfirmationTokenAsync(route.Request.PostData ?? ""));
                return;
            }
            if (url.AbsolutePath != "/standin/authenticate")
            {
                buyer.Problems.Enqueue("unexpected request to Stripe's API from the browser: " + route.Request.Url);
                await route.AbortAsync();
                return;
            }
            var secret = Uri.UnescapeDataString(url.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("client_secret=", StringComparison.Ordinal))["client_secret=".Length..]);
            var paymentIntentId = secret.Split("_secret_")[0];
            buyer.AuthenticatedSecrets.Enqueue(secret);
            object answer;
            if (!buyer.BankAnswers.TryDequeue(out var approve))
            {
                buyer.Problems.Enqueue("the bank was asked, but the test had no answer ready: " + paymentIntentId);
                answer = new { error = new { type = "invalid_request_error", message = "No answer from the test's bank." } };
            }
            else
            {
                Stripe.CompleteAuthentication(paymentIntentId, approve);
                answer = paymentIntentId.StartsWith("seti_", StringComparison.Ordinal) ? SetupAnswer(paymentIntentId) : PaymentAnswer(paymentIntentId);
            }
            await route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "application/json",
                Headers = new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = BaseUrl },
                Body = JsonSerializer.Serialize(answer),
            });
        });
        return buyer;
    }

    /// <summary>
    /// Stripe's test-mode helper for ConfirmationTokens, asked on the stand-in Stripe.js's behalf with the secret key the
    /// browser never has: the fake Stripe's answer, as it is.
    /// </summary>
    private async Task<RouteFulfillOptions> ConfirmationTokenAsync(string form)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Stripe.ApiBase + "/v1/test_helpers/confirmation_tokens")
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk_test_encore_fake");
        using var response = await http.SendAsync(request);
        return new RouteFulfillOptions
        {
            Status = (int)response.StatusCode,
            ContentType = "application/json",
            Headers = new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = BaseUrl },
            Body = await response.Content.ReadAsStringAsync(),
        };
    }

    /// <summary>What Stripe.js's handleNextAction resolves with for a PaymentIntent, after the bank's answer.</summary>
    private object PaymentAnswer(string paymentIntentId)
    {
        var intent = Stripe.Intents.Single(i => i.Id == paymentIntentId);
        return intent.Status == "succeeded"
            ? new { paymentIntent = new { id = intent.Id, @object = "payment_intent", status = intent.Status } }
            : new
            {
                error = new
                {
                    type = "invalid_request_error", code = "payment_intent_authentication_failure",
                    message = "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
                    payment_intent = new { id = intent.Id, @object = "payment_intent", status = intent.Status },
                },
            };
    }

    /// <summary>The same for a SetupIntent (a card saved without a charge).</summary>
    private object SetupAnswer(string setupIntentId)
    {
        var setup = Stripe.Setups.Single(s => s.Id == setupIntentId);
        return setup.Status == "succeeded"
            ? new { setupIntent = new { id = setup.Id, @object = "setup_intent", status = setup.Status } }
            : new
            {
                error = new
                {
                    type = "invalid_request_error", code = "setup_intent_authentication_failure",
                    message = "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
                    setup_intent = new { id = setup.Id, @object = "setup_intent", status = setup.Status },
                },
            };
    }
}

/// <summary>A buyer's page with what the stand-in Stripe.js and the browser reported along the way.</summary>
public sealed class StripeBuyer
{
    public StripeBuyer(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) CspViolations.Enqueue(message.Text);
        };
        page.PageError += (_, error) => Problems.Enqueue("script error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document" && response.Request.Frame == page.MainFrame)
                Documents.Enqueue((new Uri(response.Url).PathAndQuery, response.Status, response.Headers.GetValueOrDefault("content-security-policy")));
        };
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.ResourceType == "document") Posts.Enqueue((new Uri(request.Url).AbsolutePath, request.PostData ?? ""));
        };
    }

    public IPage Page { get; }

    /// <summary>The bank's answers (true: approve) to the next handleNextAction calls, in order.</summary>
    public ConcurrentQueue<bool> BankAnswers { get; } = new();

    public ConcurrentQueue<string> StripeJsRequests { get; } = new();

    /// <summary>The client secrets handleNextAction sent to the bank, in order.</summary>
    public ConcurrentQueue<string> AuthenticatedSecrets { get; } = new();

    public ConcurrentQueue<string> CspViolations { get; } = new();

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Every page the buyer's browser loaded: its path, status and Content-Security-Policy header.</summary>
    public ConcurrentQueue<(string Path, int Status, string? Csp)> Documents { get; } = new();

    /// <summary>The forms the browser posted: path and body.</summary>
    public ConcurrentQueue<(string Path, string Body)> Posts { get; } = new();

    /// <summary>Every call the page made to the stand-in Stripe.js, across the buyer's pages (kept in sessionStorage).</summary>
    public async Task<List<StripeCall>> StripeCallsAsync()
    {
        var json = await Page.EvaluateAsync<string?>("() => sessionStorage.getItem('__stripeCalls')");
        return json is null ? [] : JsonSerializer.Deserialize<List<StripeCall>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>Nothing went wrong in the browser: no CSP violation, no script error, no unexpected call to Stripe.</summary>
    public void AssertNoBrowserProblems()
    {
        Assert.Empty(CspViolations);
        Assert.Empty(Problems);
    }
}

public sealed record StripeCall(string Name, JsonElement? Detail, string Page);
