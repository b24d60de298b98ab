using System.Diagnostics.Metrics;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// Gauges read from the database when metrics are collected (a Prometheus scrape, an OTLP export), never on a buyer's
/// request: charges not settled yet by state, and each outbox's backlog and the age of its oldest waiting row. One read
/// (a few counts and oldest-row lookups on the indexed status columns) serves every collection for <see cref="DefaultCacheFor"/>, so a scraper that polls
/// every second costs the database one read per 15 s (<c>Encore:Metrics:GaugeCacheSeconds</c>). Created only when a metrics
/// exporter is on.
/// </summary>
public sealed class OperationsGauges : IDisposable
{
    /// <summary>How long one read of the database serves the gauges, unless <c>Encore:Metrics:GaugeCacheSeconds</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultCacheFor = TimeSpan.FromSeconds(15);

    private static readonly ChargeStatus[] Unsettled = ChargeStates.Open;

    private readonly IDbContextFactory<EncoreDbContext> _contexts;
    private readonly TimeProvider _clock;
    private readonly ILogger<OperationsGauges> _logger;
    private readonly Meter _meter;
    private readonly TimeSpan _cacheFor;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;

    public OperationsGauges(
        IMeterFactory meters, IDbContextFactory<EncoreDbContext> contexts, TimeProvider clock, IConfiguration configuration, ILogger<OperationsGauges> logger)
    {
        _cacheFor = configuration.GetValue<double?>("Encore:Metrics:GaugeCacheSeconds") is >= 0 and var seconds ? TimeSpan.FromSeconds(seconds) : DefaultCacheFor;
        _contexts = contexts;
        _clock = clock;
        _logger = logger;
        _meter = meters.Create(EncoreMetrics.MeterName, "1.0");
        _meter.CreateObservableGauge("encore.charges.unsettled", () => Read().Charges.Select(c =>
                new Measurement<long>(c.Count, new KeyValuePair<string, object?>("status", c.Status.WireName()))),
            "{charge}", "Charges not settled yet, by state: pending (being asked), unknown (the gateway's answer was lost; the reconciler settles it), requires_action (waiting for the buyer's bank).");
        _meter.CreateObservableGauge("encore.charges.unsettled.oldest_age", () => Read().Charges.Select(c =>
                new Measurement<double>(c.OldestAgeSeconds, new KeyValuePair<string, object?>("status", c.Status.WireName()))),
            "s", "Age of the oldest charge in each unsettled state (0 when there is none).");
        _meter.CreateObservableGauge("encore.outbox.backlog", () => Read().Outboxes.Select(o =>
                new Measurement<long>(o.Count, new KeyValuePair<string, object?>("outbox", o.Name))),
            "{message}", "Outbox rows waiting to be sent (e-mails, webhook deliveries), retries included.");
        _meter.CreateObservableGauge("encore.outbox.oldest_age", () => Read().Outboxes.Select(o =>
                new Measurement<double>(o.OldestAgeSeconds, new KeyValuePair<string, object?>("outbox", o.Name))),
            "s", "Age of the oldest row waiting in each outbox (0 when it is empty).");
    }

    private sealed record ChargeGauge(ChargeStatus Status, long Count, double OldestAgeSeconds);

    private sealed record OutboxGauge(string Name, long Count, double OldestAgeSeconds);

    /// <param name="ReadAt">When it was read, in real time (<see cref="System.Diagnostics.Stopwatch"/>); ages are on the app's clock, as the rows' times are.</param>
    private sealed record Snapshot(long ReadAt, IReadOnlyList<ChargeGauge> Charges, IReadOnlyList<OutboxGauge> Outboxes);

    private static readonly Snapshot Nothing = new(0, [], []);

    /// <summary>The last read if fresh, else a new one; a failed read reports nothing (no made-up zeros) and is tried again next time.</summary>
    private Snapshot Read()
    {
        lock (_gate)
        {
            if (_snapshot is { } fresh && System.Diagnostics.Stopwatch.GetElapsedTime(fresh.ReadAt) < _cacheFor) return fresh;
            try
            {
                _snapshot = Query(_clock.GetUtcNow());
                return _snapshot;
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Metrics: the database could not be read for the charge and outbox gauges");
                _snapshot = null;
                return Nothing;
            }
        }
    }

    private Snapshot Query(DateTimeOffset now)
    {
        using var db = _contexts.CreateDbContext();
        double Age(DateTimeOffset? oldest) => oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        var charges = new List<ChargeGauge>();
        foreach (var status in Unsettled)
        {
            var rows = db.Charges.AsNoTracking().Where(c => c.Status == status);
            var count = rows.LongCount();
            var oldest = count == 0 ? null : rows.OrderBy(c => c.CreatedAt).Select(c => (DateTimeOffset?)c.CreatedAt).FirstOrDefault();
            charges.Add(new ChargeGauge(status, count, Age(oldest)));
        }
        var mail = db.EmailMessages.AsNoTracking().Where(m => m.Status == DeliveryStatus.Pending);
        var mailCount = mail.LongCount();
        var hooks = db.WebhookDeliveries.AsNoTracking().Where(d => d.Status == DeliveryStatus.Pending);
        var hookCount = hooks.LongCount();
        return new Snapshot(System.Diagnostics.Stopwatch.GetTimestamp(), charges,
        [
            new OutboxGauge("email", mailCount, Age(mailCount == 0 ? null : mail.OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefault())),
            new OutboxGauge("webhook", hookCount, Age(hookCount == 0 ? null : hooks.OrderBy(d => d.CreatedAt).Select(d => (DateTimeOffset?)d.CreatedAt).FirstOrDefault())),
        ]);
    }

    public void Dispose() => _meter.Dispose();
}
