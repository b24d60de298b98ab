using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>
/// An event the fake made, as Stripe makes one when an object changes: its body holds the object as it was at that
/// moment. It is sent to Encore only when the test says so, and Stripe-like, until Encore answers 2xx.
/// </summary>
public sealed class FakeEvent(string id, string type, string objectId, string body)
{
    private readonly List<HttpStatusCode> _answers = [];

    public string Id { get; } = id;
    public string Type { get; } = type;

    /// <summary>The id of the object in <c>data.object</c> (a PaymentIntent, a Refund, a Charge).</summary>
    public string ObjectId { get; } = objectId;

    /// <summary>The exact bytes Stripe signs and sends.</summary>
    public string Body { get; } = body;

    /// <summary>Encore's answer to each delivery, in order.</summary>
    public IReadOnlyList<HttpStatusCode> Answers
    {
        get { lock (_answers) return [.. _answers]; }
    }

    public bool Delivered
    {
        get { lock (_answers) return _answers.Any(a => (int)a is >= 200 and < 300); }
    }

    internal void Answered(HttpStatusCode status)
    {
        lock (_answers) _answers.Add(status);
    }
}

/// <summary>
/// Webhooks: every change of an intent, a charge's refunds or a refund makes a <see cref="FakeEvent"/> (Stripe's shape:
/// <c>id</c>, <c>type</c>, <c>api_version</c>, <c>data.object</c>), kept until the test delivers it, signed with the
/// endpoint's secret, to Encore's <c>/webhooks/stripe</c>, at the moment and in the order it chooses:
/// <see cref="DeliverAsync"/> now, or <see cref="BeforeNextCall"/> while Encore is in the middle of a call (the race
/// of a webhook with the answer to the request that caused it).
/// </summary>
public sealed partial class FakeStripeServer
{
    private sealed record CallHook(string Method, Regex Path, Func<string, Task> Action);

    private readonly List<FakeEvent> _events = [];
    private readonly List<CallHook> _hooks = [];
    private Func<HttpClient>? _webhookClient;
    private Func<string, string> _sign = _ => "";

    /// <summary>The clock the fake's <c>created</c> times follow (Stripe's test clocks): the app's, so that both agree when a test moves time.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>The API version events are rendered in: Stripe.net's pinned version, as Encore's README asks of the endpoint.</summary>
    public string WebhookApiVersion { get; set; } = global::Stripe.StripeConfiguration.ApiVersion;

    /// <summary>Every event made so far, oldest first.</summary>
    public IReadOnlyList<FakeEvent> Events
    {
        get { lock (_lock) return [.. _events]; }
    }

    /// <summary>
    /// Where events go: the endpoint <c>/webhooks/stripe</c> of the client's app, each with the <c>Stripe-Signature</c>
    /// <paramref name="sign"/> makes for its body (the web tests' <c>StripeEvents.Sign</c> with the endpoint's secret).
    /// </summary>
    public void SendWebhooksTo(Func<HttpClient> client, Func<string, string> sign)
    {
        _webhookClient = client;
        _sign = sign;
    }

    /// <summary>
    /// Sends the events not yet delivered (answered 2xx) that match <paramref name="which"/>, oldest first or newest first,
    /// one at a time, each after Encore answered the one before. Returns them.
    /// </summary>
    public async Task<IReadOnlyList<FakeEvent>> DeliverAsync(Func<FakeEvent, bool>? which = null, bool newestFirst = false)
    {
        var due = Events.Where(e => !e.Delivered && (which is null || which(e))).ToList();
        if (newestFirst) due.Reverse();
        foreach (var e in due) await SendAsync(e);
        return due;
    }

    /// <summary>Sends one event again, whatever Encore answered before (Stripe's retry, or a redelivery from its Dashboard).</summary>
    public Task<HttpStatusCode> SendAsync(FakeEvent e)
    {
        var client = _webhookClient ?? throw new InvalidOperationException("SendWebhooksTo was not called: the fake has no endpoint to send events to.");
        return SendAsync(client(), e);
    }

    private async Task<HttpStatusCode> SendAsync(HttpClient client, FakeEvent e)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(e.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", _sign(e.Body));
        using var response = await client.SendAsync(request);
        e.Answered(response.StatusCode);
        return response.StatusCode;
    }

    /// <summary>
    /// Runs <paramref name="action"/> (given the <c>{id}</c> of the path) when the next call matching <paramref name="method"/>
    /// and <paramref name="pathTemplate"/> (e.g. <c>/v1/payment_intents/{id}/confirm</c>) reaches the fake, before the fake
    /// handles it; once. E.g. deliver the payment's failure event before answering Encore's confirmation of it.
    /// </summary>
    public void BeforeNextCall(string method, string pathTemplate, Func<string, Task> action)
    {
        var pattern = "^" + Regex.Escape(pathTemplate).Replace(@"\{id}", "(?<id>[^/]+)", StringComparison.Ordinal) + "$";
        lock (_lock) _hooks.Add(new CallHook(method, new Regex(pattern), action));
    }

    /// <summary>Runs the armed hooks a call matches (outside the fake's lock: Encore may call the fake meanwhile).</summary>
    private void UseCallHooks(WebApplication app) => app.Use(async (context, next) =>
    {
        List<(CallHook Hook, string Id)> due;
        lock (_lock)
        {
            due = _hooks.Select(h => (Hook: h, Match: h.Path.Match(context.Request.Path.Value ?? "")))
                .Where(h => h.Hook.Method == context.Request.Method && h.Match.Success)
                .Select(h => (h.Hook, h.Match.Groups["id"].Value)).ToList();
            foreach (var (hook, _) in due) _hooks.Remove(hook);
        }
        foreach (var (hook, id) in due) await hook.Action(id);
        await next(context);
    });

    /// <summary>Records an event for a change that just happened (call while holding the fake's lock, as the change does).</summary>
    private void Emit(string type, JsonObject obj)
    {
        var id = NewId("evt");
        var body = new JsonObject
        {
            ["id"] = id, ["object"] = "event", ["api_version"] = WebhookApiVersion, ["created"] = Now(), ["livemode"] = false,
            ["pending_webhooks"] = 1, ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type, ["data"] = new JsonObject { ["object"] = obj.DeepClone() },
        }.ToJsonString();
        _events.Add(new FakeEvent(id, type, obj["id"]!.GetValue<string>(), body));
    }

    /// <summary>The events of a PaymentIntent that has just changed status, as Stripe sends them.</summary>
    private void EmitIntentChanged(Intent intent)
    {
        var type = intent.Status switch
        {
            "succeeded" => "payment_intent.succeeded",
            "requires_action" => "payment_intent.requires_action",
            "requires_payment_method" when intent.LastPaymentError is not null => "payment_intent.payment_failed",
            "canceled" => "payment_intent.canceled",
            _ => null,
        };
        if (type is not null) Emit(type, IntentJson(intent, expand: false));
    }
}
