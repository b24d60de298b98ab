using System.Net;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// Forwarded headers are believed only from the proxies <c>ENCORE_TRUSTED_PROXIES</c> lists (none by default, loopback
/// included), and the seller's cookie is <c>Secure</c> whenever the request is HTTPS, and always in Production.
/// </summary>
public abstract class ProxyAndCookieTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_client_on_loopback_cannot_forge_its_address_into_a_consent_record()
    {
        var recorded = await ConsentAddressAsync(app, from: "127.0.0.1", forwardedFor: "198.51.100.7");
        Assert.Equal("127.0.0.1", recorded);
        Assert.Equal("203.0.113.20", await ConsentAddressAsync(app, from: "203.0.113.20", forwardedFor: "198.51.100.7"));
    }

    [Fact]
    public async Task The_seller_cookie_is_Secure_over_https_and_not_over_http()
    {
        var overHttps = await SignInCookieAsync(app.CreateClient(new Uri("https://shop.example/"), handleCookies: false));
        Assert.Contains("secure", overHttps, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", overHttps, StringComparison.OrdinalIgnoreCase);

        var overHttp = await SignInCookieAsync(app.CreateClient(new Uri("http://shop.example/"), handleCookies: false));
        Assert.DoesNotContain("secure", overHttp, StringComparison.OrdinalIgnoreCase);
        // X-Forwarded-Proto from a client that is no listed proxy changes nothing.
        var forged = await SignInCookieAsync(app.CreateClient(new Uri("http://shop.example/"), handleCookies: false), ("X-Forwarded-Proto", "https"), (TestRemoteAddress.Header, "127.0.0.1"));
        Assert.DoesNotContain("secure", forged, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Checks out and accepts the offer from an address; returns the address the consent record kept.</summary>
    internal static async Task<string?> ConsentAddressAsync(EncoreApp app, string from, string forwardedFor)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, from);
        var buyer = new Buyer(client);
        await buyer.CheckoutAsync();
        await Buyer.ReadAsync(await buyer.AcceptAsync(Buyer.OfferStep, await buyer.DisclosureHashAsync(), forwardedFor: forwardedFor), HttpStatusCode.OK);
        return await app.QueryAsync(db => db.ConsentRecords.Where(c => c.OrderId == buyer.OrderId).Select(c => c.IpAddress).SingleAsync());
    }

    /// <summary>
    /// Signs the demo seller in with a client that keeps no cookies (a cookie jar would not send a Secure cookie back over
    /// http, which is the point), each request with these headers; returns the Set-Cookie header of the seller's cookie.
    /// </summary>
    internal static async Task<string> SignInCookieAsync(HttpClient client, params (string Name, string Value)[] headers) =>
        await SignInCookieAsync(client, DemoSeed.DefaultDemoPassword, headers);

    internal static async Task<string> SignInCookieAsync(HttpClient client, string password, params (string Name, string Value)[] headers)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "/seller/sign-in");
        foreach (var (name, value) in headers) get.Headers.Add(name, value);
        var got = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var antiforgery = got.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        var page = new FormPage(got.StatusCode, await got.Content.ReadAsStringAsync());
        var post = new HttpRequestMessage(HttpMethod.Post, "/seller/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = DemoSeed.DemoLoginEmail, ["Password"] = password, ["__RequestVerificationToken"] = page.AntiforgeryToken,
            }),
        };
        foreach (var (name, value) in headers) post.Headers.Add(name, value);
        post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        var response = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("encore_seller=", StringComparison.Ordinal));
    }
}

public sealed class ProxyAndCookieTests_Sqlite(SqliteApp app) : ProxyAndCookieTests<SqliteApp>(app);

public sealed class ProxyAndCookieTests_Postgres(PostgresApp app) : ProxyAndCookieTests<PostgresApp>(app);

/// <summary>Encore behind the proxies it was told about: 10.0.0.0/8 and 192.0.2.10.</summary>
public sealed class TrustedProxyApp() : EncoreApp(DatabaseKind.Sqlite)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ENCORE_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10");
}

public sealed class TrustedProxyTests(TrustedProxyApp app) : IClassFixture<TrustedProxyApp>
{
    [Fact]
    public async Task A_listed_proxy_is_believed_and_any_other_client_is_not()
    {
        Assert.Equal("198.51.100.7", await ProxyAndCookieTests<TrustedProxyApp>.ConsentAddressAsync(app, from: "10.1.2.3", forwardedFor: "198.51.100.7"));
        Assert.Equal("198.51.100.8", await ProxyAndCookieTests<TrustedProxyApp>.ConsentAddressAsync(app, from: "192.0.2.10", forwardedFor: "198.51.100.8"));
        Assert.Equal("192.0.2.11", await ProxyAndCookieTests<TrustedProxyApp>.ConsentAddressAsync(app, from: "192.0.2.11", forwardedFor: "198.51.100.7"));
        Assert.Equal("127.0.0.1", await ProxyAndCookieTests<TrustedProxyApp>.ConsentAddressAsync(app, from: "127.0.0.1", forwardedFor: "198.51.100.7"));
    }

    [Fact]
    public async Task Https_reported_by_a_listed_proxy_makes_the_seller_cookie_Secure()
    {
        var viaProxy = await ProxyAndCookieTests<TrustedProxyApp>.SignInCookieAsync(app.CreateClient(new Uri("http://shop.example/"), handleCookies: false),
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "198.51.100.7"), (TestRemoteAddress.Header, "10.0.0.2"));
        Assert.Contains("secure", viaProxy, StringComparison.OrdinalIgnoreCase);
        var direct = await ProxyAndCookieTests<TrustedProxyApp>.SignInCookieAsync(app.CreateClient(new Uri("http://shop.example/"), handleCookies: false),
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "198.51.100.7"), (TestRemoteAddress.Header, "203.0.113.5"));
        Assert.DoesNotContain("secure", direct, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Settings Encore cannot act on safely stop it at start, with a message that says what to set.</summary>
public sealed class StartupSettingTests
{
    [Theory]
    [InlineData("ENCORE_TRUSTED_PROXIES", "proxy.internal", "not an IP address")]
    [InlineData("ENCORE_TRUSTED_PROXIES", "10.0.0.1/8", "CIDR")]
    [InlineData("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true", "ENCORE_TRUSTED_PROXIES")]
    public async Task A_setting_that_would_trust_the_wrong_clients_stops_the_start(string name, string value, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-setting-{Guid.NewGuid():N}.db");
        var (exitCode, output) = await EncoreProcess.RunUntilExitAsync($"Data Source={file}",
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development", [name] = value }, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Refusing to start", output);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task In_Production_the_seller_cookie_is_Secure_even_over_http()
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-secure-{Guid.NewGuid():N}.db");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={file}");
            builder.UseSetting("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true");
            builder.UseSetting("Encore:DemoPassword", "a production-grade password");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunBilling", "false");
            builder.UseSetting("Encore:RateLimits:Enabled", "false");
        });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var seller = await ProxyAndCookieTests<SqliteApp>.SignInCookieAsync(client, "a production-grade password");
        Assert.Contains("secure", seller, StringComparison.OrdinalIgnoreCase);
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(path); } catch (IOException) { }
    }
}
