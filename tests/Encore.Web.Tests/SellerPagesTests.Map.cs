using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Encore.Web.Tests.Infrastructure;

namespace Encore.Web.Tests;

public abstract partial class SellerPagesTests<TApp>
{
    [Fact]
    public async Task The_editor_draws_a_four_step_map_with_every_arrow_around_the_boxes_and_whole_names_on_hover()
    {
        var (seller, _) = await app.SignUpAsync();
        var api = app.ApiClient(await Sellers.CreateApiKeyAsync(seller));
        const string longName = "The Complete Deep Sleep Audio Program with Weekly Live Coaching Calls";
        var course = await ApiPriceAsync(api, "Deep Sleep Course", 4700);
        var program = await ApiPriceAsync(api, longName, 9700);
        var lite = await ApiPriceAsync(api, "Sleep audio program (lite)", 4700);
        var calls = await ApiPriceAsync(api, "Coaching", 2900);
        var workbook = await ApiPriceAsync(api, "Workbook", 900);
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", new
        {
            name = "Deep Sleep",
            slug = $"map-{Guid.NewGuid():N}"[..16],
            main = new { priceId = course },
            steps = new object[]
            {
                new { id = "offer", priceId = program, onAccept = "upsell-2", onDecline = "downsell" },
                new { id = "downsell", priceId = lite, onAccept = "upsell-2" },
                new { id = "upsell-2", priceId = calls, onDecline = "workbook" },
                new { id = "workbook", priceId = workbook },
            },
            entryStepId = "offer",
        }), HttpStatusCode.Created);

        var html = (await FormPage.GetAsync(seller, $"/seller/funnels/{created["id"]}")).Html;
        var (boxes, arrows) = MapGeometry.Read(html);
        Assert.Equal(6, boxes.Count);
        Assert.Equal(9, arrows.Count);
        Assert.Empty(MapGeometry.Problems(boxes, arrows));
        Assert.Contains(arrows, a => a.Name == "accept step-offer→step-upsell-2");
        Assert.Contains(arrows, a => a.Name == "decline step-offer→step-downsell");
        Assert.Contains($"<title>Offer · offer: {longName}, $97.00</title>", WebUtility.HtmlDecode(html));
        Assert.Contains(boxes.Single(b => b.Id == "step-offer").Lines, l => l.Text.EndsWith('…'));
        // Drawn at its natural size, never shrunk to the page: wider maps scroll.
        var svg = Regex.Match(html, "viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\" width=\"([0-9.]+)\" height=\"([0-9.]+)\"");
        Assert.Equal((svg.Groups[1].Value, svg.Groups[2].Value), (svg.Groups[3].Value, svg.Groups[4].Value));
        Assert.Contains("<div class=\"map-scroll\">", html);
    }

    private static async Task<Guid> ApiPriceAsync(HttpClient api, string name, long amount)
    {
        var product = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name, topics = new[] { "sleep" } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        return (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount, currency = "USD" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
    }
}
