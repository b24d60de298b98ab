using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Offers;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// Encore's own counters on the <c>System.Diagnostics.Metrics</c> meter <c>Encore</c>: checkouts, offer decisions,
/// charges by kind and state, billing runs and renewals. Each is one <see cref="Counter{T}.Add(T)"/> on the buyer's
/// path, nothing read, nothing written: with no listener (neither OTLP nor Prometheus on) an instrument is disabled and
/// the call returns at once. Gauges read from the database live in <see cref="OperationsGauges"/>. The README's "Health
/// and metrics" lists every instrument with its name, type and labels.
/// </summary>
public static class EncoreMetrics
{
    public const string MeterName = "Encore";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Checkouts = Meter.CreateCounter<long>(
        "encore.checkouts", "{checkout}", "Checkouts placed or refused, by outcome.");

    private static readonly Counter<long> OfferAccepts = Meter.CreateCounter<long>(
        "encore.offers.accepts", "{accept}", "One-click accepts of an offer or downsell, by what the buyer was answered.");

    private static readonly Counter<long> OfferDeclines = Meter.CreateCounter<long>(
        "encore.offers.declines", "{decline}", "Declines of an offer or downsell, by outcome.");

    private static readonly Counter<long> Charges = Meter.CreateCounter<long>(
        "encore.charges", "{charge}",
        "Charges entering a state, by kind (checkout, offer, renewal) and state (pending when the gateway is called; unknown, requires_action, succeeded, failed once recorded).");

    private static readonly Counter<long> BillingRuns = Meter.CreateCounter<long>(
        "encore.billing.runs", "{run}", "Billing passes (reminders, period ends, renewals, dunning), by outcome.");

    private static readonly Histogram<double> BillingRunDuration = Meter.CreateHistogram<double>(
        "encore.billing.run.duration", "s", "How long a billing pass took.");

    private static readonly Counter<long> Renewals = Meter.CreateCounter<long>(
        "encore.billing.renewals", "{renewal}", "Renewal charges a billing pass attempted (their results: encore.charges with kind=renewal).");

    public static void CheckoutDone(CheckoutResult result) =>
        Checkouts.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome switch
        {
            CheckoutOutcome.Placed => result.Next switch
            {
                CheckoutNext.RequiresAction => "requires_action",
                CheckoutNext.Processing => "processing",
                _ => "paid",
            },
            CheckoutOutcome.Declined => "declined",
            CheckoutOutcome.Invalid => "invalid",
            CheckoutOutcome.FunnelNotFound => "funnel_not_found",
            CheckoutOutcome.GatewayUnavailable => "gateway_unavailable",
            _ => "other",
        }));

    /// <summary>A checkout that threw (a bug or the database down): the buyer got an error page or a 500.</summary>
    public static void CheckoutFailed() => Checkouts.Add(1, new KeyValuePair<string, object?>("outcome", "error"));

    public static void AcceptDone(AcceptResult result) =>
        OfferAccepts.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome switch
        {
            AcceptOutcome.Accepted => "accepted",
            AcceptOutcome.PaymentFailed => "payment_failed",
            AcceptOutcome.RequiresAction => "requires_action",
            AcceptOutcome.Processing => "processing",
            _ => "rejected",
        }));

    public static void DeclineDone(DeclineResult result) =>
        OfferDeclines.Add(1, new KeyValuePair<string, object?>("outcome", result.Rejection is null ? "declined" : "rejected"));

    /// <summary>Encore calls the gateway for a recorded charge (or settles a charge of nothing without it).</summary>
    public static void ChargeCalled(ChargeKind kind) => CountCharge(kind, ChargeStatus.Pending);

    /// <summary>
    /// A charge moved to <paramref name="status"/> on <paramref name="db"/>: counted when the move's transaction commits
    /// (a move rolled back with its transaction is not counted, and is counted later by whoever records it for good).
    /// </summary>
    public static void ChargeMoved(DbContext db, ChargeKind kind, ChargeStatus status)
    {
        if (!Charges.Enabled) return;
        CommitHooks.AfterCommit(db, () => CountCharge(kind, status));
    }

    private static void CountCharge(ChargeKind kind, ChargeStatus status) =>
        Charges.Add(1,
            new KeyValuePair<string, object?>("kind", kind switch
            {
                ChargeKind.Checkout => "checkout",
                ChargeKind.Offer => "offer",
                ChargeKind.Renewal => "renewal",
                _ => kind.ToString().ToLowerInvariant(),
            }),
            new KeyValuePair<string, object?>("status", status.WireName()));

    public static void BillingRunDone(long startedTimestamp, bool succeeded)
    {
        BillingRuns.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "completed" : "failed"));
        BillingRunDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
    }

    public static void RenewalAttempted(int count = 1) => Renewals.Add(count);
}

/// <summary>
/// Runs an action once the DbContext's current transaction commits (at once when there is none), so a counter counts
/// what the database kept. An EF Core transaction interceptor, registered on Encore's contexts by
/// <see cref="OperationsRegistration"/>; the pending actions hang off the ADO.NET transaction and are dropped with it
/// when it rolls back, or when a reused transaction object (Npgsql keeps one per connection) starts again.
/// </summary>
public sealed class CommitHooks : DbTransactionInterceptor
{
    public static readonly CommitHooks Instance = new();

    private static readonly ConditionalWeakTable<DbTransaction, List<Action>> Pending = new();

    private CommitHooks()
    {
    }

    public static void AfterCommit(DbContext db, Action action)
    {
        if (db.Database.CurrentTransaction?.GetDbTransaction() is not { } transaction)
        {
            action();
            return;
        }
        // A context is used by one thread at a time, and so is its transaction.
        Pending.GetOrCreateValue(transaction).Add(action);
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Pending.Remove(result);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Pending.Remove(result);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Run(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Run(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Pending.Remove(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Pending.Remove(transaction);
        return Task.CompletedTask;
    }

    private static void Run(DbTransaction transaction)
    {
        if (!Pending.TryGetValue(transaction, out var actions)) return;
        Pending.Remove(transaction);
        foreach (var action in actions) action();
    }
}
