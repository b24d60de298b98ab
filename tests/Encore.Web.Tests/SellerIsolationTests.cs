using System.Net;
using System.Net.Http.Json;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>
/// The wall between sellers, route by route: a seller tries every seller page, page handler and API route
/// with another seller's ids and gets 404 every time, never the data, and nothing of the other seller changes.
/// The routes are read from the running app, so a new seller route is covered (or fails here) the day it is added.
/// </summary>
public abstract partial class SellerIsolationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    private static readonly string[] SellerPrefixes = ["/seller", "/api/v1/seller"];

    [Fact]
    public async Task Every_seller_route_answers_404_to_another_sellers_ids_and_changes_nothing()
    {
        var victim = await VictimIdsAsync();
        var before = await SnapshotAsync();
        var (intruderPages, _) = await app.SignUpAsync("Intruder Ltd");
        var intruderApi = app.ApiClient(await Sellers.CreateApiKeyAsync(intruderPages));
        var token = (await FormPage.GetAsync(intruderPages, "/seller")).AntiforgeryToken;

        var tried = new List<string>();
        var failures = new List<string>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!SellerPrefixes.Any(p => pattern == p || pattern.StartsWith(p + "/", StringComparison.Ordinal))) continue;
            var parameters = endpoint.RoutePattern.Parameters;
            if (parameters.Count == 0) continue;

            var path = pattern;
            foreach (var parameter in parameters)
            {
                if (!victim.TryGetValue(parameter.Name, out var id))
                {
                    failures.Add($"{pattern}: no other seller's id for route parameter {{{parameter.Name}}}; add it to this test");
                    continue;
                }
                path = System.Text.RegularExpressions.Regex.Replace(path, "\\{" + parameter.Name + "[^}]*\\}", id);
            }

            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>();
            if (page is not null)
            {
                tried.Add("GET " + path);
                await ExpectNotFoundAsync(failures, "GET " + path, await intruderPages.GetAsync(path));
                var compiled = page as CompiledPageActionDescriptor
                    ?? await app.Services.GetRequiredService<PageLoader>().LoadAsync(page, EndpointMetadataCollection.Empty);
                foreach (var handler in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)))
                {
                    var url = handler.Name is null ? path : $"{path}?handler={handler.Name}";
                    tried.Add("POST " + url);
                    var form = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["__RequestVerificationToken"] = token, ["index"] = "0", ["priceId"] = victim["priceId"], ["amount"] = "1", ["id"] = "x",
                    });
                    await ExpectNotFoundAsync(failures, "POST " + url, await intruderPages.PostAsync(url, form));
                }
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                tried.Add($"{method} {path}");
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = pattern.EndsWith("/files", StringComparison.Ordinal) || pattern.EndsWith("/file", StringComparison.Ordinal) || pattern.EndsWith("/upload", StringComparison.Ordinal)
                        ? UploadBody()
                        : JsonContent.Create(PlausibleBody(pattern, victim));
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                }
                // A seller page's own endpoint (the product page's uploader): the intruder's cookie and page token.
                var pageEndpoint = !pattern.StartsWith("/api/", StringComparison.Ordinal);
                if (pageEndpoint) request.Headers.Add("RequestVerificationToken", token);
                await ExpectNotFoundAsync(failures, $"{method} {path}", await (pageEndpoint ? intruderPages : intruderApi).SendAsync(request));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\nTried: " + string.Join("\n", tried));
        Assert.Contains(tried, t => t.StartsWith("GET /api/v1/seller/products/", StringComparison.Ordinal));
        Assert.Contains(tried, t => t.StartsWith("POST /api/v1/seller/subscriptions/", StringComparison.Ordinal) && t.EndsWith("/retry", StringComparison.Ordinal));
        Assert.Contains(tried, t => t.StartsWith("POST /seller/subscriptions/", StringComparison.Ordinal) && t.EndsWith("handler=CancelNow", StringComparison.OrdinalIgnoreCase));
        Assert.True(tried.Any(t => t.StartsWith("POST /seller/funnels/", StringComparison.Ordinal) && t.Contains("handler=publish", StringComparison.OrdinalIgnoreCase)), string.Join("\n", tried));
        Assert.Contains(tried, t => t.StartsWith("POST /api/v1/seller/erase-requests/", StringComparison.Ordinal) && t.EndsWith("/confirm", StringComparison.Ordinal));
        Assert.True(tried.Count >= 20, "Only tried: " + string.Join(", ", tried));
        Assert.Equal(before, await SnapshotAsync());

        // Lists without ids show the intruder nothing of the other seller.
        foreach (var list in new[] { "/api/v1/seller/products", "/api/v1/seller/funnels" })
            Assert.DoesNotContain("Calm", await intruderApi.GetStringAsync(list));
        foreach (var list in new[] { "/seller", "/seller/products" })
            Assert.DoesNotContain("Calm Your Anxiety", await intruderPages.GetStringAsync(list));
    }

    private static async Task ExpectNotFoundAsync(List<string> failures, string call, HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        // The mailed links' pages (a password reset, a change of address) take an account's id and a token, and answer
        // any id without a valid token the same: "this link does not work" (410), whoever asks and whether the id exists.
        if (response.StatusCode == HttpStatusCode.Gone && LinkPage().IsMatch(call)) return;
        var body = await response.Content.ReadAsStringAsync();
        failures.Add($"{call}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(GET|POST) /seller/(reset|change-email)/[0-9a-f-]+(\?|$)")]
    private static partial System.Text.RegularExpressions.Regex LinkPage();

    /// <summary>A file upload the deliverable routes would take from the product's owner.</summary>
    private static MultipartFormDataContent UploadBody()
    {
        var body = new MultipartFormDataContent();
        body.Add(new StringContent("Taken over"), "title");
        body.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("not yours")), "file", "intruder.txt");
        return body;
    }

    /// <summary>A body the route would accept from its owner, so that only ownership can make it fail.</summary>
    private static object PlausibleBody(string pattern, IReadOnlyDictionary<string, string> victim) => pattern switch
    {
        _ when pattern.EndsWith("/draft", StringComparison.Ordinal) => new { main = new { priceId = victim["priceId"] } },
        _ when pattern.EndsWith("/prices", StringComparison.Ordinal) => new { amount = 100, currency = "USD" },
        _ when pattern.EndsWith("/refunds", StringComparison.Ordinal) => new { amount = 1, reason = "test" },
        _ when pattern.Contains("/products/", StringComparison.Ordinal) => new { name = "Taken over", topics = new[] { "x" } },
        _ => new { },
    };

    /// <summary>The demo seller's ids, with a paid order, an accepted offer (so a consent record) and a refund.</summary>
    private async Task<Dictionary<string, string>> VictimIdsAsync()
    {
        var endpointId = Guid.CreateVersion7();
        await app.QueryAsync(async db =>
        {
            db.WebhookEndpoints.Add(new WebhookEndpoint
            {
                Id = endpointId, SellerId = DemoSeed.SellerId, Url = "https://victim.example/hooks", SecretProtected = "sealed", CreatedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await buyer.AcceptCurrentAsync(Buyer.OfferStep);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EncoreDbContext>();
        var order = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == buyer.OrderId);
        var line = order.Lines.First(l => l.Kind == OrderLineKind.Main);
        var refund = new Refund
        {
            Id = Guid.CreateVersion7(), SellerId = order.SellerId, OrderId = order.Id, OrderLineId = line.Id, ChargeId = line.ChargeId,
            Amount = 100, Currency = order.Currency, IdempotencyKey = "isolation:" + Guid.NewGuid(), Status = RefundStatus.Failed,
            FailureMessage = "test row", CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Refunds.Add(refund);
        var subscription = VictimSubscription(order, line);
        db.Subscriptions.Add(subscription);
        var product = await db.Products.FirstAsync(p => p.SellerId == DemoSeed.SellerId);
        var deliverable = new Deliverable
        {
            Id = Guid.CreateVersion7(), SellerId = DemoSeed.SellerId, ProductId = product.Id, Kind = DeliverableKind.Text,
            Title = "The victim's bonus", Text = "Only for the victim's buyers.", CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Deliverables.Add(deliverable);
        var erase = new BuyerEraseRequest { Id = Guid.CreateVersion7(), SellerId = order.SellerId, Email = order.Email, RequestedAt = DateTimeOffset.UtcNow };
        db.BuyerEraseRequests.Add(erase);
        // The victim's invitation: only the mail's token opens it; what the database keeps of it (its hash) opens nothing.
        var invite = new SellerInvite
        {
            Id = Guid.CreateVersion7(), SellerId = DemoSeed.SellerId, Email = $"invited-{Guid.NewGuid():N}@example.com", Role = SellerRole.Owner,
            TokenHash = Encore.Web.Infrastructure.SecretTokens.Hash(Encore.Web.Infrastructure.SecretTokens.New()),
            CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(7),
        };
        db.SellerInvites.Add(invite);
        await db.SaveChangesAsync();
        // The confirmation page of the victim's own account: without the mail's code it opens nothing (404).
        var userId = await db.Users.Where(u => u.SellerId == DemoSeed.SellerId).Select(u => u.Id).FirstAsync();
        return new Dictionary<string, string>
        {
            ["userId"] = userId.ToString(),
            ["funnelId"] = DemoSeed.FunnelId.ToString(),
            ["versionId"] = DemoSeed.VersionId.ToString(),
            ["productId"] = product.Id.ToString(),
            ["deliverableId"] = deliverable.Id.ToString(),
            ["priceId"] = (await db.Prices.FirstAsync(p => p.SellerId == DemoSeed.SellerId)).Id.ToString(),
            ["orderId"] = order.Id.ToString(),
            ["lineId"] = line.Id.ToString(),
            ["consentId"] = (await db.ConsentRecords.FirstAsync(c => c.OrderId == order.Id)).Id.ToString(),
            ["refundId"] = refund.Id.ToString(),
            ["endpointId"] = endpointId.ToString(),
            ["deliveryId"] = (await db.WebhookDeliveries.FirstAsync(d => d.EndpointId == endpointId)).Id.ToString(),
            ["subscriptionId"] = subscription.Id.ToString(),
            ["eraseRequestId"] = erase.Id.ToString(),
            ["token"] = invite.TokenHash,
        };
    }

    /// <summary>A past-due subscription of the demo seller: every change a seller can make (cancel, pause, retry) applies to it.</summary>
    private static Subscription VictimSubscription(Order order, OrderLine line) => new()
    {
        Id = Guid.CreateVersion7(), SellerId = order.SellerId, OrderId = order.Id, FunnelId = order.FunnelId, FunnelVersionId = order.FunnelVersionId,
        ProductId = line.ProductId, ProductName = line.Name, Email = order.Email, BuyerName = order.BuyerName, Amount = 2900, Currency = order.Currency,
        Interval = Encore.Domain.BillingInterval.Month, GatewayCustomerId = order.GatewayCustomerId ?? "cus_victim", PaymentMethodId = "pm_card_visa",
        CardBrand = "visa", CardLast4 = "4242", Status = SubscriptionStatus.PastDue, StartedAt = order.CreatedAt, FirstPaymentAt = order.CreatedAt,
        PaymentsMade = 1, NextPayment = 1, NextChargeAt = order.CreatedAt.AddMonths(1), CurrentPeriodEnd = order.CreatedAt.AddMonths(1),
        FailedAttempts = 1, DunningStartedAt = order.CreatedAt.AddMonths(1), LastDeclineCode = "generic_decline", CreatedAt = order.CreatedAt,
    };

    /// <summary>Everything of the demo seller an intruder might change.</summary>
    private Task<string> SnapshotAsync() => app.QueryAsync(async db =>
    {
        var text = new StringBuilder();
        foreach (var p in await db.Products.Where(p => p.SellerId == DemoSeed.SellerId).OrderBy(p => p.Id).ToListAsync())
            text.AppendLine($"{p.Id} {p.Name} {string.Join(",", p.Topics)}");
        foreach (var p in await db.Prices.Where(p => p.SellerId == DemoSeed.SellerId).OrderBy(p => p.Id).ToListAsync())
            text.AppendLine($"{p.Id} {p.Terms.Amount} {p.Archived}");
        foreach (var v in await db.FunnelVersions.Where(v => v.SellerId == DemoSeed.SellerId).OrderBy(v => v.Id).ToListAsync())
            text.AppendLine($"{v.Id} {v.Number} {v.Status} {v.UpdatedAt:O}");
        var funnel = await db.Funnels.SingleAsync(f => f.Id == DemoSeed.FunnelId);
        text.AppendLine($"{funnel.Name} {funnel.Slug} {funnel.PublishedVersionId}");
        text.AppendLine($"lines {await db.OrderLines.SumAsync(l => l.RefundedAmount)} refunds {await db.Refunds.CountAsync()} keys {await db.SellerApiKeys.CountAsync(k => k.SellerId == DemoSeed.SellerId && k.RevokedAt == null)}");
        text.AppendLine($"sandbox refunds {await db.SandboxRefunds.CountAsync()}");
        foreach (var e in await db.WebhookEndpoints.Where(e => e.SellerId == DemoSeed.SellerId).OrderBy(e => e.Id).ToListAsync())
            text.AppendLine($"{e.Id} {e.Url} {e.DisabledAt:O}");
        foreach (var d in await db.WebhookDeliveries.Where(d => d.SellerId == DemoSeed.SellerId).OrderBy(d => d.Id).ToListAsync())
            text.AppendLine($"{d.Id} {d.Status} {d.NextAttemptAt:O} {d.Attempts}");
        foreach (var s in await db.Subscriptions.Where(s => s.SellerId == DemoSeed.SellerId).OrderBy(s => s.Id).ToListAsync())
            text.AppendLine($"{s.Id} {s.Status} {s.CancelAtPeriodEnd} {s.NextChargeAt:O} {s.FailedAttempts} {s.CanceledAt:O}");
        foreach (var d in await db.Deliverables.Where(d => d.SellerId == DemoSeed.SellerId).OrderBy(d => d.Id).ToListAsync())
            text.AppendLine($"{d.Id} {d.Title} {d.Text} {d.FileId} {d.RemovedAt:O}");
        foreach (var r in await db.BuyerEraseRequests.Where(r => r.SellerId == DemoSeed.SellerId).OrderBy(r => r.Id).ToListAsync())
            text.AppendLine($"{r.Id} {r.ConfirmedAt:O} {r.ConfirmedBy}");
        text.AppendLine($"charges {await db.Charges.CountAsync()} dunning {await db.DunningSettings.CountAsync(d => d.SellerId == DemoSeed.SellerId)}");
        return text.ToString();
    });
}

public sealed class SellerIsolationTests_Sqlite(SqliteApp app) : SellerIsolationTests<SqliteApp>(app);

public sealed class SellerIsolationTests_Postgres(PostgresApp app) : SellerIsolationTests<PostgresApp>(app);
