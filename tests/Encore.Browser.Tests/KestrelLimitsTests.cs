using System.Net;
using System.Net.Http.Json;

namespace Encore.Browser.Tests;

/// <summary>
/// Limits only a real server enforces (the in-memory test server ignores request-size limits), checked
/// against the same Kestrel the browser tests use.
/// </summary>
public sealed class KestrelLimitsTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task An_oversized_checkout_body_is_413_problem_details()
    {
        BrowserApp.EnsureChromium(); // the shared fixture starts Kestrel only where the browser tests run
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/v1/checkouts",
            new { funnel = "calm-your-anxiety", email = "a@b.co", name = new string('n', 20 * 1024), paymentMethod = "pm_card_visa" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Contains("\"status\":413"), body);
    }

    [Fact]
    public async Task A_normal_checkout_body_is_well_within_the_limit()
    {
        BrowserApp.EnsureChromium();
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/v1/checkouts",
            new { funnel = "calm-your-anxiety", email = "a@b.co", name = "Ann", paymentMethod = "pm_card_visa" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
