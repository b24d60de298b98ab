using System.Diagnostics;
using System.Text;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Webhooks;

/// <summary>
/// Sends due webhook deliveries. Each one is claimed first with a lease (a conditional update of
/// <c>LockedUntil</c> that only one worker can win), so instances running side by side never send the same
/// delivery at the same time. At least once: a worker that dies after sending leaves the lease to expire and
/// the delivery is sent again; receivers dedupe on <c>Encore-Event-Id</c>.
/// </summary>
public sealed class WebhookDispatcher(
    EncoreDbContext db,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger)
{
    public const string HttpClientName = "Encore.Webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>One pass: sends what is due now (up to <paramref name="batch"/>); returns how many were attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken, int batch = 50)
    {
        var now = clock.GetUtcNow();
        var due = await OutboxRetry.DueAsync(db.WebhookDeliveries, now, batch, cancellationToken);
        var attempted = 0;
        foreach (var id in due)
        {
            if (!await OutboxRetry.ClaimAsync(db.WebhookDeliveries, id, clock.GetUtcNow(), cancellationToken)) continue;
            await SendAsync(id, cancellationToken);
            attempted++;
        }
        return attempted;
    }

    private async Task SendAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await (
                from d in db.WebhookDeliveries.AsNoTracking()
                join e in db.WebhookEvents on d.EventId equals e.Id
                join p in db.WebhookEndpoints on d.EndpointId equals p.Id
                where d.Id == id
                select new { Delivery = d, e.Payload, EventId = e.Id, p.Url, p.SecretProtected, p.DisabledAt })
            .SingleAsync(cancellationToken);

        int? status = null;
        string? error = null;
        var watch = Stopwatch.StartNew();
        if (row.DisabledAt is not null) error = "The endpoint is disabled.";
        else
        {
            try
            {
                var secret = protection.CreateProtector(WebhookSignature.ProtectorPurpose).Unprotect(row.SecretProtected);
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, row.Url)
                {
                    Content = new StringContent(row.Payload, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.HeaderValue(secret, timestamp, row.Payload));
                request.Headers.Add(WebhookSignature.EventIdHeader, row.EventId.ToString());
                request.Headers.UserAgent.ParseAdd("Encore-Webhooks/1");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Timeout);
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode) error = $"The endpoint answered {status}.";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"No answer within {Timeout.TotalSeconds:0} s.";
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // No connection, TLS, a secret that no longer unseals: an attempt that failed, logged and retried.
                error = exception.Message;
            }
        }
        watch.Stop();

        var now = clock.GetUtcNow();
        var delivery = row.Delivery;
        var attempts = delivery.Attempts + 1;
        var delivered = status is >= 200 and < 300;
        // A disabled endpoint gets nothing more: what was still queued for it is abandoned, and the log says why.
        var abandoned = !delivered && (attempts >= OutboxRetry.MaxAttempts || row.DisabledAt is not null);
        var next = delivered || abandoned ? delivery.NextAttemptAt : now + OutboxRetry.Delay(attempts);
        var newStatus = delivered ? DeliveryStatus.Delivered : abandoned ? DeliveryStatus.Abandoned : DeliveryStatus.Pending;
        var lastError = error is null ? null : OutboxRetry.Truncate(error, 2000);

        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            Id = Guid.CreateVersion7(now), DeliveryId = id, SellerId = delivery.SellerId, AttemptedAt = now,
            StatusCode = status, Error = lastError, DurationMs = (int)Math.Min(watch.ElapsedMilliseconds, int.MaxValue),
        });
        await db.SaveChangesAsync(CancellationToken.None);
        await db.WebhookDeliveries.Where(d => d.Id == id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, newStatus)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, lastError)
                .SetProperty(d => d.DeliveredAt, d => delivered ? now : d.DeliveredAt), CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        if (abandoned) logger.LogWarning("Webhook delivery {DeliveryId} abandoned after {Attempts} attempts", id, attempts);
    }
}

/// <summary>Runs the webhook dispatcher every few seconds.</summary>
public sealed class WebhookDispatcherService(IServiceScopeFactory scopes, ILogger<WebhookDispatcherService> logger, IConfiguration configuration)
    : PeriodicJob(scopes, logger, Every(configuration, "WebhookDispatcher", TimeSpan.FromSeconds(5)))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(cancellationToken);
}
