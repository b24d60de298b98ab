using System.Net;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>The buyer's pages as a browser without JavaScript uses them: forms, redirects, cookies.</summary>
public abstract class BuyerPageTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Paying_on_the_checkout_page_leads_to_the_offer_and_yes_adds_it()
    {
        var client = app.CreateClient();
        var offerUrl = await CheckoutOnPageAsync(client, "4242 4242 4242 4242");
        Assert.StartsWith("/o/", offerUrl);

        var offer = await FormPage.GetAsync(client, offerUrl);
        Assert.Equal(HttpStatusCode.OK, offer.Status);
        Assert.Contains("Yes, add it for $97.00", offer.Html);
        Assert.Contains("Visa ending 4242", offer.Html);
        Assert.Contains("shown once", offer.Html);
        Assert.DoesNotContain("countdown", offer.Html, StringComparison.OrdinalIgnoreCase);

        var accept = await offer.PostAsync(client, offerUrl + "?handler=accept",
            ("stepId", offer.Value("stepId")), ("disclosureSha256", offer.Value("disclosureSha256")));
        Assert.Equal(HttpStatusCode.Redirect, accept.StatusCode);
        // The double click: the same form again lands on the thank-you page and charges nothing more.
        var again = await offer.PostAsync(client, offerUrl + "?handler=accept",
            ("stepId", offer.Value("stepId")), ("disclosureSha256", offer.Value("disclosureSha256")));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);

        var thanks = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("Thank you", thanks.Html);
        Assert.Contains("$161.00", thanks.Html);
        var consent = await app.QueryAsync(db => db.ConsentRecords.SingleAsync(c => c.DisclosureSha256 == offer.Value("disclosureSha256") &&
            db.Charges.Any(ch => ch.ConsentRecordId == c.Id && ch.Status == ChargeStatus.Succeeded) && c.Channel == "page"));
        Assert.Equal("Yes, add it for $97.00", consent.AcceptLabel);
        Assert.Equal(1, await app.QueryAsync(db => db.Charges.CountAsync(c => c.ConsentRecordId == consent.Id)));
    }

    [Fact]
    public async Task Accepting_terms_other_than_those_shown_charges_nothing_and_says_so()
    {
        var client = app.CreateClient();
        var offerUrl = await CheckoutOnPageAsync(client, "4242424242424242");
        var offer = await FormPage.GetAsync(client, offerUrl);
        var response = await offer.PostAsync(client, offerUrl + "?handler=accept", ("stepId", offer.Value("stepId")), ("disclosureSha256", new string('0', 64)));
        Assert.Equal(offerUrl + "?notice=changed", response.Headers.Location!.OriginalString);
        var again = await FormPage.GetAsync(client, response.Headers.Location.OriginalString);
        Assert.Contains("Nothing was charged", again.Html);
        Assert.Contains("Yes, add it for $97.00", again.Html);
    }

    [Fact]
    public async Task A_double_submitted_checkout_form_places_one_order()
    {
        var client = app.CreateClient();
        var page = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        var key = page.Value("Input.CheckoutKey");
        var email = $"double-{Guid.NewGuid():N}@example.com";
        (string, string)[] fields = [("Input.CheckoutKey", key), ("Input.Email", email), ("Input.Name", "Dee"), ("Input.CardNumber", "4242424242424242"),
            ("Input.Expiry", "12/40"), ("Input.Cvc", "123")];
        var responses = await Task.WhenAll(page.PostAsync(client, "/f/calm-your-anxiety", fields), page.PostAsync(client, "/f/calm-your-anxiety", fields));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal(responses[0].Headers.Location, responses[1].Headers.Location);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.Email == email)));
    }

    [Fact]
    public async Task A_declined_card_shows_a_plain_message_and_keeps_the_details()
    {
        var client = app.CreateClient();
        var page = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        var response = await page.PostAsync(client, "/f/calm-your-anxiety", ("Input.CheckoutKey", page.Value("Input.CheckoutKey")),
            ("Input.Email", "nope@example.com"), ("Input.Name", "Nope"), ("Input.CardNumber", "4000 0000 0000 0002"), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Your card was declined. Nothing was charged.", html);
        Assert.Contains("value=\"nope@example.com\"", html);
        // The card number is never sent back into the form (the page's list of test cards shows it, the input does not).
        Assert.DoesNotMatch("name=\"Input.CardNumber\"[^>]*value=", html);
        Assert.DoesNotMatch("name=\"Input.Cvc\"[^>]*value=", html);
    }

    [Fact]
    public async Task Card_numbers_that_are_not_test_cards_are_refused_and_nothing_is_written()
    {
        var client = app.CreateClient();
        var before = await app.QueryAsync(db => db.Orders.CountAsync());
        var page = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        var response = await page.PostAsync(client, "/f/calm-your-anxiety", ("Input.CheckoutKey", page.Value("Input.CheckoutKey")),
            ("Input.Email", "x@example.com"), ("Input.Name", "X"), ("Input.CardNumber", "4111 1111 1111 1111"), ("Input.Expiry", "01/20"), ("Input.Cvc", "1"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Use one of the Sandbox test cards", html);
        Assert.Contains("not in the past", html);
        Assert.Contains("security code", html);
        Assert.Equal(before, await app.QueryAsync(db => db.Orders.CountAsync()));
    }

    [Fact]
    public async Task The_offer_page_answers_only_the_browser_that_bought()
    {
        var offerUrl = await CheckoutOnPageAsync(app.CreateClient(), "4242424242424242");
        var otherBrowser = app.CreateClient();
        var page = await FormPage.GetAsync(otherBrowser, offerUrl);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("browser you bought in", page.Html);
        Assert.DoesNotContain("$97.00", page.Html);
    }

    [Fact]
    public async Task Unknown_links_get_a_readable_page_never_an_error()
    {
        var client = app.CreateClient();
        foreach (var url in new[] { "/o/" + new string('x', 43), "/o/garbage", "/r/garbage", "/f/no-such-funnel", "/nothing-here" })
        {
            var page = await FormPage.GetAsync(client, url);
            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            Assert.Contains("<h1>", page.Html);
            Assert.DoesNotContain("Exception", page.Html);
        }
    }

    [Fact]
    public async Task The_checkout_posted_with_nothing_optional_ticked_leads_to_the_offer_and_a_no_to_the_downsells_own_line()
    {
        var client = app.CreateClient();
        var offerUrl = await CheckoutOnPageAsync(client, "5555 5555 5555 4444", withBump: false);
        Assert.StartsWith("/o/", offerUrl); // no box to tick: every buyer meets the offer
        var offer = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("Your order is confirmed. One more thing, shown only now:", offer.Html);
        Assert.Contains("Mastercard ending 4444", offer.Html);
        Assert.Contains("Yes, add it for $97.00", offer.Html);
        // The disclosure sits right above the button that names the charge.
        Assert.Matches("id=\"disclosure\">[^<]+</p>\\s*<form[^>]*>(\\s*<input[^>]*>)*\\s*<button[^>]*>Yes, add it for \\$97.00</button>", offer.Html);

        var decline = await offer.PostAsync(client, offerUrl + "?handler=decline", ("stepId", offer.Value("stepId")));
        Assert.Equal(HttpStatusCode.Redirect, decline.StatusCode);
        var downsell = await FormPage.GetAsync(client, offerUrl);
        Assert.Contains("Not the full program? Here is a smaller step.", downsell.Html);
        Assert.DoesNotContain("One more thing", downsell.Html);
        Assert.Contains("Yes, add it for $37.00", downsell.Html);
    }

    [Fact]
    public async Task The_bank_sends_the_buyer_back_through_an_address_without_a_token_and_only_their_browser_goes_on()
    {
        var client = app.CreateClient();
        var bank = await CheckoutOnPageAsync(client, "4000 0027 6000 3184");
        Assert.StartsWith("/sandbox/authenticate/", bank);
        var paymentId = bank["/sandbox/authenticate/".Length..];
        var chargeId = await app.QueryAsync(db => db.Charges.Where(c => c.GatewayPaymentId == paymentId).Select(c => c.Id).SingleAsync());
        var returnUrl = await app.QueryAsync(db => db.SandboxPaymentIntents.Where(i => i.Id == paymentId).Select(i => i.ReturnUrl).SingleAsync());
        Assert.Equal($"/pay/return/{chargeId}", returnUrl); // all the gateway ever holds

        var bankPage = await FormPage.GetAsync(client, bank);
        var back = await bankPage.PostAsync(client, bank, ("approve", "true"));
        Assert.Equal($"/pay/return/{chargeId}", back.Headers.Location!.OriginalString);

        // Another browser at the same address learns nothing and goes nowhere.
        var stranger = await app.CreateClient().GetAsync(returnUrl);
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Contains("being confirmed", await stranger.Content.ReadAsStringAsync());
        Assert.DoesNotContain("/o/", await stranger.Content.ReadAsStringAsync());

        // The buyer's own browser is sent on to its offer, once.
        var mine = await client.GetAsync(returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, mine.StatusCode);
        var offerUrl = mine.Headers.Location!.OriginalString;
        Assert.StartsWith("/o/", offerUrl);
        Assert.Contains("Yes, add it for $97.00", (await FormPage.GetAsync(client, offerUrl)).Html);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(returnUrl)).StatusCode); // the cookie is spent
    }

    [Fact]
    public async Task Back_from_a_bank_that_refused_the_one_click_charge_the_downsell_page_says_why()
    {
        var client = app.CreateClient();
        var bank = await CheckoutOnPageAsync(client, "4000 0027 6000 3184");
        var offerUrl = (await (await FormPage.GetAsync(client, bank)).PostAsync(client, bank, ("approve", "true"))) is var approved
            ? (await client.GetAsync(approved.Headers.Location!.OriginalString)).Headers.Location!.OriginalString
            : null;
        Assert.StartsWith("/o/", offerUrl);
        var offer = await FormPage.GetAsync(client, offerUrl!);
        var accept = await offer.PostAsync(client, offerUrl + "?handler=accept",
            ("stepId", offer.Value("stepId")), ("disclosureSha256", offer.Value("disclosureSha256")));
        var offerBank = accept.Headers.Location!.OriginalString;
        Assert.StartsWith("/sandbox/authenticate/", offerBank);

        var refused = await (await FormPage.GetAsync(client, offerBank)).PostAsync(client, offerBank, ("approve", "false"));
        var back = await client.GetAsync(refused.Headers.Location!.OriginalString);
        Assert.Equal(offerUrl + "?notice=bank", back.Headers.Location!.OriginalString);
        var downsell = await FormPage.GetAsync(client, back.Headers.Location!.OriginalString);
        Assert.Contains("Your bank did not confirm the payment for that offer. Nothing was charged for it.", downsell.Html);
        Assert.Contains("Yes, add it for $37.00", downsell.Html);
    }

    /// <summary>The checkout form posted as a browser without JavaScript would; the address it redirects to.</summary>
    private static async Task<string> CheckoutOnPageAsync(HttpClient client, string card, bool withBump = true)
    {
        var page = await FormPage.GetAsync(client, "/f/calm-your-anxiety");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var fields = new List<(string, string)>
        {
            ("Input.CheckoutKey", page.Value("Input.CheckoutKey")), ("Input.Email", "page@example.com"), ("Input.Name", "Page Buyer"),
            ("Input.CardNumber", card), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"),
        };
        if (withBump) fields.Add(("Input.Bumps", Buyer.Bump.ToString()));
        var response = await page.PostAsync(client, "/f/calm-your-anxiety", [.. fields]);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.OriginalString;
    }
}

public sealed class BuyerPageTests_Sqlite(SqliteApp app) : BuyerPageTests<SqliteApp>(app);

public sealed class BuyerPageTests_Postgres(PostgresApp app) : BuyerPageTests<PostgresApp>(app);
