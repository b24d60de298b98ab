using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Encore.Bench;

/// <summary>
/// Vendure's checkout over its Shop GraphQL API (bench/peer/vendure), each in a fresh guest session: the first call
/// opens the session (Vendure answers with a vendure-auth-token header) and the others send it as a bearer token.
/// addItemToOrder, setCustomerForOrder (a new e-mail each time), setOrderShippingAddress, setOrderShippingMethod,
/// transitionOrderToState(ArrangingPayment), addPaymentToOrder with the dummy handler; the order must end
/// PaymentSettled (the payment method is set to settle at once), anything else counts as an error.
/// </summary>
public static class VendurePeer
{
    private static readonly string[] CallNames =
        ["addItemToOrder", "setCustomerForOrder", "setOrderShippingAddress", "setOrderShippingMethod", "transitionOrderToState", "addPaymentToOrder"];

    private const string OrderResult = "__typename ... on Order { id code state totalWithTax } ... on ErrorResult { errorCode message }";

    public static async Task<CheckoutResult> RunAsync(string shopApiUrl, TimeSpan duration, int concurrency, string name = "Vendure")
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(shopApiUrl), Timeout = TimeSpan.FromSeconds(30) };
        var setup = await DiscoverAsync(client);

        var loop = new CheckoutLoop(name, CallNames);
        return await loop.RunAsync(concurrency, duration, async (_, attempt) =>
        {
            string? token = null;
            async Task<JsonObject> Call(string name, string query, object variables, string field)
            {
                var response = await attempt.Timed(name, () => client.SendAsync(Request(query, variables, token)));
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{name} {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                if (response.Headers.TryGetValues("vendure-auth-token", out var tokens)) token = tokens.First();
                var body = await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException($"{name}: empty body");
                if (body["errors"] is JsonArray errors) throw new InvalidOperationException($"{name}: {errors.ToJsonString()}");
                if (body["data"]?[field] is not JsonObject result || result["__typename"]?.GetValue<string>() != "Order")
                    throw new InvalidOperationException($"{name}: {body["data"]?[field]?.ToJsonString()}");
                return result;
            }

            await Call("addItemToOrder", $"mutation($id: ID!) {{ addItemToOrder(productVariantId: $id, quantity: 1) {{ {OrderResult} }} }}",
                new { id = setup.VariantId }, "addItemToOrder");
            if (token is null) throw new InvalidOperationException("addItemToOrder: no vendure-auth-token header");
            await Call("setCustomerForOrder", $"mutation($input: CreateCustomerInput!) {{ setCustomerForOrder(input: $input) {{ {OrderResult} }} }}",
                new { input = new { emailAddress = $"bench-{Guid.NewGuid():N}@example.com", firstName = "Bench", lastName = "Buyer" } }, "setCustomerForOrder");
            await Call("setOrderShippingAddress", $"mutation($input: CreateAddressInput!) {{ setOrderShippingAddress(input: $input) {{ {OrderResult} }} }}",
                new { input = new { fullName = "Bench Buyer", streetLine1 = "1 High Street", city = "London", postalCode = "N1 1AA", countryCode = setup.CountryCode } },
                "setOrderShippingAddress");
            await Call("setOrderShippingMethod", $"mutation($ids: [ID!]!) {{ setOrderShippingMethod(shippingMethodId: $ids) {{ {OrderResult} }} }}",
                new { ids = new[] { setup.ShippingMethodId } }, "setOrderShippingMethod");
            await Call("transitionOrderToState", $"mutation {{ transitionOrderToState(state: \"ArrangingPayment\") {{ {OrderResult} }} }}",
                new { }, "transitionOrderToState");
            var paid = await Call("addPaymentToOrder", $"mutation($input: PaymentInput!) {{ addPaymentToOrder(input: $input) {{ {OrderResult} }} }}",
                new { input = new { method = setup.PaymentMethodCode, metadata = new { shouldDecline = false } } }, "addPaymentToOrder");
            if (paid["state"]?.GetValue<string>() != "PaymentSettled") throw new InvalidOperationException($"order ended {paid["state"]}");
        });
    }

    private sealed record Setup(string VariantId, string ShippingMethodId, string PaymentMethodCode, string CountryCode);

    /// <summary>The variant, shipping method and payment method the seed created, found through one untimed guest order.</summary>
    private static async Task<Setup> DiscoverAsync(HttpClient client)
    {
        async Task<(JsonObject Data, string? Token)> Query(string query, object variables, string? token)
        {
            using var response = await client.SendAsync(Request(query, variables, token));
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            if (body?["data"] is not JsonObject data || body["errors"] is not null) throw new InvalidOperationException($"Vendure setup: {body?.ToJsonString()}");
            return (data, response.Headers.TryGetValues("vendure-auth-token", out var tokens) ? tokens.First() : token);
        }

        var (products, _) = await Query("{ products(options: { take: 1 }) { items { variants { id } } } availableCountries { code } }", new { }, null);
        var variantId = products["products"]!["items"]![0]!["variants"]![0]!["id"]!.GetValue<string>();
        var country = products["availableCountries"]![0]!["code"]!.GetValue<string>();
        var (_, token) = await Query($"mutation($id: ID!) {{ addItemToOrder(productVariantId: $id, quantity: 1) {{ {OrderResult} }} }}", new { id = variantId }, null);
        var (methods, _) = await Query("{ eligibleShippingMethods { id } eligiblePaymentMethods { code isEligible } }", new { }, token);
        var shippingId = methods["eligibleShippingMethods"]![0]!["id"]!.GetValue<string>();
        var payment = methods["eligiblePaymentMethods"]!.AsArray().First(m => m!["isEligible"]!.GetValue<bool>())!["code"]!.GetValue<string>();
        return new Setup(variantId, shippingId, payment, country);
    }

    private static HttpRequestMessage Request(string query, object variables, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
