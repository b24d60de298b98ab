using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Tests.Infrastructure;

namespace Encore.Web.Tests;

/// <summary>The seller's pages look and read the same way: controls, notices, empty tables, numbers, ids, prices.</summary>
public abstract partial class SellerPagesTests<TApp>
{
    [Fact]
    public async Task Empty_tables_say_what_to_do_and_a_success_notice_is_in_the_success_colour()
    {
        var (seller, _) = await app.SignUpAsync();
        var keys = await FormPage.GetAsync(seller, "/seller/api-keys");
        Assert.Contains("No API keys yet: create one above.", keys.Html);
        Assert.Contains("No endpoints yet. Add one above.", (await FormPage.GetAsync(seller, "/seller/webhooks")).Html);
        Assert.Contains("No funnels yet. Create one with “New funnel” above.", WebUtility.HtmlDecode((await FormPage.GetAsync(seller, "/seller")).Html));
        Assert.Contains("No orders yet. They appear here when a buyer pays", (await FormPage.GetAsync(seller, "/seller/orders")).Html);
        Assert.Contains("No orders match. Clear the filters", (await FormPage.GetAsync(seller, "/seller/orders?q=nobody%40example.com")).Html);

        var created = await (await keys.PostAsync(seller, "/seller/api-keys?handler=create", ("name", "shop"))).Content.ReadAsStringAsync();
        Assert.Matches("<div class=\"notice success\" role=\"status\">\\s*<p><strong>Your new key", created);
        Assert.DoesNotContain("No API keys yet", created);

        var webhooks = await FormPage.GetAsync(seller, "/seller/webhooks");
        var refused = await (await webhooks.PostAsync(seller, "/seller/webhooks?handler=create", ("url", "not a url"))).Content.ReadAsStringAsync();
        Assert.Matches("id=\"url-error\" class=\"field-error\" role=\"alert\"", refused);

        // One style for every control: the seller's stylesheet styles each kind of box the pages use, and the notices.
        var css = await app.CreateClient().GetStringAsync("/css/seller.css");
        foreach (var type in new[] { "text", "email", "url", "password", "search", "number", "date" }) Assert.Contains($"input[type={type}]", css);
        Assert.Contains(".notice.success {", css);
        Assert.Contains(".notice.error {", css);
    }

    [Fact]
    public async Task A_one_time_price_is_added_without_recurring_fields_and_listed_as_one_time()
    {
        var (seller, _) = await app.SignUpAsync();
        var products = await FormPage.GetAsync(seller, "/seller/products");
        var productUrl = (await products.PostAsync(seller, "/seller/products", ("Name", "Workbook"), ("Description", "Pages."), ("Topics", "sleep"))).Headers.Location!.OriginalString;
        var product = await FormPage.GetAsync(seller, productUrl);
        Assert.Contains("No prices yet. Add one below.", product.Html);
        // The recurring fields sit apart, with no "1" or "0" filled in, and are hidden while Billing says One-time.
        var recurring = Regex.Match(product.Html, "<fieldset class=\"recurring-only toolbar\".*?</fieldset>", RegexOptions.Singleline).Value;
        Assert.Contains("name=\"intervalCount\"", recurring);
        Assert.Contains("name=\"trialDays\"", recurring);
        Assert.DoesNotContain("value=", recurring);
        Assert.Contains("form:has(#interval option[value=once]:checked) .recurring-only { display: none; }", await app.CreateClient().GetStringAsync("/css/seller.css"));

        // A browser posts the hidden fields empty.
        var once = await product.PostAsync(seller, productUrl + "?handler=price", ("amount", "12"), ("currency", "USD"), ("interval", "once"), ("intervalCount", ""), ("trialDays", ""), ("payments", ""));
        Assert.Equal(HttpStatusCode.Redirect, once.StatusCode);
        var monthly = await product.PostAsync(seller, productUrl + "?handler=price", ("amount", "5"), ("currency", "USD"), ("interval", "month"), ("intervalCount", ""), ("trialDays", "7"), ("payments", ""));
        Assert.Equal(HttpStatusCode.Redirect, monthly.StatusCode);
        var html = (await FormPage.GetAsync(seller, productUrl)).Html;
        Assert.Contains("<td data-testid=\"price\">$12.00, one-time</td>", html);
        Assert.Contains("<td data-testid=\"price\">$5.00 every month, 7-day free trial</td>", html);
    }

    [Fact]
    public async Task Order_ids_are_shortened_in_lists_whole_on_hover_and_on_the_order_page_and_amounts_align_right()
    {
        var (orderId, email, _) = await Orders.BuyAsync(app);
        var seller = await app.SignInAsDemoAsync();
        var list = (await FormPage.GetAsync(seller, $"/seller/orders?q={Uri.EscapeDataString(email)}")).Html;
        var shortId = orderId.ToString()[..8];
        Assert.Matches($"<a href=\"/seller/orders/{orderId}\">\\s*<code class=\"short-id\" title=\"{orderId}\">{shortId}</code>\\s*</a>", list);
        Assert.Contains("<td class=\"num\">$64.00</td>", list);

        var page = (await FormPage.GetAsync(seller, $"/seller/orders/{orderId}")).Html;
        Assert.Matches($"<h1>Order\\s*<code class=\"short-id\" title=\"{orderId}\">{shortId}</code>\\s*</h1>", page);
        Assert.Contains($"<code data-testid=\"order-id\">{orderId}</code>", page);
    }
}
