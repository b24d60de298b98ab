using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>A response the fake served: its route as mapped (<c>POST /v1/payment_intents/{id}/confirm</c>), status and body.</summary>
public sealed record FakeStripeResponse(string Route, int Status, string Body);

/// <summary>A request parameter by route, as sent (<c>metadata[encore_order]</c>, <c>expand[0]</c>, <c>created[gte]</c>).</summary>
public sealed record FakeStripeParameter(string Route, string Name);

/// <summary>
/// What the fake served and read, kept for <see cref="FakeStripeConformance"/>: every response (whatever wrote it), every
/// parameter a request that ran sent, and every parameter the fake read through <see cref="Form"/>. A request no route matched is
/// recorded under <c>(no route) METHOD /path</c>, so that a call the fake does not serve is seen as well.
/// </summary>
public sealed partial class FakeStripeServer
{
    private const string NoRoute = "(no route)";
    private const string SentItem = "fake-stripe-form";
    private const string DroppedItem = "fake-stripe-dropped";

    /// <summary>Drops the connection without an answer (a fault): nothing is served, so nothing is recorded.</summary>
    private static void Drop(HttpContext context)
    {
        context.Items[DroppedItem] = true;
        context.Abort();
    }

    private readonly ConcurrentQueue<FakeStripeResponse> _served = new();
    private readonly ConcurrentDictionary<FakeStripeParameter, byte> _read = new();
    private readonly ConcurrentDictionary<FakeStripeParameter, byte> _sent = new();

    public IReadOnlyList<FakeStripeResponse> Served => [.. _served];

    public IReadOnlyCollection<FakeStripeParameter> ParametersRead => [.. _read.Keys];

    public IReadOnlyCollection<FakeStripeParameter> ParametersSent => [.. _sent.Keys];

    /// <summary>Whether a route is one of the fake's own (test-only, not Stripe's): its traffic is not held against Stripe.net.</summary>
    public static bool IsFakesOwn(string route) => route.Contains(" /fake/", StringComparison.Ordinal);

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var route = RouteOf(context);
        var original = context.Response.Body;
        using var copy = new MemoryStream();
        context.Response.Body = copy;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Items.ContainsKey(DroppedItem) || context.RequestAborted.IsCancellationRequested) return; // nothing reached the caller
        var status = context.Response.StatusCode;
        _served.Enqueue(new(route, status, Encoding.UTF8.GetString(copy.ToArray())));
        // What a request that ran sent (an early refusal reads only what it needed to refuse).
        if (status is >= 200 and < 300 or 402)
        {
            var body = context.Items.TryGetValue(SentItem, out var form) ? ((IFormCollection)form!).Keys : [];
            foreach (var name in context.Request.Query.Keys.Concat(body)) _sent.TryAdd(new(route, name), 0);
        }
        copy.Position = 0;
        await copy.CopyToAsync(original);
    }

    /// <summary>A request's form-encoded body, read through <see cref="Form"/> (what it sent and what the fake reads are recorded).</summary>
    private Form ReadForm(IFormCollection form, HttpContext context)
    {
        var route = RouteOf(context);
        context.Items[SentItem] = form;
        return new Form(form, name => _read.TryAdd(new(route, name), 0));
    }

    /// <summary>A request's query string, read through <see cref="Form"/>.</summary>
    private Form QueryOf(HttpContext context)
    {
        var route = RouteOf(context);
        return new Form(context.Request.Query, name => _read.TryAdd(new(route, name), 0));
    }

    private static string RouteOf(HttpContext context) => context.GetEndpoint() is RouteEndpoint endpoint
        ? $"{context.Request.Method} {endpoint.RoutePattern.RawText}"
        : $"{NoRoute} {context.Request.Method} {context.Request.Path}";
}
