using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>The seller's pages without JavaScript: products and prices, the funnel editor with its map and linter, publish and preview.</summary>
public abstract partial class SellerPagesTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_seller_adds_a_product_and_prices_on_the_pages()
    {
        var (seller, _) = await app.SignUpAsync();
        var products = await FormPage.GetAsync(seller, "/seller/products");
        var created = await products.PostAsync(seller, "/seller/products", ("Name", "Deep Sleep Course"), ("Description", "Seven nights."), ("Topics", "Sleep, rest"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var productUrl = created.Headers.Location!.OriginalString;
        var product = await FormPage.GetAsync(seller, productUrl);
        Assert.Contains("value=\"sleep, rest\"", product.Html);

        var price = await product.PostAsync(seller, productUrl + "?handler=price", ("amount", "47.00"), ("currency", "USD"), ("interval", "once"), ("intervalCount", "1"), ("trialDays", "0"));
        Assert.Equal(HttpStatusCode.Redirect, price.StatusCode);
        var monthly = await product.PostAsync(seller, productUrl + "?handler=price", ("amount", "29"), ("currency", "USD"), ("interval", "month"), ("intervalCount", "1"), ("trialDays", "14"));
        Assert.Equal(HttpStatusCode.Redirect, monthly.StatusCode);
        var typo = await product.PostAsync(seller, productUrl + "?handler=price", ("amount", "47.001"), ("currency", "USD"), ("interval", "once"), ("intervalCount", "1"), ("trialDays", "0"));
        Assert.Contains("Type the amount in USD", await typo.Content.ReadAsStringAsync());

        var productId = Guid.Parse(productUrl.Split('/').Last());
        var stored = await app.QueryAsync(db => db.Prices.Where(p => p.ProductId == productId).OrderBy(p => p.CreatedAt).ToListAsync());
        Assert.Equal([4700L, 2900L], stored.Select(p => p.Terms.Amount));
        Assert.Equal(14, stored[1].Terms.TrialDays);

        product = await FormPage.GetAsync(seller, productUrl);
        Assert.Contains("$29.00 every month, 14-day free trial", product.Html);
        var archive = await product.PostAsync(seller, productUrl + "?handler=archive", ("priceId", stored[0].Id.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, archive.StatusCode);
        Assert.True(await app.QueryAsync(db => db.Prices.Where(p => p.Id == stored[0].Id).Select(p => p.Archived).SingleAsync()));
    }

    [Fact]
    public async Task A_seller_builds_a_funnel_in_the_editor_sees_the_map_and_the_linter_and_publishes()
    {
        var (seller, _) = await app.SignUpAsync();
        var course = await AddProductAsync(seller, "Deep Sleep Course", "sleep", "47");
        var program = await AddProductAsync(seller, "Sleep audio program", "sleep", "97");
        var business = await AddProductAsync(seller, "Business coaching", "business", "37");
        var slug = $"sleep-{Guid.NewGuid():N}"[..18];

        var newPage = await FormPage.GetAsync(seller, "/seller/funnels/new");
        var created = await newPage.PostAsync(seller, "/seller/funnels/new", ("Name", "Deep Sleep"), ("Slug", slug), ("MainPriceId", course.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var editorUrl = created.Headers.Location!.OriginalString;

        var draft = await EditorForm.OpenAsync(seller, editorUrl);
        Assert.Contains("Not published yet", draft.Html);
        await SavedAsync(seller, draft.Set("new-step-id", "program").Set("new-step-price", program.ToString()).Set("new-step-headline", "Add the audio program").Set("new-step-body", "Thirty nights."));
        draft = await EditorForm.OpenAsync(seller, editorUrl);
        await SavedAsync(seller, draft.Set("new-step-id", "coaching").Set("new-step-price", business.ToString()).Set("new-step-headline", "Only 3 spots left!"));
        draft = await EditorForm.OpenAsync(seller, editorUrl);
        await SavedAsync(seller, draft.Set("step-0-decline", "coaching"));

        var editor = await FormPage.GetAsync(seller, editorUrl);
        Assert.Contains("data-testid=\"funnel-map\"", editor.Html);
        Assert.Contains("data-step=\"step-program\"", editor.Html);
        Assert.Contains("data-step=\"step-coaching\"", editor.Html);
        Assert.Matches("class=\"edge decline\"", editor.Html);
        Assert.Contains("data-code=\"unrelated-offer\"", editor.Html);
        Assert.Contains("data-code=\"fake-urgency\"", editor.Html);
        Assert.Contains("Publish version 1", editor.Html);

        // A step pointing at a step that does not exist is refused, with the reason, and nothing changes.
        var dangling = await (await EditorForm.OpenAsync(seller, editorUrl)).Set("step-1-headline", "x").Set("step-1-accept", "nowhere").SubmitAsync(seller);
        Assert.Equal(HttpStatusCode.BadRequest, dangling.StatusCode);
        Assert.Contains("There is no step named", await dangling.Content.ReadAsStringAsync());

        var published = await editor.PostAsync(seller, editorUrl + "?handler=publish");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        editor = await FormPage.GetAsync(seller, editorUrl);
        Assert.Contains("Live: version 1", editor.Html);
        Assert.Contains("Published: buyers now get version 1", editor.Html);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync($"/f/{slug}")).StatusCode);

        // Saving what is already published changes nothing and starts no draft.
        await SavedAsync(seller, await EditorForm.OpenAsync(seller, editorUrl));
        Assert.Contains("Nothing changed.", (await FormPage.GetAsync(seller, editorUrl)).Html);

        // An edit after publishing starts version 2 as a draft; buyers still get version 1.
        await SavedAsync(seller, await EditorForm.OpenAsync(seller, editorUrl), "remove-step:1");
        editor = await FormPage.GetAsync(seller, editorUrl);
        Assert.Contains("Draft: version 2", editor.Html);
        Assert.DoesNotContain("data-step=\"step-coaching\"", editor.Html);
        var funnelId = Guid.Parse(editorUrl.Split('/').Last());
        var statuses = await app.QueryAsync(db => db.FunnelVersions.Where(v => v.FunnelId == funnelId).OrderBy(v => v.Number).Select(v => v.Status).ToListAsync());
        Assert.Equal([FunnelVersionStatus.Published, FunnelVersionStatus.Draft], statuses);
        var program2 = await app.QueryAsync(db => db.OfferSteps.Where(s => s.Key == "program" && db.FunnelVersions.Any(v => v.Id == s.FunnelVersionId && v.FunnelId == funnelId && v.Number == 2)).SingleAsync());
        Assert.Null(program2.OnDeclineStepId); // the arrow to the removed step now leads to thank-you
    }

    [Fact]
    public async Task The_preview_shows_the_buyer_pages_of_a_draft_and_charges_and_stores_nothing()
    {
        var (seller, _) = await app.SignUpAsync();
        var course = await AddProductAsync(seller, "Deep Sleep Course", "sleep", "47");
        var program = await AddProductAsync(seller, "Sleep audio program", "sleep", "97");
        var slug = $"sleep-{Guid.NewGuid():N}"[..18];
        var newPage = await FormPage.GetAsync(seller, "/seller/funnels/new");
        var editorUrl = (await newPage.PostAsync(seller, "/seller/funnels/new", ("Name", "Deep Sleep"), ("Slug", slug), ("MainPriceId", course.ToString()))).Headers.Location!.OriginalString;
        await SavedAsync(seller, (await EditorForm.OpenAsync(seller, editorUrl)).Set("new-step-id", "program").Set("new-step-price", program.ToString()).Set("new-step-headline", "Add the audio program").Set("new-step-body", "Thirty nights."));

        var before = await CountsAsync();
        var checkout = await FormPage.GetAsync(seller, editorUrl + "/preview");
        Assert.Equal(HttpStatusCode.OK, checkout.Status);
        Assert.Contains("data-testid=\"preview-banner\"", checkout.Html);
        Assert.Contains("Deep Sleep Course", checkout.Html);
        var next = Regex.Match(checkout.Html, "href=\"([^\"]*step=program)\"").Groups[1].Value;
        var offer = await FormPage.GetAsync(seller, System.Net.WebUtility.HtmlDecode(next));
        Assert.Contains("Add the audio program", offer.Html);
        Assert.Contains("Yes, add it for $97.00", offer.Html);
        Assert.Contains("Visa ending in 4242", offer.Html);
        Assert.Contains("Nothing is charged or saved", offer.Html);
        Assert.Equal(before, await CountsAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/f/{slug}")).StatusCode); // a draft is not for sale
        var stranger = (await app.SignUpAsync()).Client;
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(editorUrl + "/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(editorUrl)).StatusCode);
    }

    private Task<(int Orders, int Sessions, int Charges, int Intents)> CountsAsync() => app.QueryAsync(async db =>
        (await db.Orders.CountAsync(), await db.PostPurchaseSessions.CountAsync(), await db.Charges.CountAsync(), await db.SandboxPaymentIntents.CountAsync()));

    /// <summary>Adds a product with one price through the pages; returns the price's id.</summary>
    [Fact]
    public async Task A_recurring_bump_needs_its_terms_in_the_editor_before_publishing_and_the_checkout_shows_them()
    {
        var (seller, _) = await app.SignUpAsync();
        var course = await AddProductAsync(seller, "Deep Sleep Course", "sleep", "47");
        var calls = await AddProductAsync(seller, "Weekly sleep calls", "sleep", "9", interval: "month");
        var slug = $"sleep-{Guid.NewGuid():N}"[..18];
        var newPage = await FormPage.GetAsync(seller, "/seller/funnels/new");
        var editorUrl = (await newPage.PostAsync(seller, "/seller/funnels/new", ("Name", "Deep Sleep"), ("Slug", slug), ("MainPriceId", course.ToString()))).Headers.Location!.OriginalString;
        await SavedAsync(seller, (await EditorForm.OpenAsync(seller, editorUrl)).Set("bump-0-price", calls.ToString()).Set("bump-0-description", "A live call every week."));

        var editor = await FormPage.GetAsync(seller, editorUrl);
        Assert.Contains("data-code=\"recurring-terms-missing\"", editor.Html);
        Assert.Contains("Order bump 1 &quot;Weekly sleep calls&quot; is charged $9.00 every month", editor.Html);
        await editor.PostAsync(seller, editorUrl + "?handler=publish");
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/f/{slug}")).StatusCode);

        const string terms = "$9.00 every month, first charged today; cancel any time with the link in your receipt.";
        await SavedAsync(seller, (await EditorForm.OpenAsync(seller, editorUrl)).Set("bump-0-terms", terms));
        editor = await FormPage.GetAsync(seller, editorUrl);
        Assert.DoesNotContain("data-code=\"recurring-terms-missing\"", editor.Html);
        Assert.Contains($"value=\"{terms}\"", WebUtility.HtmlDecode(editor.Html));
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostAsync(seller, editorUrl + "?handler=publish")).StatusCode);

        var checkout = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync($"/f/{slug}"));
        Assert.Contains($"If you add Weekly sleep calls: \"Weekly sleep calls\" from", checkout);
        Assert.Contains($"'s terms for \"Weekly sleep calls\": {terms}", checkout);
    }

    private async Task<Guid> AddProductAsync(HttpClient seller, string name, string topic, string amount, string interval = "once")
    {
        var products = await FormPage.GetAsync(seller, "/seller/products");
        var productUrl = (await products.PostAsync(seller, "/seller/products", ("Name", name), ("Description", name + "."), ("Topics", topic))).Headers.Location!.OriginalString;
        var product = await FormPage.GetAsync(seller, productUrl);
        await product.PostAsync(seller, productUrl + "?handler=price", ("amount", amount), ("currency", "USD"), ("interval", interval), ("intervalCount", "1"), ("trialDays", "0"));
        var productId = Guid.Parse(productUrl.Split('/').Last());
        return await app.QueryAsync(db => db.Prices.Where(p => p.ProductId == productId).Select(p => p.Id).SingleAsync());
    }

    /// <summary>Presses a button of the editor's draft form; the save must succeed.</summary>
    private static async Task SavedAsync(HttpClient seller, EditorForm draft, string command = "save")
    {
        var response = await draft.SubmitAsync(seller, command);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{command}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class SellerPagesTests_Sqlite(SqliteApp app) : SellerPagesTests<SqliteApp>(app);

public sealed class SellerPagesTests_Postgres(PostgresApp app) : SellerPagesTests<PostgresApp>(app);
