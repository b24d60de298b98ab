using System.Net;
using Encore.Web.Features.Webhooks;
using Encore.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Web.Tests;

/// <summary>In Production a seller's webhook URL cannot reach Encore's own network.</summary>
public sealed class WebhookNetworkTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("93.184.215.14", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::6810:85e5", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, WebhookNetwork.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task The_production_handler_refuses_to_connect_to_a_private_address()
    {
        using var client = new HttpClient(WebhookNetwork.CreateHandler(allowPrivateNetworks: false));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://127.0.0.1:9/hook", new StringContent("{}")));
        Assert.Contains("public addresses only", refused.Message + refused.InnerException?.Message);
        refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost:9/hook", new StringContent("{}")));
        Assert.Contains("public addresses only", refused.Message + refused.InnerException?.Message);
    }
}

/// <summary>
/// Loopback and private addresses are reachable by webhooks in Development only (not in Staging or any other environment),
/// the environment's proxy variables are never used, and an operator's proxy gets only requests for public hosts.
/// </summary>
public sealed class WebhookEnvironmentTests
{
    [Theory]
    [InlineData("Staging")]
    [InlineData("Testing")]
    [InlineData("Production")]
    public async Task Outside_Development_the_dispatcher_refuses_to_dial_a_private_address(string environment)
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-webhook-env-{Guid.NewGuid():N}.db");
        await using (var factory = Factory(environment, file))
        {
            var client = factory.Services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDispatcher.HttpClientName);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://127.0.0.1:9/hook", new StringContent("{}")));
            Assert.Contains("public addresses only", refused.Message + refused.InnerException?.Message);
        }
        Delete(file);
    }

    [Fact]
    public async Task In_Development_a_seller_may_add_and_reach_a_localhost_endpoint()
    {
        var file = Path.Combine(Path.GetTempPath(), $"encore-webhook-dev-{Guid.NewGuid():N}.db");
        await using (var factory = Factory("Development", file, seedDemo: true))
        await using (var receiver = new RecordingProxy())
        {
            var seller = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var signIn = await FormPage.GetAsync(seller, "/seller/sign-in");
            Assert.Equal(HttpStatusCode.Redirect, (await signIn.PostAsync(seller, "/seller/sign-in",
                ("Email", Encore.Web.Data.DemoSeed.DemoLoginEmail), ("Password", Encore.Web.Data.DemoSeed.DefaultDemoPassword))).StatusCode);
            var page = await FormPage.GetAsync(seller, "/seller/webhooks");
            Assert.Equal(HttpStatusCode.OK, (await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", $"{receiver.Address}hook"))).StatusCode);

            var client = factory.Services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDispatcher.HttpClientName);
            var answer = await client.PostAsync($"{receiver.Address}hook", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode); // the stand-in answers 502 to everything: it was reached
            Assert.Contains("POST /hook HTTP/1.1", receiver.RequestLines);
        }
        Delete(file);
    }

    [Fact]
    public async Task A_configured_proxy_is_sent_requests_for_public_hosts_only()
    {
        await using var proxy = new RecordingProxy();
        using var client = new HttpClient(WebhookNetwork.CreateHandler(allowPrivateNetworks: false, proxy.Address));
        foreach (var url in new[] { "http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://127.0.0.1:9/hook", "http://[fd00::1]/hook" })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));
            Assert.Contains("public addresses only", refused.Message + refused.InnerException?.Message);
        }
        Assert.Empty(proxy.RequestLines);

        // A public address goes to the proxy (which may itself be on a private address: the operator chose it).
        var answer = await client.PostAsync("http://93.184.215.14/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        Assert.Equal("POST http://93.184.215.14/hook HTTP/1.1", Assert.Single(proxy.RequestLines));
    }

    [Fact]
    public async Task The_environment_proxy_variables_are_not_used_for_webhooks()
    {
        // In a process of its own: HTTPS_PROXY is read once per process, and the tests' own process must not route through it.
        await using var proxy = new RecordingProxy();
        var file = Path.Combine(Path.GetTempPath(), $"encore-webhook-proxy-{Guid.NewGuid():N}.db");
        await using (var encore = await EncoreProcess.StartAsync($"Data Source={file}", new Dictionary<string, string>
                     {
                         ["HTTPS_PROXY"] = proxy.Address.ToString(), ["HTTP_PROXY"] = proxy.Address.ToString(),
                         ["Encore__Jobs__WebhookDispatcherSeconds"] = "1",
                     }))
        {
            var seller = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseProxy = false })
            {
                BaseAddress = new Uri(encore.Url),
            };
            var signIn = await FormPage.GetAsync(seller, "/seller/sign-in");
            Assert.Equal(HttpStatusCode.Redirect, (await signIn.PostAsync(seller, "/seller/sign-in",
                ("Email", Encore.Web.Data.DemoSeed.DemoLoginEmail), ("Password", Encore.Web.Data.DemoSeed.DefaultDemoPassword))).StatusCode);
            var page = await FormPage.GetAsync(seller, "/seller/webhooks");
            Assert.Equal(HttpStatusCode.OK, (await page.PostAsync(seller, "/seller/webhooks?handler=create", ("url", "https://hooks.invalid/encore"))).StatusCode);
            using var buyerClient = new HttpClient(new HttpClientHandler { UseProxy = false }) { BaseAddress = new Uri(encore.Url) };
            await new Buyer(buyerClient).CheckoutAsync();

            // Wait for the dispatcher's first attempt (it fails: hooks.invalid does not resolve, and no proxy is asked).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await AttemptsAsync(file) == 0 && DateTime.UtcNow < deadline) await Task.Delay(250);
            Assert.True(await AttemptsAsync(file) > 0, "The dispatcher made no attempt:\n" + encore.Output);
        }
        Assert.Empty(proxy.RequestLines);
        Delete(file);
    }

    private static async Task<long> AttemptsAsync(string file)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhook_attempts";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static WebApplicationFactory<Program> Factory(string environment, string file, bool seedDemo = false) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("ENCORE_DATABASE", $"Data Source={file}");
            builder.UseSetting("ENCORE_ALLOW_SANDBOX_IN_PRODUCTION", "true");
            builder.UseSetting("Encore:DemoPassword", seedDemo ? Encore.Web.Data.DemoSeed.DefaultDemoPassword : "a production-grade password");
            builder.UseSetting("Encore:SeedDemo", seedDemo ? "true" : "false");
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunBilling", "false");
            builder.UseSetting("Encore:RunWebhookDispatcher", "false");
            builder.UseSetting("Encore:RateLimits:Enabled", "false");
        });

    private static void Delete(string file)
    {
        foreach (var path in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(path); } catch (IOException) { }
    }
}
