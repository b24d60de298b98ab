using System.Collections.Concurrent;
using System.Net;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>What a seller's endpoint received: the body as sent, with its headers.</summary>
public sealed record ReceivedWebhook(Uri Url, string Body, string Signature, string EventId);

/// <summary>
/// The webhook HTTP client's primary handler in tests: records every request and answers with the status
/// the test chose (200 unless told otherwise), optionally after a delay.
/// </summary>
public sealed class WebhookReceiver : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<HttpStatusCode>> _answers = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public TimeSpan Delay { get; set; }

    /// <summary>The next answers of the endpoint at <paramref name="url"/>, in order; after them, 200.</summary>
    public void AnswerNext(string url, params HttpStatusCode[] statuses)
    {
        var queue = _answers.GetOrAdd(url, _ => new ConcurrentQueue<HttpStatusCode>());
        foreach (var status in statuses) queue.Enqueue(status);
    }

    public IEnumerable<ReceivedWebhook> For(string url) => Received.Where(r => r.Url.ToString() == url);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        Received.Enqueue(new ReceivedWebhook(
            request.RequestUri!, body,
            request.Headers.GetValues("Encore-Signature").Single(),
            request.Headers.GetValues("Encore-Event-Id").Single()));
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        return new HttpResponseMessage(
            _answers.TryGetValue(request.RequestUri!.ToString(), out var queue) && queue.TryDequeue(out var status) ? status : HttpStatusCode.OK);
    }

    // The HTTP client factory disposes expired handler chains; this one lives as long as the app.
    protected override void Dispose(bool disposing) { }
}
