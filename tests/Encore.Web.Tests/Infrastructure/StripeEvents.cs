using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Stripe's webhook events as Stripe sends them to <c>/webhooks/stripe</c>: the event JSON, signed with the endpoint's secret.</summary>
public static class StripeEvents
{
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string body, string secret = EncoreApp.StripeWebhookSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", Sign(body, secret));
        return client.SendAsync(request);
    }

    /// <summary>An event as Stripe renders it for an endpoint of <paramref name="apiVersion"/>: by default Stripe.net's pinned version, as the README asks.</summary>
    public static string Event(string id, string type, JsonObject data, string? apiVersion = null) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = apiVersion ?? global::Stripe.StripeConfiguration.ApiVersion, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false, ["type"] = type, ["data"] = new JsonObject { ["object"] = data },
    }.ToJsonString();

    /// <summary>Stripe's scheme: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.</summary>
    public static string Sign(string body, string secret)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
