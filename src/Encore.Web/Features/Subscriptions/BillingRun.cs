using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Operations;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// Encore's own billing schedule, the same on every gateway: ends subscriptions cancelled at their period's end,
/// sends reminders before a trial converts and before a yearly renewal, and charges every payment that is due
/// (dunning's retries included). Safe in every instance at once: a subscription is claimed with a lease by a
/// conditional update, and each attempt's charge is unique per (subscription, payment, attempt) with the key
/// <c>encore:renewal:{subscription}:{payment}</c>, so a period is charged once whatever runs, crashes or loses answers.
/// </summary>
public sealed class BillingRun(
    EncoreDbContext db, Charges charges, EmailOutbox mail, WebhookOutbox webhooks, TimeProvider clock, ILogger<BillingRun> logger,
    IServiceScopeFactory scopes, IConfiguration configuration, RenewalSettlement settlement)
{
    /// <summary>
    /// Renewals in flight at once within one run (<c>Encore:Billing:Parallelism</c>; default 6 on PostgreSQL, 1 on SQLite),
    /// each in its own scope and DbContext: a renewal spends most of its time waiting for the database and the gateway, so
    /// on PostgreSQL a run that charges one after another leaves both mostly idle; SQLite's single writer gains nothing
    /// (bench/README.md, "Billing run"). Exactly once does not depend on it: every renewal is claimed by its own
    /// conditional update.
    /// </summary>
    public int Parallelism => Math.Clamp(configuration.GetValue<int?>("Encore:Billing:Parallelism") ?? (db.Database.IsNpgsql() ? 6 : 1), 1, 32);

    /// <summary>
    /// Chunks of first attempts in flight at once (<c>Encore:Billing:ChunksInFlight</c>; default one per two renewals in
    /// flight, at least 1: 3 on PostgreSQL): while one chunk is claimed or settled, others' gateway calls run. The
    /// renewals in flight stay <see cref="Parallelism"/> in all, shared by the chunks (<see cref="CallsPerChunk"/> each).
    /// </summary>
    public int ChunksInFlight => Math.Clamp(configuration.GetValue<int?>("Encore:Billing:ChunksInFlight") ?? Math.Max(1, Parallelism / 2), 1, Parallelism);

    /// <summary>A chunk's gateway calls in flight at once.</summary>
    public int CallsPerChunk => Math.Max(1, Parallelism / ChunksInFlight);

    /// <summary>
    /// First attempts claimed, recorded and settled together (<c>Encore:Billing:ChunkSize</c>; default
    /// <see cref="RoundsPerChunk"/> rounds of the chunk's calls, so 32 on PostgreSQL and 16 on SQLite by default): two
    /// transactions per chunk besides the gateway's calls, whose time-out bounds the whole chunk's
    /// (<see cref="Charges.CallTogetherAsync"/>). A larger chunk writes less per renewal (bench/README.md, "Renewals in
    /// chunks"), and gives each call less of that time-out (<see cref="RoundsPerChunk"/>).
    /// </summary>
    public int ChunkSize => Math.Clamp(configuration.GetValue<int?>("Encore:Billing:ChunkSize") ?? RoundsPerChunk * CallsPerChunk, 1, 200);

    /// <summary>
    /// The gateway calls one lane of a chunk makes one after another: 16, so the chunk's time-out (20 s) leaves 1.25 s per
    /// call on average. A gateway slower than that leaves the chunk's last calls unmade: marked unknown, settled by the
    /// reconciler as never received, and attempted again under their next key. It was 8 until decision 0026.
    /// </summary>
    public const int RoundsPerChunk = 16;

    /// <summary>How long a billing run holds a subscription it is charging; past it, another run may take over.</summary>
    public static readonly TimeSpan Lease = GatewayCalls.Timeout + TimeSpan.FromSeconds(40);

    private static readonly SubscriptionStatus[] Billable = [SubscriptionStatus.Trialing, SubscriptionStatus.Active, SubscriptionStatus.PastDue];

    public sealed record Summary(int Ended, int Reminded, int Charged);

    /// <summary>One pass over everything due now (the clock's now: <c>bill --as-of</c> sets it).</summary>
    public async Task<Summary> RunOnceAsync(CancellationToken cancellationToken, int batch = 200)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var summary = await RunPassAsync(cancellationToken, batch);
            EncoreMetrics.BillingRunDone(started, succeeded: true);
            return summary;
        }
        catch
        {
            EncoreMetrics.BillingRunDone(started, succeeded: false);
            throw;
        }
    }

    private async Task<Summary> RunPassAsync(CancellationToken cancellationToken, int batch)
    {
        var ended = await EndCancelledAsync(cancellationToken);
        var reminded = await RemindAsync(cancellationToken);
        var charged = 0;
        // Batches until nothing is due: a run after a long pause catches up every payment whose date has passed.
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = await DueAsync(batch, cancellationToken);
            if (due.Count == 0) break;
            var progress = 0;
            // First attempts, the most by far, in chunks: claimed and recorded together, charged Parallelism at a time,
            // their answers recorded together.
            await Parallel.ForEachAsync(due.Where(s => s.FailedAttempts == 0).Chunk(ChunkSize),
                new ParallelOptions { MaxDegreeOfParallelism = ChunksInFlight, CancellationToken = cancellationToken },
                async (chunk, _) =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    Interlocked.Add(ref progress, await scope.ServiceProvider.GetRequiredService<BillingRun>().RenewTogetherAsync(chunk));
                });
            // Dunning's retries one by one: each reuses its payment's order and has its own key.
            await Parallel.ForEachAsync(due.Where(s => s.FailedAttempts > 0), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (subscription, token) =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (await scope.ServiceProvider.GetRequiredService<BillingRun>().RenewAsync(subscription, token)) Interlocked.Increment(ref progress);
                });
            charged += progress;
            if (progress == 0) break; // all leased by other runs, or all left open: the next run sees them again
        }
        return new Summary(ended, reminded, charged);
    }

    /// <summary>The batch's rows as they stood when read: each renewal's claim checks again that its payment is still due.</summary>
    private Task<List<Subscription>> DueAsync(int batch, CancellationToken cancellationToken) =>
        Claimable(clock.GetUtcNow()).AsNoTracking().OrderBy(s => s.NextChargeAt).Take(batch).ToListAsync(cancellationToken);

    /// <summary>
    /// Subscriptions a billing run may claim now: billable, due, not cancelled, no lease held, and no renewal of theirs
    /// still waiting for an answer or for the buyer's bank (never attempted again beside it). The due query and every
    /// claim's conditional update share it.
    /// </summary>
    private IQueryable<Subscription> Claimable(DateTimeOffset now) =>
        db.Subscriptions.Where(s => Billable.Contains(s.Status) && s.NextChargeAt <= now && !s.CancelAtPeriodEnd &&
                                    (s.LockedUntil == null || s.LockedUntil < now) &&
                                    !db.Charges.Any(c => c.SubscriptionId == s.Id && ChargeStates.Open.Contains(c.Status)));

    /// <summary>
    /// Charges the subscription's next payment (or dunning's next retry of it). Transaction 1 takes the lease and
    /// records the renewal order and the charge; the gateway is called off-session with the charge's key; the
    /// <see cref="RenewalSettlement"/> records the answer. True when a charge was attempted.
    /// </summary>
    public async Task<bool> RenewAsync(Guid subscriptionId, CancellationToken cancellationToken) =>
        await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken) is { } subscription &&
        await RenewAsync(subscription, cancellationToken);

    /// <summary>
    /// The same for a subscription as read a moment ago (a batch of due ones): the claim is conditional on the payment
    /// and attempt read here, so a row that moved since is left alone.
    /// </summary>
    public async Task<bool> RenewAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var subscriptionId = subscription.Id;
        var payment = subscription.NextPayment;
        var attempt = subscription.FailedAttempts + 1;
        var charge = NewCharge(subscription, payment, attempt, now);

        var uncancellable = CancellationToken.None;
        await using (var transaction = await db.Database.BeginWithoutSavepointsAsync(uncancellable))
        {
            var until = now + Lease;
            var failed = subscription.FailedAttempts;
            var claimed = await Claimable(now)
                .Where(s => s.Id == subscriptionId && s.NextPayment == payment && s.FailedAttempts == failed)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, until), uncancellable);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(uncancellable);
                return false;
            }
            charge.OrderId = await RenewalOrderAsync(subscription, payment, attempt, now, uncancellable);
            db.Charges.Add(charge);
            try
            {
                await db.SaveChangesAsync(uncancellable);
                await transaction.CommitAsync(uncancellable);
            }
            catch (DbUpdateException exception)
            {
                // The unique (subscription, payment, attempt) index: another run charged this attempt already.
                logger.LogInformation(exception, "Payment {Payment} attempt {Attempt} of subscription {SubscriptionId} is already recorded", payment, attempt, subscriptionId);
                await transaction.RollbackAsync(uncancellable);
                db.ChangeTracker.Clear();
                return false;
            }
        }

        await charges.CallAsync(charge, Request(subscription, charge));
        EncoreMetrics.RenewalAttempted();
        db.ChangeTracker.Clear();
        return true;
    }

    /// <summary>
    /// The first attempts of a chunk of due subscriptions, together: one transaction claims them all (the same conditions
    /// as <see cref="RenewAsync(Subscription, CancellationToken)"/>'s claim, then the claimed rows read back as they stand
    /// under the lease) and records each one's renewal order and charge; the gateway is called for each,
    /// <see cref="CallsPerChunk"/> at a time; one save records what it said (<see cref="RenewalSettlement.ApplyAllAsync"/>).
    /// When the recording transaction is refused (a charge already recorded for a payment: another run got there), nothing
    /// of it stays and each subscription goes through <see cref="RenewAsync(Subscription, CancellationToken)"/> alone.
    /// The number of charges attempted.
    /// </summary>
    public async Task<int> RenewTogetherAsync(IReadOnlyList<Subscription> chunk)
    {
        var uncancellable = CancellationToken.None;
        var now = clock.GetUtcNow();
        var until = now + Lease;
        var lease = Guid.NewGuid(); // names this claim: the rows read back are exactly the ones it took
        var ids = chunk.Select(s => s.Id).ToList();
        var recorded = new List<(Subscription Subscription, Charge Charge)>(chunk.Count);
        await using (var transaction = await db.Database.BeginWithoutSavepointsAsync(uncancellable))
        {
            if (db.Database.IsNpgsql())
            {
                // The chunk's rows locked first, in one order, skipping any another run holds: a chunk's claim then never
                // waits for a row, so runs in several instances cannot deadlock (two multi-row updates may lock the same
                // rows in different orders, and a single renewal's claim queued behind them becomes the victim).
                // SQLite has one writer and no row locks.
                var candidates = ids.ToArray();
                ids = await db.Database.SqlQuery<Guid>(
                        $"SELECT \"Id\" AS \"Value\" FROM subscriptions WHERE \"Id\" = ANY({candidates}) ORDER BY \"Id\" FOR NO KEY UPDATE SKIP LOCKED")
                    .ToListAsync(uncancellable);
            }
            var claimed = ids.Count == 0 ? 0 : await Claimable(now)
                .Where(s => ids.Contains(s.Id) && s.FailedAttempts == 0)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, until).SetProperty(x => x.LeaseId, lease), uncancellable);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(uncancellable);
                return 0;
            }
            // As claimed, not as read for the batch: the payment due may have moved on since (another run renewed it).
            var rows = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id) && s.LeaseId == lease).ToListAsync(uncancellable);
            foreach (var subscription in rows)
            {
                var charge = NewCharge(subscription, subscription.NextPayment, 1, now);
                charge.OrderId = NewRenewalOrder(subscription, subscription.NextPayment, now);
                db.Charges.Add(charge);
                recorded.Add((subscription, charge));
            }
            try
            {
                await db.SaveChangesAsync(uncancellable);
                await transaction.CommitAsync(uncancellable);
            }
            catch (DbUpdateException exception)
            {
                logger.LogInformation(exception, "A renewal of {Count} claimed together is already recorded; renewing them one by one", rows.Count);
                await transaction.RollbackAsync(uncancellable);
                db.ChangeTracker.Clear();
                var attempted = 0;
                foreach (var subscription in rows)
                    if (await RenewAsync(subscription, uncancellable)) attempted++;
                return attempted;
            }
        }

        await charges.CallTogetherAsync(recorded.Select(r => (r.Charge, Request(r.Subscription, r.Charge))).ToList(), CallsPerChunk,
            answers => settlement.ApplyAllAsync(answers, uncancellable));
        EncoreMetrics.RenewalAttempted(recorded.Count);
        db.ChangeTracker.Clear();
        return recorded.Count;
    }

    private static Charge NewCharge(Subscription subscription, int payment, int attempt, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Kind = ChargeKind.Renewal,
        SubscriptionId = subscription.Id,
        PaymentIndex = payment,
        Attempt = attempt,
        Amount = subscription.Amount,
        Currency = subscription.Currency,
        IdempotencyKey = RenewalKey(subscription.Id, payment, attempt),
        Status = ChargeStatus.Pending,
        CardBrand = subscription.CardBrand,
        CardLast4 = subscription.CardLast4,
        CreatedAt = now,
    };

    /// <summary>The off-session payment of a recorded renewal charge, under the charge's key.</summary>
    private static ChargeRequest Request(Subscription subscription, Charge charge) => new()
    {
        Amount = charge.Amount,
        Currency = charge.Currency,
        CustomerId = subscription.GatewayCustomerId,
        PaymentMethodId = subscription.PaymentMethodId,
        IdempotencyKey = charge.IdempotencyKey,
        OffSession = true,
        Description = $"{subscription.ProductName} (payment {charge.PaymentIndex + 1}{(subscription.Payments is { } n ? $" of {n}" : "")})",
        ReturnUrl = BankReturn.UrlFor(charge.Id),
        Metadata = new Dictionary<string, string>
        {
            ["encore_order"] = charge.OrderId.ToString(),
            ["encore_charge"] = charge.Id.ToString(),
            ["encore_subscription"] = subscription.Id.ToString(),
        },
    };

    /// <summary>The first attempt's key is the period's; each dunning retry (after a decided failure) has its own.</summary>
    public static string RenewalKey(Guid subscriptionId, int payment, int attempt) =>
        attempt == 1 ? $"encore:renewal:{subscriptionId:N}:{payment}" : $"encore:renewal:{subscriptionId:N}:{payment}:retry{attempt - 1}";

    /// <summary>
    /// One renewal order per payment: made by the first attempt, reused by dunning's retries. The first attempt does
    /// not look: its order is written with its charge, so none exists before it (and a second writer of the same
    /// attempt is refused by the charges' unique index, which rolls its order back with it).
    /// </summary>
    private async Task<Guid> RenewalOrderAsync(Subscription subscription, int payment, int attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (attempt > 1 && await db.Orders.AsNoTracking()
                .Where(o => o.SubscriptionId == subscription.Id && o.PaymentIndex == payment)
                .Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken) is { } id)
            return id;
        return NewRenewalOrder(subscription, payment, now);
    }

    /// <summary>A payment's renewal order, added to the unit of work (pending until its charge is paid).</summary>
    private Guid NewRenewalOrder(Subscription subscription, int payment, DateTimeOffset now)
    {
        var order = new Order
        {
            Id = Guid.CreateVersion7(now),
            SellerId = subscription.SellerId,
            FunnelId = subscription.FunnelId,
            FunnelVersionId = subscription.FunnelVersionId,
            Email = subscription.Email,
            BuyerName = subscription.BuyerName,
            Currency = subscription.Currency,
            Status = OrderStatus.Pending,
            // A renewal's receipt is its e-mail; no link is handed out for this token.
            ReceiptTokenHash = SecretTokens.Hash(SecretTokens.New()),
            GatewayCustomerId = subscription.GatewayCustomerId,
            SubscriptionId = subscription.Id,
            PaymentIndex = payment,
            CreatedAt = now,
        };
        db.Orders.Add(order);
        return order.Id;
    }

    /// <summary>Subscriptions cancelled at their period's end whose period has ended: canceled now, never charged again.</summary>
    private async Task<int> EndCancelledAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.Subscriptions.AsNoTracking()
            .Where(s => Billable.Contains(s.Status) && s.CancelAtPeriodEnd && s.CurrentPeriodEnd <= now)
            .OrderBy(s => s.CurrentPeriodEnd).Take(500).ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var subscription in due)
        {
            await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
            var id = subscription.Id;
            if (await db.Subscriptions.Where(s => s.Id == id && Billable.Contains(s.Status) && s.CancelAtPeriodEnd && s.CurrentPeriodEnd <= now)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.Status, SubscriptionStatus.Canceled)
                        .SetProperty(x => x.NextChargeAt, (DateTimeOffset?)null)
                        .SetProperty(x => x.EndedAt, now), cancellationToken) == 0) continue;
            subscription.Status = SubscriptionStatus.Canceled;
            subscription.NextChargeAt = null;
            await webhooks.PublishAsync(subscription.SellerId, WebhookOutbox.SubscriptionCanceled, subscription.OrderId, SubscriptionEvents.Data(subscription), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            ended++;
        }
        return ended;
    }

    /// <summary>
    /// Reminders before charges a buyer might forget: before a trial converts (default 3 days) and before each yearly
    /// renewal (default 30 days), once per payment, with amount, date, card and the cancel link.
    /// </summary>
    private async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(DunningPolicy.MaxReminderDays);
        var candidates = await db.Subscriptions.AsNoTracking()
            .Where(s => (s.Status == SubscriptionStatus.Trialing || (s.Status == SubscriptionStatus.Active && s.Interval == Encore.Domain.BillingInterval.Year)) &&
                        !s.CancelAtPeriodEnd && s.NextChargeAt > now && s.NextChargeAt <= horizon &&
                        (s.RemindedForPayment == null || s.RemindedForPayment != s.NextPayment))
            .OrderBy(s => s.NextChargeAt).Take(500).ToListAsync(cancellationToken);
        var settings = new Dictionary<Guid, DunningSettings>();
        var sent = 0;
        foreach (var subscription in candidates)
        {
            if (!settings.TryGetValue(subscription.SellerId, out var policy))
                settings[subscription.SellerId] = policy = await DunningPolicy.ForSellerAsync(db, subscription.SellerId, cancellationToken);
            var trial = subscription.Status == SubscriptionStatus.Trialing;
            var days = trial ? policy.TrialReminderDays : policy.YearlyReminderDays;
            if (days <= 0 || subscription.NextChargeAt > now.AddDays(days)) continue;
            var id = subscription.Id;
            var payment = subscription.NextPayment;
            await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
            if (await db.Subscriptions.Where(s => s.Id == id && s.NextPayment == payment && (s.RemindedForPayment == null || s.RemindedForPayment != payment))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.RemindedForPayment, payment), cancellationToken) == 0) continue;
            await mail.WriteSubscriptionMailAsync(subscription, subscription.OrderId, trial ? EmailKind.TrialReminder : EmailKind.RenewalReminder, $"payment:{payment}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            sent++;
        }
        return sent;
    }
}

/// <summary>Runs billing every minute in the background (every instance; the leases keep each payment to one charge).</summary>
public sealed class BillingService(IServiceScopeFactory scopes, ILogger<BillingService> logger, IConfiguration configuration)
    : PeriodicJob(scopes, logger, Every(configuration, "Billing", TimeSpan.FromMinutes(1)))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<BillingRun>().RunOnceAsync(cancellationToken);
}
