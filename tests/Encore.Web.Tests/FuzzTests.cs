using System.Net;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.Web.Tests;

/// <summary>
/// Hostile input on every route the app maps: malformed and adversarial requests, seeded so a failure can be
/// replayed. Nothing may answer 5xx, nothing may be logged as an unhandled exception, and no row may change.
/// </summary>
public abstract class FuzzTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    public const int Requests = 10_000;

    /// <summary>The seller whose API key the fuzzer holds: a valid call on its own account may change its own rows.</summary>
    private const string IntruderName = "Fuzz Intruder";

    private static readonly string[] Nasty =
    [
        "", " ", "null", "-1", "0", "-9223372036854775808", "9223372036854775807", "99999999999999999999999", "1e309", "NaN",
        "' OR 1=1 --", "'; DROP TABLE orders; --", "\" OR \"\"=\"", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "../../etc/passwd", "%00", "\u0000", "\ud83d\ude00", "€", "ÿ", new string('A', 5000), "current", "00000000-0000-0000-0000-000000000000",
        "{{7*7}}", "${jndi:ldap://x}", "true", "[]", "{}",
    ];

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_log_no_unhandled_exception_and_change_nothing()
    {
        // Real buyers first: their tokens and ids are what an attacker would try. Their paths are over, so no hostile call can move them on.
        var spent = new List<string>();
        var ids = new List<string> { Guid.NewGuid().ToString() };
        for (var i = 0; i < 2; i++)
        {
            var buyer = new Buyer(app.CreateClient());
            var checkout = await buyer.CheckoutAsync();
            await buyer.AcceptCurrentAsync(Buyer.OfferStep);
            spent.Add(buyer.Token!);
            spent.Add(checkout["receiptUrl"]!.GetValue<string>()["/r/".Length..]);
            ids.Add(buyer.OrderId.ToString());
        }
        ids.AddRange([Buyer.OfferStep.ToString(), Buyer.Bump.ToString(), DemoSeed.FunnelId.ToString(), DemoSeed.VersionId.ToString()]);
        var intruderKey = await Sellers.CreateApiKeyAsync((await app.SignUpAsync(IntruderName)).Client);

        var before = await SnapshotAsync();
        var errorsBefore = UnhandledErrors().Count;
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]))
            .Where(r => !r.Pattern.StartsWith("/openapi", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 30, $"Only {routes.Count} routes found");

        var random = new Random(20261125);
        string Pick(IReadOnlyList<string> values) => values[random.Next(values.Count)];
        string Value() => random.Next(4) switch { 0 => Pick(spent), 1 => Pick(ids), _ => Pick(Nasty) };
        // The test server refuses a NUL in a path before the app sees it (Kestrel answers 400 itself): keep NULs to bodies and queries.
        string PathValue() => Value() is var v && (v.Contains('\0') || v == "%00") ? "x" : v;

        var anonymous = app.CreateClient();
        var withKey = app.ApiClient(intruderKey);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var (pattern, methods) = routes[random.Next(routes.Count)];
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", _ => Uri.EscapeDataString(PathValue()));
            if (random.Next(5) == 0) path += "?" + Uri.EscapeDataString(Pick(["handler", "from", "to", "page", "q", "versionId", "notice"])) + "=" + Uri.EscapeDataString(Value());
            var method = Pick([.. methods]);
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT")
            {
                request.Content = Body(random, Value);
                if (random.Next(2) == 0) request.Headers.TryAddWithoutValidation("Idempotency-Key", Value());
            }
            if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Value());
            var client = pattern.StartsWith("/api/v1/seller", StringComparison.Ordinal) && random.Next(2) == 0 ? withKey : anonymous;
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (Exception exception)
            {
                failures.Add($"{method} {path[..Math.Min(path.Length, 120)]}: threw {exception.GetType().Name}: {exception.Message}");
                continue;
            }
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode is 200 or 201 && method is "POST" or "PUT")
                TestContext.Current.TestOutputHelper?.WriteLine($"accepted: {method} {path[..Math.Min(path.Length, 120)]}");
            if ((int)response.StatusCode >= 500)
                failures.Add($"{method} {path[..Math.Min(path.Length, 120)]}: {(int)response.StatusCode}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine("Statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Distinct().Take(30)));
        var unhandled = UnhandledErrors().Skip(errorsBefore).ToList();
        Assert.True(unhandled.Count == 0, string.Join("\n", unhandled.Take(5)));
        Assert.Equal(before, await SnapshotAsync());
    }

    private List<string> UnhandledErrors() =>
        app.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message[..Math.Min(e.Message.Length, 2500)]}").ToList();

    private static HttpContent Body(Random random, Func<string> value)
    {
        string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
        var body = random.Next(9) switch
        {
            0 => "{",
            1 => "not json at all",
            2 => $"{{\"amount\": {value()}, \"currency\": {Json(value())}}}",
            3 => $"{{\"funnel\": {Json(value())}, \"email\": {Json(value())}, \"name\": {Json(value())}, \"paymentMethod\": {Json(value())}, \"bumps\": [{Json(value())}], \"savePaymentMethodForOffers\": {value()}}}",
            4 => $"{{\"stepId\": {Json(value())}, \"disclosureSha256\": {Json(value())}}}",
            5 => $"{{\"name\": {Json(value())}, \"topics\": [{Json(value())}, 7, null], \"main\": {{\"priceId\": {Json(value())}}}, \"steps\": [{{\"id\": {Json(value())}, \"onDecline\": {Json(value())}}}]}}",
            6 => "[" + string.Join(",", Enumerable.Repeat("{\"a\":[[[[[[1]]]]]]}", 2000)) + "]",
            7 => $"{{\"amount\": 1, \"reason\": {Json(new string('x', 100_000))}}}",
            _ => "{\"amount\": -5, \"stepId\": 12, \"bumps\": \"x\", \"recurring\": {\"interval\": 3, \"intervalCount\": -1}}",
        };
        return random.Next(6) == 0
            ? new FormUrlEncodedContent([new("Input.Email", value()), new("__RequestVerificationToken", value()), new("amount", value()), new("stepId", value())])
            : new StringContent(body, Encoding.UTF8, random.Next(8) == 0 ? "text/plain" : "application/json");
    }

    /// <summary>
    /// Every table a request could write, by row count and a checksum of the money columns; the fuzzing seller's
    /// own catalogue is left out (a well-formed call on its own account is a valid call).
    /// </summary>
    private Task<string> SnapshotAsync() => app.QueryAsync(async db =>
    {
        var others = db.Sellers.Where(s => s.Name != IntruderName).Select(s => s.Id);
        return string.Join(" ",
            await db.Orders.CountAsync(), await db.OrderLines.CountAsync(), await db.OrderLines.SumAsync(l => l.RefundedAmount),
            await db.Charges.CountAsync(), await db.Charges.CountAsync(c => c.Status == Encore.Web.Data.Entities.ChargeStatus.Succeeded),
            await db.ConsentRecords.CountAsync(), await db.Refunds.CountAsync(), await db.PostPurchaseSessions.CountAsync(),
            await db.StepVisits.CountAsync(), await db.Products.CountAsync(p => others.Contains(p.SellerId)), await db.Prices.CountAsync(p => others.Contains(p.SellerId)),
            await db.Funnels.CountAsync(f => others.Contains(f.SellerId)), await db.FunnelVersions.CountAsync(v => others.Contains(v.SellerId)),
            await db.WebhookEndpoints.CountAsync(e => others.Contains(e.SellerId)), await db.WebhookDeliveries.CountAsync(),
            await db.SellerApiKeys.CountAsync(), await db.Users.CountAsync(), await db.SandboxPaymentIntents.CountAsync(),
            await db.SandboxRefunds.CountAsync(), await db.IdempotencyRecords.CountAsync(), await db.EmailMessages.CountAsync());
    });
}

public sealed class FuzzTests_Sqlite(SqliteApp app) : FuzzTests<SqliteApp>(app);

public sealed class FuzzTests_Postgres(PostgresApp app) : FuzzTests<PostgresApp>(app);
