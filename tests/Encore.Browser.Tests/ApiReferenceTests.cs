using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Encore.Browser.Tests;

/// <summary>
/// The API reference at <c>/api</c> in Chromium: its scripts run under Encore's CSP (nonce), and "try it" sends a seller's
/// API key, typed into the page's authentication box, to the seller API and shows the seller's own products.
/// </summary>
public sealed class ApiReferenceTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Try_it_with_a_seller_api_key_lists_the_sellers_products()
    {
        var key = await NewSellerKeyAsync();
        var product = "Reference Product " + Guid.NewGuid().ToString("N")[..6];
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var created = await api.PostAsJsonAsync("/api/v1/seller/products", new { name = product, description = "Made for the reference.", topics = new[] { "calm" } });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var page = await app.NewBuyerAsync();
        var refused = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) refused.Add(message.Text); };
        await page.GotoAsync("/api/#tag/seller/GET/api/v1/seller/products");
        var token = page.GetByPlaceholder("Token").First;
        await token.FillAsync(key);

        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request (get /api/v1/seller/products)", Exact = true }).ClickAsync();
        var send = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send", RegexOptions.IgnoreCase) }).First;
        var response = await page.RunAndWaitForResponseAsync(() => send.ClickAsync(),
            r => r.Request.Method == "GET" && new Uri(r.Url).AbsolutePath == "/api/v1/seller/products");
        try
        {
            Assert.Equal(200, response.Status);
            Assert.Equal("Bearer " + key, await response.Request.HeaderValueAsync("authorization"));
            Assert.Contains(product, await response.TextAsync());
            Assert.Empty(refused);
        }
        catch
        {
            Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "api-reference-try-it.png"), FullPage = false });
            throw;
        }
    }

    /// <summary>A new seller signs up in a browser and makes an API key on its page; the key as shown once.</summary>
    private async Task<string> NewSellerKeyAsync()
    {
        var seller = await app.NewBuyerAsync();
        await app.SignUpSellerAsync(seller, "Reference Studio", $"seller-{Guid.NewGuid():N}@example.com", "quiet harbour lantern 42");
        await seller.GotoAsync("/seller/api-keys");
        await seller.GetByLabel("Name of the new key").FillAsync("api reference");
        await seller.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var key = (await seller.GetByTestId("new-key").TextContentAsync())!.Trim();
        await seller.Context.CloseAsync();
        return key;
    }
}
