using System.Net;
using Encore.Web.Features.Webhooks;

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
