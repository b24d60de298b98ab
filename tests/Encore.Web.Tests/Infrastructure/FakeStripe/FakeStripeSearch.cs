using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>How the fake answers <c>GET /v1/payment_intents/search</c> besides lagging (<see cref="FakeStripeServer.SearchLags"/>).</summary>
public enum FakeSearchRefusal
{
    None,

    /// <summary>400, as for an account Stripe offers no Search to (merchants in India, for one).</summary>
    NotAvailable,

    /// <summary>403, as for a restricted key without the permission.</summary>
    Forbidden,

    /// <summary>503: Search itself is down, the rest of the API answers.</summary>
    Unavailable,
}

/// <summary>Search refused or down while lists still answer: what Encore must do without it.</summary>
public sealed partial class FakeStripeServer
{
    public FakeSearchRefusal SearchRefusal { get; set; }

    /// <summary>Search calls that reached the fake, refused ones included.</summary>
    public int SearchCalls => Volatile.Read(ref _searchCalls);

    private int _searchCalls;

    /// <summary>The refusal for a search call, written; null when search answers.</summary>
    private Task? RefuseSearch(HttpContext context)
    {
        Interlocked.Increment(ref _searchCalls);
        (int Status, JsonObject Body)? refusal = SearchRefusal switch
        {
            FakeSearchRefusal.NotAvailable => (400, Error("invalid_request_error", null, "Search is not available for this account.")),
            FakeSearchRefusal.Forbidden => (403, Error("invalid_request_error", null,
                "The provided key does not have the required permissions for this endpoint.")),
            FakeSearchRefusal.Unavailable => (503, Error("api_error", null, "Search is temporarily unavailable (fake).")),
            _ => null,
        };
        return refusal is { } r ? WriteAsync(context, r.Status, r.Body) : null;
    }
}
