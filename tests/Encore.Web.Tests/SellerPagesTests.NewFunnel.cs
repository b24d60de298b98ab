using System.Net;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

public abstract partial class SellerPagesTests<TApp>
{
    [Fact]
    public async Task New_funnel_without_a_price_leads_through_a_product_and_its_price_and_back_with_the_price_chosen()
    {
        var (seller, _) = await app.SignUpAsync();
        var start = await FormPage.GetAsync(seller, "/seller/funnels/new");
        Assert.Contains("data-testid=\"no-prices\"", start.Html);
        Assert.Contains("href=\"/seller/products?then=new-funnel\"", start.Html);

        var products = await FormPage.GetAsync(seller, "/seller/products?then=new-funnel");
        Assert.Contains("Step 1 of 2", products.Html);
        var created = await products.PostAsync(seller, "/seller/products?then=new-funnel", ("Name", "Deep Sleep Course"), ("Description", "Seven nights."), ("Topics", "sleep"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var productUrl = created.Headers.Location!.OriginalString;
        Assert.Matches("^/seller/products/[0-9a-f-]{36}\\?then=new-funnel#prices$", productUrl);

        var product = await FormPage.GetAsync(seller, productUrl.Split('#')[0]);
        Assert.Contains("Step 2 of 2", product.Html);
        var priced = await product.PostAsync(seller, productUrl.Split('?')[0] + "?handler=price",
            ("then", "new-funnel"), ("amount", "47"), ("currency", "USD"), ("interval", "once"), ("intervalCount", ""), ("trialDays", ""), ("payments", ""));
        Assert.Equal(HttpStatusCode.Redirect, priced.StatusCode);
        var productId = Guid.Parse(productUrl.Split('?')[0].Split('/').Last());
        var priceId = await app.QueryAsync(db => db.Prices.Where(p => p.ProductId == productId).Select(p => p.Id).SingleAsync());
        Assert.Equal($"/seller/funnels/new?priceId={priceId}", priced.Headers.Location!.OriginalString);

        var back = await FormPage.GetAsync(seller, priced.Headers.Location!.OriginalString);
        Assert.DoesNotContain("data-testid=\"no-prices\"", back.Html);
        Assert.Contains($"<option value=\"{priceId}\" selected=\"selected\">Deep Sleep Course: $47.00</option>", back.Html);
        var funnel = await back.PostAsync(seller, "/seller/funnels/new", ("Name", "Deep Sleep"), ("Slug", $"new-{Guid.NewGuid():N}"[..16]), ("MainPriceId", priceId.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, funnel.StatusCode);

        // Without the way back, adding a price stays on the product; another seller's price is never chosen.
        var plain = await product.PostAsync(seller, productUrl.Split('?')[0] + "?handler=price", ("amount", "9"), ("currency", "USD"), ("interval", "once"));
        Assert.Equal($"{productUrl.Split('?')[0]}#prices", plain.Headers.Location!.OriginalString);
        var stranger = (await app.SignUpAsync()).Client;
        Assert.DoesNotContain("selected=\"selected\"", (await FormPage.GetAsync(stranger, $"/seller/funnels/new?priceId={priceId}")).Html);
    }
}
