using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure.Operations;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Payments;

/// <summary>
/// Owns a charge's life, the same for a checkout, a one-click offer and a renewal: the caller records the charge
/// (pending, with its idempotency key) in its own first transaction; <see cref="CallAsync"/> calls the gateway with
/// that key and records the answer through the settlement of the charge's kind, or marks the charge unknown when no
/// answer came; the <see cref="Reconciler"/> settles what is left open through the same settlements.
/// </summary>
public sealed class Charges(EncoreDbContext db, IPaymentGateway gateway, IServiceProvider services, TimeProvider clock, ILogger<Charges> logger)
{
    /// <summary>
    /// Calls the gateway for a recorded charge and records its answer. Never throws for the gateway's or the
    /// database's failures: a lost answer, or one the database would not take, leaves the charge open for the
    /// reconciler, and <see cref="ChargeCall.Recorded"/> says so.
    /// </summary>
    /// <param name="settle">Records the answer instead of the kind's settlement, for a caller that wants what its settlement returns.</param>
    public async Task<ChargeCall> CallAsync(Charge charge, ChargeRequest request, Func<PaymentResult, Task>? settle = null)
    {
        EncoreMetrics.ChargeCalled(charge.Kind);
        var answer = await GatewayCalls.ChargeAsync(gateway, request, logger);
        var result = ResultOf(charge, answer);
        settle ??= r => SettlementFor(charge.Kind).ApplyAsync(charge, r, CancellationToken.None);
        // Not cancellable: the money may have moved.
        var recorded = await GatewayCalls.TryRecordAsync(logger, charge.Id, () =>
            result is not null ? settle(result) : MarkUnknownAsync(charge, CancellationToken.None));
        return new ChargeCall(recorded ? answer : new GatewayAnswer(null, null), recorded);
    }

    /// <summary>
    /// <see cref="CallAsync"/> for several recorded charges at once (a billing run's chunk of renewals): the gateway is
    /// called <paramref name="parallelism"/> at a time, then every answer is recorded together by
    /// <paramref name="settleAll"/> (which saves them in one batch), and every charge without an answer is marked
    /// unknown. The calls share one deadline, the single call's time-out from the first call, so each answer is still
    /// recorded by its own request within the reconciler's grace; a call not made by then is left unknown, and the
    /// reconciler, finding no payment under its key, settles it as never received. Never throws for the gateway's or the
    /// database's failures: what is not recorded stays open for the reconciler.
    /// </summary>
    public async Task CallTogetherAsync(
        IReadOnlyList<(Charge Charge, ChargeRequest Request)> calls, int parallelism,
        Func<IReadOnlyList<(Charge Charge, PaymentResult Result)>, Task> settleAll)
    {
        var answers = new GatewayAnswer[calls.Count];
        using var deadline = new CancellationTokenSource(GatewayCalls.Timeout, clock);
        await Parallel.ForEachAsync(Enumerable.Range(0, calls.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) },
            async (i, _) =>
            {
                var (charge, request) = calls[i];
                if (deadline.IsCancellationRequested)
                {
                    answers[i] = new GatewayAnswer(null, null);
                    return;
                }
                EncoreMetrics.ChargeCalled(charge.Kind);
                answers[i] = await GatewayCalls.ChargeAsync(gateway, request, logger, deadline.Token);
            });

        var results = new List<(Charge Charge, PaymentResult Result)>(calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var charge = calls[i].Charge;
            if (ResultOf(charge, answers[i]) is { } result)
                results.Add((charge, result));
            else
                await GatewayCalls.TryRecordAsync(logger, charge.Id, () => MarkUnknownAsync(charge, CancellationToken.None));
        }
        if (results.Count == 0) return;
        try
        {
            await settleAll(results);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            logger.LogError(exception, "Could not record the gateway's answers for {Count} charges (the first {ChargeId}); the reconciler will settle them",
                results.Count, results[0].Charge.Id);
        }
    }

    /// <summary>What an answer means for the charge: the gateway's result, a refusal as nothing charged, or null when none came.</summary>
    private static PaymentResult? ResultOf(Charge charge, GatewayAnswer answer) =>
        answer.Result ?? (answer.Refusal is { } refusal ? GatewayCalls.Refused(charge.Amount, charge.Currency, refusal) : null);

    /// <summary>
    /// Settles a charge of nothing (a free trial accepted with one click): no money moves, so no gateway is asked;
    /// it succeeds through its kind's settlement like any other charge.
    /// </summary>
    public async Task<ChargeCall> SettleWithoutMoneyAsync(Charge charge, SavedCard? card, Func<PaymentResult, Task>? settle = null)
    {
        if (charge.Amount != 0) throw new InvalidOperationException("Only a charge of nothing is settled without the gateway.");
        EncoreMetrics.ChargeCalled(charge.Kind);
        var result = NoMoney(charge, card);
        settle ??= r => SettlementFor(charge.Kind).ApplyAsync(charge, r, CancellationToken.None);
        var recorded = await GatewayCalls.TryRecordAsync(logger, charge.Id, () => settle(result));
        return new ChargeCall(recorded ? new GatewayAnswer(result, null) : new GatewayAnswer(null, null), recorded);
    }

    /// <summary>A charge of nothing that never goes to the gateway: a one-click trial (a checkout's $0 is a card setup, and does).</summary>
    public static bool MovesNoMoney(Charge charge) => charge.Amount == 0 && charge.Kind != ChargeKind.Checkout;

    public static PaymentResult NoMoney(Charge charge, SavedCard? card) => new()
    {
        PaymentId = "",
        Status = PaymentStatus.Succeeded,
        Amount = 0,
        Currency = charge.Currency,
        Card = card,
    };

    /// <summary>
    /// Records what the gateway says about an open charge, read by someone other than the charge's own request (a
    /// webhook, the reconciler), through its kind's settlement (conditional: once). False when there is nothing to record
    /// yet (<see cref="IsNews"/>): still processing, the buyer has not answered the bank, or a failure while the charge's
    /// own request may still be recovering from it.
    /// </summary>
    /// <param name="ownRequestOver">The caller knows the charge's own request is over (the reconciler, past its grace).</param>
    public async Task<bool> ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken, bool ownRequestOver = false)
    {
        if (!IsNews(charge, result, clock.GetUtcNow(), ownRequestOver)) return false;
        await SettlementFor(charge.Kind).ApplyAsync(charge, result, cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether the charge's own request (<see cref="CallAsync"/>) may still be running: the charge is still pending and
    /// younger than the reconciler's grace, which outlasts the gateway call's time-out. That request records its own answer.
    /// </summary>
    public static bool OwnRequestMayRun(Charge charge, DateTimeOffset now) =>
        charge.Status == ChargeStatus.Pending && now - charge.CreatedAt < Reconciler.Grace;

    /// <summary>
    /// Whether the gateway's answer, read by anyone but the charge's own request, settles anything now. Only final states
    /// do (decision 0008): succeeded; a failure (Stripe's <c>requires_payment_method</c> or <c>canceled</c>) only once no
    /// recovery is under way, that is once the charge's own request is over, because that request confirms an off-session
    /// payment the bank declined with <c>authentication_required</c> again on-session, and Stripe reports the decline
    /// (<c>payment_intent.payment_failed</c>) before that confirmation returns. Requires-action is the own request's to
    /// record (with the buyer's way back) and, once recorded, nothing new; processing is never final.
    /// </summary>
    public static bool IsNews(Charge charge, PaymentResult result, DateTimeOffset now, bool ownRequestOver = false) => result.Status switch
    {
        PaymentStatus.Succeeded => true,
        PaymentStatus.Failed => ownRequestOver || !OwnRequestMayRun(charge, now),
        PaymentStatus.RequiresAction => charge.Status != ChargeStatus.RequiresAction && (ownRequestOver || !OwnRequestMayRun(charge, now)),
        _ => false,
    };

    /// <summary>The gateway did not answer: the charge is unknown until the reconciler settles it.</summary>
    public async Task MarkUnknownAsync(Charge charge, CancellationToken cancellationToken)
    {
        var chargeId = charge.Id;
        if (await db.Charges.Where(c => c.Id == chargeId && c.Status == ChargeStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChargeStatus.Unknown), cancellationToken) == 1)
            EncoreMetrics.ChargeMoved(db, charge.Kind, ChargeStatus.Unknown);
    }

    /// <summary>
    /// Moves a charge to <paramref name="to"/> with the gateway's answer, only from the states <see cref="ChargeStates"/>
    /// allows: 1 when this call moved it, 0 when another settlement got there first.
    /// </summary>
    public static async Task<int> MoveAsync(
        EncoreDbContext db, Charge charge, ChargeStatus to, PaymentResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var chargeId = charge.Id;
        var from = ChargeStates.From(to);
        var settled = to is ChargeStatus.Succeeded or ChargeStatus.Failed;
        var moved = await db.Charges
            .Where(c => c.Id == chargeId && from.Contains(c.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, to)
                .SetProperty(c => c.GatewayPaymentId, c => result.PaymentId.Length > 0 ? result.PaymentId : c.GatewayPaymentId)
                .SetProperty(c => c.DeclineCode, result.DeclineCode)
                .SetProperty(c => c.FailureMessage, result.FailureMessage)
                .SetProperty(c => c.ActionUrl, result.ActionUrl)
                .SetProperty(c => c.CardBrand, c => result.Card != null ? result.Card.Brand : c.CardBrand)
                .SetProperty(c => c.CardLast4, c => result.Card != null ? result.Card.Last4 : c.CardLast4)
                .SetProperty(c => c.SettledAt, c => settled ? now : c.SettledAt), cancellationToken);
        if (moved == 1) EncoreMetrics.ChargeMoved(db, charge.Kind, to);
        return moved;
    }

    /// <summary>
    /// <see cref="MoveAsync"/>'s move added to the caller's unit of work instead of run at once, for a settlement that saves
    /// it with its other rows in one batch: the update is conditional on the status the charge was read in (the status is
    /// a concurrency token), so the caller's save throws <see cref="DbUpdateConcurrencyException"/>, writing nothing, when
    /// another settlement moved the charge first. False when the move is not one <see cref="ChargeStates"/> allows.
    /// </summary>
    public static bool TrackMove(EncoreDbContext db, Charge charge, ChargeStatus to, PaymentResult result, DateTimeOffset now)
    {
        if (!ChargeStates.From(to).Contains(charge.Status)) return false;
        // The context that recorded the charge still tracks that instance: the caller's, left as it is.
        if (db.Charges.Local.FindEntry(charge.Id) is { } recorded) recorded.State = EntityState.Detached;
        var moved = AsSettled(charge, to, result);
        moved.SettledAt = to is ChargeStatus.Succeeded or ChargeStatus.Failed ? now : charge.SettledAt;
        var entry = db.Charges.Attach(moved);
        entry.Property(c => c.Status).OriginalValue = charge.Status;
        foreach (var property in MovedProperties) entry.Property(property).IsModified = true;
        return true;
    }

    /// <summary>The columns <see cref="MoveAsync"/> sets.</summary>
    private static readonly string[] MovedProperties =
    [
        nameof(Charge.Status), nameof(Charge.GatewayPaymentId), nameof(Charge.DeclineCode), nameof(Charge.FailureMessage), nameof(Charge.ActionUrl),
        nameof(Charge.CardBrand), nameof(Charge.CardLast4), nameof(Charge.SettledAt),
    ];

    /// <summary>The charge as <see cref="MoveAsync"/> writes it from this result (all but SettledAt, which no answer shows).</summary>
    public static Charge AsSettled(Charge charge, ChargeStatus status, PaymentResult result) => new()
    {
        Id = charge.Id, OrderId = charge.OrderId, Kind = charge.Kind, SessionId = charge.SessionId, StepId = charge.StepId,
        SubscriptionId = charge.SubscriptionId, PaymentIndex = charge.PaymentIndex, Attempt = charge.Attempt,
        Amount = charge.Amount, Currency = charge.Currency, IdempotencyKey = charge.IdempotencyKey, ConsentRecordId = charge.ConsentRecordId,
        CreatedAt = charge.CreatedAt, Status = status,
        GatewayPaymentId = result.PaymentId.Length > 0 ? result.PaymentId : charge.GatewayPaymentId,
        DeclineCode = result.DeclineCode, FailureMessage = result.FailureMessage, ActionUrl = result.ActionUrl,
        CardBrand = result.Card?.Brand ?? charge.CardBrand, CardLast4 = result.Card?.Last4 ?? charge.CardLast4,
    };

    /// <summary>The settlement registered for a kind (a keyed service: only the one a charge needs is built).</summary>
    private IChargeSettlement SettlementFor(ChargeKind kind) => services.GetRequiredKeyedService<IChargeSettlement>(kind);
}

/// <summary>What one call for a charge came to: the gateway's answer (unknown when it was not recorded) and whether it was recorded.</summary>
public sealed record ChargeCall(GatewayAnswer Answer, bool Recorded);
