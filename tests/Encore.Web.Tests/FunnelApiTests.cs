using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>Products, prices and funnels on the seller API: drafts, the linter, publishing and versions.</summary>
public abstract class FunnelApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Prices_are_added_listed_and_archived_and_bad_ones_are_refused()
    {
        var api = await app.NewSellerApiAsync();
        var product = await ProductAsync(api, "Sleep Course", "sleep");
        var oneTime = await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 4700, currency = "USD" }), HttpStatusCode.Created);
        Assert.Equal("$47.00", oneTime["description"]!.GetValue<string>());
        var monthly = await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount = 2900, currency = "USD", recurring = new { interval = "month", intervalCount = 1, trialDays = 7 } }), HttpStatusCode.Created);
        Assert.Equal("month", monthly["recurring"]!["interval"]!.GetValue<string>());
        Assert.Equal(7, monthly["recurring"]!["trialDays"]!.GetValue<int>());

        var archived = await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/prices/{oneTime["id"]}/archive", null), HttpStatusCode.OK);
        Assert.True(archived["archived"]!.GetValue<bool>());
        var list = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/products/{product}/prices"), HttpStatusCode.OK);
        Assert.Equal([true, false], list.AsArray().Select(p => p!["archived"]!.GetValue<bool>()));

        var before = await app.QueryAsync(db => db.Prices.CountAsync());
        var negative = await Buyer.ProblemAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = -1, currency = "USD" }), HttpStatusCode.BadRequest);
        Assert.NotNull(negative["errors"]!["amount"]);
        var currency = await Buyer.ProblemAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 100, currency = "usd" }), HttpStatusCode.BadRequest);
        Assert.NotNull(currency["errors"]!["currency"]);
        var interval = await Buyer.ProblemAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices",
            new { amount = 100, currency = "USD", recurring = new { interval = "fortnight" } }), HttpStatusCode.BadRequest);
        Assert.NotNull(interval["errors"]!["recurring.interval"]);
        Assert.Equal(before, await app.QueryAsync(db => db.Prices.CountAsync()));

        var stranger = await app.NewSellerApiAsync();
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/products/{product}/prices"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount = 100, currency = "USD" }), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.PostAsync($"/api/v1/seller/prices/{monthly["id"]}/archive", null), HttpStatusCode.NotFound);
        Assert.False(await app.QueryAsync(db => db.Prices.Where(p => p.Id == monthly["id"]!.GetValue<Guid>()).Select(p => p.Archived).SingleAsync()));
    }

    [Fact]
    public async Task A_funnel_is_a_draft_until_published_and_then_sells_the_frozen_version()
    {
        var (api, shop) = await ShopAsync();
        var slug = NewSlug();
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(slug)), HttpStatusCode.Created);
        var funnelId = created["id"]!.GetValue<Guid>();
        Assert.Null(created["published"]);
        Assert.Equal("draft", created["draft"]!["status"]!.GetValue<string>());
        Assert.False(created["draft"]!["lint"]!["blocksPublishing"]!.GetValue<bool>());
        await Buyer.ProblemAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.NotFound);

        var published = await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);
        Assert.Equal("published", published["status"]!.GetValue<string>());
        Assert.Equal(1, published["number"]!.GetValue<int>());
        var live = await Buyer.ReadAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.OK);
        Assert.Equal("Deep Sleep Course", live["main"]!["name"]!.GetValue<string>());
        Assert.Equal(4700, live["main"]!["price"]!["amount"]!.GetValue<long>());

        // Renaming the product after publishing changes nothing buyers see until the next publish.
        await api.PutAsJsonAsync($"/api/v1/seller/products/{shop.Course}", new { name = "Deep Sleep Course (renamed)", topics = new[] { "sleep" } });
        live = await Buyer.ReadAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.OK);
        Assert.Equal("Deep Sleep Course", live["main"]!["name"]!.GetValue<string>());

        // A second publish without a draft has nothing to publish.
        await Buyer.ProblemAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Editing_after_publish_drafts_the_next_version_and_buyers_finish_on_the_version_they_started()
    {
        var (api, shop) = await ShopAsync();
        var slug = NewSlug();
        var funnelId = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(slug)), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var v1 = (await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK))["id"]!.GetValue<Guid>();

        // A buyer pays on version 1 and is shown its offer.
        var buyer = new Buyer(app.CreateClient());
        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(buyer.Client, new
        {
            funnel = slug, email = "v1@example.com", name = "Vee One", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
        }), HttpStatusCode.Created);
        buyer.UseToken(checkout["sessionToken"]!.GetValue<string>());
        var offerOnV1 = await buyer.GetOfferAsync();
        var v1Step = offerOnV1["step"]!["id"]!.GetValue<Guid>();
        Assert.Equal(9700, offerOnV1["step"]!["price"]!["amount"]!.GetValue<long>());

        // The seller raises the offer's price in a draft: version 2. Nothing changes for buyers yet.
        var draft = await Buyer.ReadAsync(await api.PutAsJsonAsync($"/api/v1/seller/funnels/{funnelId}/draft",
            shop.Definition(slug, offerPrice: shop.ProgramPricier)), HttpStatusCode.OK);
        Assert.Equal(2, draft["number"]!.GetValue<int>());
        Assert.Equal("draft", draft["status"]!.GetValue<string>());
        var again = await Buyer.ReadAsync(await api.PutAsJsonAsync($"/api/v1/seller/funnels/{funnelId}/draft",
            shop.Definition(slug, offerPrice: shop.ProgramPricier)), HttpStatusCode.OK);
        Assert.Equal(draft["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>()); // one draft, edited again
        Assert.Equal(1, (await Buyer.ReadAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.OK))["version"]!.GetValue<int>());

        var v2 = await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);
        Assert.Equal(2, v2["number"]!.GetValue<int>());
        Assert.Equal(2, (await Buyer.ReadAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.OK))["version"]!.GetValue<int>());

        // The buyer who started on version 1 still sees and is charged version 1's offer.
        var stillV1 = await buyer.GetOfferAsync();
        Assert.Equal(v1Step, stillV1["step"]!["id"]!.GetValue<Guid>());
        Assert.Equal(9700, stillV1["step"]!["price"]!["amount"]!.GetValue<long>());
        await buyer.AcceptCurrentAsync(v1Step);
        var order = await app.QueryAsync(db => db.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == checkout["orderId"]!.GetValue<Guid>()));
        Assert.Equal(v1, order.FunnelVersionId);
        Assert.Equal([4700L, 9700L], order.Lines.OrderBy(l => l.Kind).Select(l => l.Amount));

        var funnel = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnelId}"), HttpStatusCode.OK);
        Assert.Equal(["retired", "published"], funnel["versions"]!.AsArray().Select(v => v!["status"]!.GetValue<string>()));
        Assert.Null(funnel["draft"]);
        var frozenV1 = await Buyer.ReadAsync(await api.GetAsync($"/api/v1/seller/funnels/{funnelId}/versions/{v1}"), HttpStatusCode.OK);
        Assert.Equal(shop.ProgramPrice, frozenV1["definition"]!["steps"]![0]!["priceId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_checkout_shown_before_a_publish_is_refused_rather_than_charged_at_prices_the_buyer_did_not_see()
    {
        var (api, shop) = await ShopAsync();
        var slug = NewSlug();
        var funnelId = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(slug)), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);

        var browser = app.CreateClient();
        var form = await FormPage.GetAsync(browser, $"/f/{slug}");
        Assert.Equal("1", form.Value("Input.Version"));

        // The seller publishes version 2 with the main product at another price while the buyer reads the page.
        var dearer = await PriceAsync(api, shop.Course, 5900);
        var definition = System.Text.Json.JsonSerializer.SerializeToNode(shop.Definition(slug))!;
        definition["main"] = new JsonObject { ["priceId"] = dearer };
        await Buyer.ReadAsync(await api.PutAsJsonAsync($"/api/v1/seller/funnels/{funnelId}/draft", definition), HttpStatusCode.OK);
        await Buyer.ReadAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.OK);
        var ordersBefore = await app.QueryAsync(db => db.Orders.CountAsync());

        var paid = await form.PostAsync(browser, $"/f/{slug}",
            ("Input.CheckoutKey", form.Value("Input.CheckoutKey")), ("Input.Version", "1"), ("Input.Email", "late@example.com"), ("Input.Name", "Late Buyer"),
            ("Input.CardNumber", "4242424242424242"), ("Input.Expiry", "12/40"), ("Input.Cvc", "123"));
        var html = await paid.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Contains("The seller updated this checkout after it was shown to you. Nothing was charged", html);
        Assert.Contains("$59.00", html); // the page now shows what would be charged
        var api1 = await Buyer.ProblemAsync(await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = slug, email = "late@example.com", name = "Late", paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = false, version = 1,
        }), HttpStatusCode.BadRequest);
        Assert.NotNull(api1["errors"]!["version"]);
        Assert.Equal(ordersBefore, await app.QueryAsync(db => db.Orders.CountAsync()));
    }

    [Fact]
    public async Task The_linter_blocks_publishing_a_downsell_that_is_not_cheaper_and_nothing_goes_live()
    {
        var (api, shop) = await ShopAsync();
        var slug = NewSlug();
        var definition = shop.Definition(slug, downsellPrice: shop.ProgramPricier);
        var created = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", definition), HttpStatusCode.Created);
        Assert.True(created["draft"]!["lint"]!["blocksPublishing"]!.GetValue<bool>());
        var funnelId = created["id"]!.GetValue<Guid>();

        var blocked = await Buyer.ProblemAsync(await api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), (HttpStatusCode)422);
        var finding = blocked["findings"]!.AsArray().Single(f => f!["code"]!.GetValue<string>() == "downsell-not-cheaper");
        Assert.Equal("error", finding!["severity"]!.GetValue<string>());
        Assert.Equal("starter", finding["stepId"]!.GetValue<string>());
        Assert.Null(await app.QueryAsync(db => db.Funnels.Where(f => f.Id == funnelId).Select(f => f.PublishedVersionId).SingleAsync()));
        await Buyer.ProblemAsync(await app.CreateClient().GetAsync($"/api/v1/funnels/{slug}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_lint_endpoint_takes_the_create_json_explains_what_is_wrong_and_saves_nothing()
    {
        var (api, shop) = await ShopAsync();
        var business = await ProductAsync(api, "Business coaching", "business");
        var businessPrice = await PriceAsync(api, business, 9700);
        var funnelsBefore = await app.QueryAsync(db => db.Funnels.CountAsync());
        var response = await api.PostAsJsonAsync("/api/v1/seller/funnels/lint", new
        {
            main = new { priceId = shop.CoursePrice },
            steps = new object[]
            {
                new { id = "oto", priceId = businessPrice, headline = "Last chance!", body = "Only 3 spots left", onDecline = "down" },
                new { id = "down", priceId = businessPrice },
            },
            entryStepId = "oto",
        });
        var body = await Buyer.ReadAsync(response, HttpStatusCode.OK);
        Assert.True(body["blocksPublishing"]!.GetValue<bool>());
        var codes = body["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("downsell-not-cheaper", codes);
        Assert.Contains("unrelated-offer", codes);
        Assert.Contains("fake-urgency", codes);
        Assert.Equal(funnelsBefore, await app.QueryAsync(db => db.Funnels.CountAsync()));

        var clean = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels/lint", shop.Definition(NewSlug())), HttpStatusCode.OK);
        Assert.False(clean["blocksPublishing"]!.GetValue<bool>());
        Assert.Empty(clean["findings"]!.AsArray());

        // Structure faults are findings here, not errors: the linter explains them.
        var dangling = await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels/lint", new
        {
            main = new { priceId = shop.CoursePrice },
            steps = new[] { new { id = "oto", priceId = shop.ProgramPrice, onDecline = "nowhere" } },
            entryStepId = "oto",
        }), HttpStatusCode.OK);
        Assert.Contains("unknown-step", dangling["findings"]!.AsArray().Select(f => f!["code"]!.GetValue<string>()));

        var stranger = await app.NewSellerApiAsync();
        var foreign = await Buyer.ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/seller/funnels/lint", new { main = new { priceId = shop.CoursePrice } }), HttpStatusCode.BadRequest);
        Assert.Equal("You have no price with this id.", foreign["errors"]!["main.priceId"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_draft_that_cannot_be_stored_is_refused_naming_the_field_and_nothing_changes()
    {
        var (api, shop) = await ShopAsync();
        var slug = NewSlug();
        var funnelId = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(slug)), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var stepsBefore = await app.QueryAsync(db => db.OfferSteps.CountAsync());

        async Task Refused(object definition, string field)
        {
            var problem = await Buyer.ProblemAsync(await api.PutAsJsonAsync($"/api/v1/seller/funnels/{funnelId}/draft", definition), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]![field] is not null, $"Expected an error for {field}: {problem}");
        }

        await Refused(new { main = new { priceId = shop.CoursePrice }, steps = new[] { new { id = "oto", priceId = shop.ProgramPrice, onDecline = "nowhere" } }, entryStepId = "oto" }, "steps[0].onDecline");
        await Refused(new { main = new { priceId = shop.CoursePrice }, steps = new[] { new { id = "has space", priceId = shop.ProgramPrice } }, entryStepId = "has space" }, "steps[0].id");
        await Refused(new { main = new { priceId = shop.CoursePrice }, windowMinutes = 0 }, "windowMinutes");
        await Refused(new { main = new { priceId = shop.EuroPrice } }, "main.priceId");
        await Refused(new { main = new { priceId = Guid.NewGuid() } }, "main.priceId");
        await Refused(new { main = new { priceId = shop.CoursePrice }, steps = new[] { new { id = "oto", priceId = shop.ProgramPrice, headline = new string('x', 201) } }, entryStepId = "oto" }, "steps[0].headline");
        var badSlug = await Buyer.ProblemAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition("Not A Slug")), HttpStatusCode.BadRequest);
        Assert.NotNull(badSlug["errors"]!["slug"]);
        var taken = await Buyer.ProblemAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(slug)), HttpStatusCode.BadRequest);
        Assert.NotNull(taken["errors"]!["slug"]);
        Assert.Equal(stepsBefore, await app.QueryAsync(db => db.OfferSteps.CountAsync()));
    }

    [Fact]
    public async Task Five_publishes_at_once_publish_the_draft_once()
    {
        var (api, shop) = await ShopAsync();
        var funnelId = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(NewSlug())), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var versions = await app.QueryAsync(db => db.FunnelVersions.Where(v => v.FunnelId == funnelId).Select(v => v.Status).ToListAsync());
        Assert.Equal([FunnelVersionStatus.Published], versions);
    }

    [Fact]
    public async Task Another_sellers_funnels_are_not_found()
    {
        var (api, shop) = await ShopAsync();
        var funnelId = (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/funnels", shop.Definition(NewSlug())), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var version = await app.QueryAsync(db => db.FunnelVersions.Where(v => v.FunnelId == funnelId).Select(v => v.Id).SingleAsync());
        var stranger = await app.NewSellerApiAsync();
        Assert.Empty((await Buyer.ReadAsync(await stranger.GetAsync("/api/v1/seller/funnels"), HttpStatusCode.OK)).AsArray());
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/funnels/{funnelId}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.GetAsync($"/api/v1/seller/funnels/{funnelId}/versions/{version}"), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.PostAsync($"/api/v1/seller/funnels/{funnelId}/publish", null), HttpStatusCode.NotFound);
        await Buyer.ProblemAsync(await stranger.PutAsJsonAsync($"/api/v1/seller/funnels/{funnelId}/draft", shop.Definition(NewSlug())), HttpStatusCode.NotFound);
        Assert.Equal(1, await app.QueryAsync(db => db.FunnelVersions.CountAsync(v => v.FunnelId == funnelId)));
        Assert.Single((await Buyer.ReadAsync(await api.GetAsync("/api/v1/seller/funnels"), HttpStatusCode.OK)).AsArray());
    }

    private static string NewSlug() => $"sleep-{Guid.NewGuid():N}"[..20];

    /// <summary>A seller with a sleep course ($47), a sleep audio program ($97, and a pricier $147) and a starter ($37).</summary>
    private async Task<(HttpClient Api, Shop Shop)> ShopAsync()
    {
        var api = await app.NewSellerApiAsync();
        var course = await ProductAsync(api, "Deep Sleep Course", "sleep");
        var program = await ProductAsync(api, "Sleep audio program", "sleep");
        var starter = await ProductAsync(api, "Sleep audio starter", "sleep");
        return (api, new Shop(
            course, await PriceAsync(api, course, 4700), await PriceAsync(api, program, 9700), await PriceAsync(api, program, 14700),
            await PriceAsync(api, starter, 3700), await PriceAsync(api, course, 4300, "EUR")));
    }

    private static async Task<Guid> ProductAsync(HttpClient api, string name, string topic) =>
        (await Buyer.ReadAsync(await api.PostAsJsonAsync("/api/v1/seller/products", new { name, description = name + ".", topics = new[] { topic } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static async Task<Guid> PriceAsync(HttpClient api, Guid product, long amount, string currency = "USD") =>
        (await Buyer.ReadAsync(await api.PostAsJsonAsync($"/api/v1/seller/products/{product}/prices", new { amount, currency }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private sealed record Shop(Guid Course, Guid CoursePrice, Guid ProgramPrice, Guid ProgramPricier, Guid StarterPrice, Guid EuroPrice)
    {
        public object Definition(string slug, Guid? offerPrice = null, Guid? downsellPrice = null) => new
        {
            name = "Deep Sleep",
            slug,
            windowMinutes = 30,
            main = new { priceId = CoursePrice },
            steps = new object[]
            {
                new { id = "program", priceId = offerPrice ?? ProgramPrice, headline = "Add the sleep audio program", body = "Thirty nights of guided audio.", onDecline = "starter" },
                new { id = "starter", priceId = downsellPrice ?? StarterPrice, headline = "Or start with seven nights" },
            },
            entryStepId = "program",
        };
    }
}

public sealed class FunnelApiTests_Sqlite(SqliteApp app) : FunnelApiTests<SqliteApp>(app);

public sealed class FunnelApiTests_Postgres(PostgresApp app) : FunnelApiTests<PostgresApp>(app);
