using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Email;
using Encore.Web.Features.Webhooks;
using Encore.Web.Features.Funnels;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Operations;
using Encore.Web.Payments;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Offers;

/// <summary>
/// The post-purchase path: show the current offer, accept it with one click on the saved card, or
/// decline it. Every decision is a conditional update in the database, so back buttons, second tabs,
/// replays and other instances can never decide a step twice or charge it twice.
/// </summary>
public sealed class OfferService(
    EncoreDbContext db,
    PublishedFunnels funnels,
    Charges charges,
    CheckoutSettlement checkoutSettlement,
    OfferSettlement offerSettlement,
    ChargeStatusCheck statusCheck,
    WebhookOutbox webhooks,
    EmailOutbox mail,
    TimeProvider clock)
{
    public async Task<OfferSessionRow?> FindAsync(string? token, CancellationToken cancellationToken) =>
        SecretTokens.LooksValid(token)
            ? await OfferSessionRow.FindAsync(db, SecretTokens.Hash(token!), cancellationToken)
            : null;

    /// <summary>
    /// The session as it stands now, after settling what can be settled: a checkout or offer charge the bank
    /// has since confirmed, or a window that has closed. Marks the current step as viewed.
    /// </summary>
    /// <param name="known">The session as the caller just read it with <see cref="FindAsync"/> for this token, to save reading it again.</param>
    public async Task<OfferView?> ShowAsync(string? token, CancellationToken cancellationToken, OfferSessionRow? known = null)
    {
        var row = known ?? await FindAsync(token, cancellationToken);
        if (row is null) return null;
        row = await SettleWhatCanBeSettledAsync(token!, row, cancellationToken);
        var funnel = await RequireFunnelAsync(row);
        var view = ToView(row, funnel);
        if (view.State is OfferSessionState.AwaitingAuthentication or OfferSessionState.AwaitingPayment)
            view = view with { ActionUrl = await ActionUrlAsync(row, cancellationToken) };
        if (view.State == OfferSessionState.Offer && row.ViewedAt is null)
        {
            var now = clock.GetUtcNow();
            await db.StepVisits
                .Where(v => v.SessionId == row.SessionId && v.StepId == row.CurrentStepId && v.ViewedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.ViewedAt, now), cancellationToken);
        }
        return view;
    }

    public async Task<AcceptResult> AcceptAsync(
        string? token, Guid stepId, string? disclosureSha256, ConsentContext consent, CancellationToken cancellationToken, OfferSessionRow? known = null)
    {
        var result = await AcceptStepAsync(token, stepId, disclosureSha256, consent, cancellationToken, known);
        EncoreMetrics.AcceptDone(result);
        return result;
    }

    private async Task<AcceptResult> AcceptStepAsync(
        string? token, Guid stepId, string? disclosureSha256, ConsentContext consent, CancellationToken cancellationToken, OfferSessionRow? known)
    {
        // A row read a moment ago is as good as a fresh one: it only decides early refusals; the claim below is
        // the conditional update that decides, whatever happened since.
        var row = known ?? await FindAsync(token, cancellationToken);
        if (row is null) return Rejected(OfferRejection.NotFound);
        row = await ExpireIfDueAsync(row, cancellationToken);
        var funnel = await RequireFunnelAsync(row);
        if (await CheckDecidableAsync(row, stepId, cancellationToken) is { } rejection) return Rejected(rejection);

        var step = funnel.Steps[stepId];
        var disclosure = Disclose(funnel, step, row);
        if (!disclosure.Matches(disclosureSha256)) return Rejected(OfferRejection.DisclosureMismatch);

        var now = clock.GetUtcNow();
        var charge = new Charge
        {
            Id = Guid.CreateVersion7(),
            OrderId = row.OrderId,
            Kind = ChargeKind.Offer,
            SessionId = row.SessionId,
            StepId = stepId,
            // Nothing today for a free trial: the charge of nothing records the acceptance; renewals charge the rest.
            Amount = step.Price.DueToday().Amount,
            Currency = step.Price.Amount.Currency,
            // Derived from the session and the step, so it can never be re-issued under another key.
            IdempotencyKey = $"encore:offer:{row.SessionId:N}:{stepId:N}",
            Status = ChargeStatus.Pending,
            CardBrand = row.CardBrand,
            CardLast4 = row.CardLast4,
            CreatedAt = now,
        };
        var record = new ConsentRecord
        {
            Id = Guid.CreateVersion7(),
            SellerId = row.SellerId,
            OrderId = row.OrderId,
            SessionId = row.SessionId,
            StepId = stepId,
            DisclosureText = disclosure.Text,
            DisclosureSha256 = disclosure.Sha256,
            AcceptLabel = disclosure.AcceptLabel,
            Amount = step.Price.Amount.Amount,
            Currency = charge.Currency,
            Recurrence = step.Price.Recurrence is null ? null : step.Price.Describe(),
            CardBrand = row.CardBrand!,
            CardLast4 = row.CardLast4!,
            Channel = consent.Channel,
            IpAddress = consent.IpAddress,
            UserAgent = consent.UserAgent is { Length: > 1000 } ua ? ua[..1000] : consent.UserAgent,
            AgreedAt = now,
        };
        charge.ConsentRecordId = record.Id;

        // Transaction 1: claim the step (offered → processing) and record consent and the charge attempt.
        // Not cancellable: once begun it commits or rolls back whole, whatever the buyer's connection does.
        var uncancellable = CancellationToken.None;
        await using (var transaction = await db.Database.BeginWithoutSavepointsAsync(uncancellable))
        {
            var sessionId = row.SessionId;
            var claimable = StepStates.From(StepState.Processing);
            var claimed = await db.StepVisits
                .Where(v => v.SessionId == sessionId && v.StepId == stepId && claimable.Contains(v.State) &&
                            db.PostPurchaseSessions.Any(s => s.Id == sessionId && s.Status == SessionStatus.Active &&
                                                             s.CurrentStepId == stepId && s.ExpiresAt > now))
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, StepState.Processing).SetProperty(v => v.ChargeId, charge.Id), uncancellable);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(uncancellable);
                return Rejected(await ExplainLostClaimAsync(token!, stepId, uncancellable));
            }
            db.ConsentRecords.Add(record);
            db.Charges.Add(charge);
            await db.SaveChangesAsync(uncancellable);
            await transaction.CommitAsync(uncancellable);
        }

        // The gateway's answer (transaction 2) is recorded by the offer settlement; if recording fails, the charge
        // stays open for the reconciler and the buyer hears "being confirmed".
        PaymentResult? recordedResult = null;
        OfferSettled? applied = null;
        var window = new SessionWindow(row.ExpiresAt, row.FunnelVersionId);
        async Task Settle(PaymentResult result)
        {
            recordedResult = result;
            applied = await offerSettlement.ApplyAsync(charge, result, CancellationToken.None, window);
        }
        var call = charge.Amount == 0
            ? await charges.SettleWithoutMoneyAsync(charge, new SavedCard(row.PaymentMethodId!, row.CardBrand ?? "", row.CardLast4 ?? ""), Settle)
            : await charges.CallAsync(charge, new ChargeRequest
            {
                Amount = charge.Amount,
                Currency = charge.Currency,
                CustomerId = row.GatewayCustomerId,
                PaymentMethodId = row.PaymentMethodId!,
                IdempotencyKey = charge.IdempotencyKey,
                OffSession = true,
                Description = $"{funnel.SellerName}: {step.Name}",
                ReturnUrl = BankReturn.UrlFor(charge.Id),
                Metadata = new Dictionary<string, string> { ["encore_order"] = row.OrderId.ToString(), ["encore_charge"] = charge.Id.ToString() },
            }, Settle);
        if (!call.Recorded)
            return new AcceptResult(AcceptOutcome.Processing, Charge: charge,
                Message: "We are confirming your payment with the bank. This page will show the result; you will not be charged twice.");

        // When this call's settlement moved the charge, it knows what it wrote; otherwise (another settlement got
        // there first, or no answer) the charge is read back as it stands.
        var settled = applied is not null && recordedResult is not null
            ? Charges.AsSettled(charge, applied.Status, recordedResult)
            : await db.Charges.AsNoTracking().SingleAsync(c => c.Id == charge.Id, CancellationToken.None);
        var (nextKnown, nextStep) = applied is { NextKnown: true } ? (true, applied.NextStepId) : (false, (Guid?)null);
        return settled.Status switch
        {
            ChargeStatus.Succeeded => new AcceptResult(AcceptOutcome.Accepted, Charge: settled, NextKnown: nextKnown, NextStepId: nextStep),
            ChargeStatus.Failed => new AcceptResult(AcceptOutcome.PaymentFailed, Charge: settled, Message: settled.FailureMessage ?? DeclineMessages.For(settled.DeclineCode),
                NextKnown: nextKnown, NextStepId: nextStep),
            ChargeStatus.RequiresAction => new AcceptResult(AcceptOutcome.RequiresAction, Charge: settled, ActionUrl: settled.ActionUrl),
            _ => new AcceptResult(AcceptOutcome.Processing, Charge: settled,
                Message: "We are confirming your payment with the bank. This page will show the result; you will not be charged twice."),
        };
    }

    public async Task<DeclineResult> DeclineAsync(string? token, Guid stepId, CancellationToken cancellationToken, OfferSessionRow? known = null)
    {
        var result = await DeclineStepAsync(token, stepId, cancellationToken, known);
        EncoreMetrics.DeclineDone(result);
        return result;
    }

    private async Task<DeclineResult> DeclineStepAsync(string? token, Guid stepId, CancellationToken cancellationToken, OfferSessionRow? known)
    {
        var row = known ?? await FindAsync(token, cancellationToken);
        if (row is null) return new DeclineResult(OfferRejection.NotFound);
        row = await ExpireIfDueAsync(row, cancellationToken);
        var funnel = await RequireFunnelAsync(row);
        if (await CheckDecidableAsync(row, stepId, cancellationToken) is { } rejection) return new DeclineResult(rejection);

        var now = clock.GetUtcNow();
        var sessionId = row.SessionId;
        await using var transaction = await db.Database.BeginWithoutSavepointsAsync(cancellationToken);
        var declinable = StepStates.From(StepState.Declined);
        var declined = await db.StepVisits
            .Where(v => v.SessionId == sessionId && v.StepId == stepId && declinable.Contains(v.State) &&
                        db.PostPurchaseSessions.Any(s => s.Id == sessionId && s.Status == SessionStatus.Active &&
                                                         s.CurrentStepId == stepId && s.ExpiresAt > now))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, StepState.Declined).SetProperty(v => v.DecidedAt, now), cancellationToken);
        if (declined == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new DeclineResult(await ExplainLostClaimAsync(token!, stepId, cancellationToken));
        }
        // The claim above held only while the session was active on this step inside its window, and an active
        // session's window never moves: the row's ExpiresAt is the session's.
        var advance = await OfferSettlement.AdvanceAsync(db, sessionId, row.ExpiresAt, funnel, stepId, accepted: false, now, cancellationToken);
        var step = funnel.Steps[stepId];
        await webhooks.PublishAsync(row.SellerId, WebhookOutbox.OfferDeclined, row.OrderId, new
        {
            orderId = row.OrderId,
            funnelId = funnel.FunnelId,
            funnelVersionId = funnel.VersionId,
            stepId,
            stepKey = step.Key,
            amount = step.Price.Amount.Amount,
            currency = step.Price.Amount.Currency,
        }, cancellationToken);
        if (advance.Ended) await mail.WriteFinalReceiptAsync(row.SellerId, row.OrderId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new DeclineResult(null, advance.Known, advance.NextStepId);
    }

    /// <summary>The disclosure for a step as this buyer sees it: same terms, same text, same hash.</summary>
    public OfferDisclosure Disclose(PublishedFunnel funnel, StepItem step, OfferSessionRow row) =>
        OfferDisclosure.For(new OfferTerms(
            funnel.SellerName, funnel.SupportEmail, step.Name, step.Price,
            row.CardBrand ?? "card", row.CardLast4 ?? "????", DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), step.Terms));

    private OfferView ToView(OfferSessionRow row, PublishedFunnel funnel)
    {
        var state = row.Status switch
        {
            SessionStatus.AwaitingPayment => OfferSessionState.AwaitingPayment,
            SessionStatus.Completed => OfferSessionState.Completed,
            SessionStatus.Expired => OfferSessionState.Expired,
            SessionStatus.Void => OfferSessionState.Void,
            _ => row.VisitState switch
            {
                StepState.Offered => OfferSessionState.Offer,
                StepState.AwaitingAuthentication => OfferSessionState.AwaitingAuthentication,
                _ => OfferSessionState.Processing,
            },
        };
        var step = row.CurrentStepId is { } id && state is OfferSessionState.Offer or OfferSessionState.AwaitingAuthentication or OfferSessionState.Processing
            ? funnel.Steps[id]
            : null;
        return new OfferView(row, state, funnel, step, step is null ? null : Disclose(funnel, step, row), null);
    }

    /// <summary>Where the buyer authenticates the charge the session waits for, if the bank asked for that.</summary>
    private Task<string?> ActionUrlAsync(OfferSessionRow row, CancellationToken cancellationToken) =>
        db.Charges.AsNoTracking()
            .Where(c => c.Status == ChargeStatus.RequiresAction &&
                        (row.Status == SessionStatus.AwaitingPayment
                            ? c.OrderId == row.OrderId && c.Kind == ChargeKind.Checkout
                            : c.Id == row.VisitChargeId))
            .Select(c => c.ActionUrl)
            .FirstOrDefaultAsync(cancellationToken);

    private async Task<OfferSessionRow> SettleWhatCanBeSettledAsync(string token, OfferSessionRow row, CancellationToken cancellationToken)
    {
        if (row.Status == SessionStatus.AwaitingPayment)
        {
            if (await checkoutSettlement.RefreshFromGatewayAsync(row.OrderId, cancellationToken))
                row = (await FindAsync(token, cancellationToken))!;
        }
        else if (row.Status == SessionStatus.Active && row.VisitState is { } state && state.IsInFlight() && row.VisitChargeId is { } chargeId)
        {
            var charge = await db.Charges.AsNoTracking().SingleAsync(c => c.Id == chargeId, cancellationToken);
            if (await statusCheck.AskAsync(charge, cancellationToken) is { } result)
            {
                await offerSettlement.ApplyAsync(charge, result, CancellationToken.None);
                row = (await FindAsync(token, cancellationToken))!;
            }
        }
        return await ExpireIfDueAsync(row, cancellationToken);
    }

    private async Task<OfferSessionRow> ExpireIfDueAsync(OfferSessionRow row, CancellationToken cancellationToken)
    {
        if (row.Status != SessionStatus.Active || clock.GetUtcNow() < row.ExpiresAt) return row;
        await ExpireAsync(row.SessionId, row.OrderId, row.SellerId, cancellationToken);
        return row with { Status = SessionStatus.Expired };
    }

    /// <summary>
    /// For the background job: closes the windows that have passed without the buyer coming back (and so
    /// sends their final receipts). Sessions with a charge still in flight are left to their settlement.
    /// </summary>
    public async Task<int> ExpireDueSessionsAsync(CancellationToken cancellationToken, int batch = 100)
    {
        var now = clock.GetUtcNow();
        var due = await db.PostPurchaseSessions.AsNoTracking()
            .Where(s => s.Status == SessionStatus.Active && s.ExpiresAt <= now &&
                        !db.Charges.Any(c => c.SessionId == s.Id && ChargeStates.Open.Contains(c.Status)))
            .OrderBy(s => s.ExpiresAt)
            .Select(s => new { s.Id, s.OrderId, db.Orders.Single(o => o.Id == s.OrderId).SellerId })
            .Take(batch)
            .ToListAsync(cancellationToken);
        var expired = 0;
        foreach (var session in due)
            if (await ExpireAsync(session.Id, session.OrderId, session.SellerId, cancellationToken)) expired++;
        return expired;
    }

    private async Task<bool> ExpireAsync(Guid sessionId, Guid orderId, Guid sellerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = new { SessionId = sessionId, OrderId = orderId };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var expired = await db.PostPurchaseSessions
            .Where(s => s.Id == row.SessionId && s.Status == SessionStatus.Active && s.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SessionStatus.Expired).SetProperty(x => x.EndedAt, now), cancellationToken);
        if (expired == 1)
        {
            // A step still offered is gone for good. A charge in flight is left to settle: money that moved is never dropped.
            var expirable = StepStates.From(StepState.Expired);
            await db.StepVisits
                .Where(v => v.SessionId == row.SessionId && expirable.Contains(v.State))
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, StepState.Expired).SetProperty(v => v.DecidedAt, now), cancellationToken);
            // Sent once a charge still in flight has settled: the sender waits for it.
            await mail.WriteFinalReceiptAsync(sellerId, row.OrderId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return expired == 1;
    }

    private async Task<OfferRejection?> CheckDecidableAsync(OfferSessionRow row, Guid stepId, CancellationToken cancellationToken)
    {
        switch (row.Status)
        {
            case SessionStatus.AwaitingPayment:
                return OfferRejection.NotReady;
            case SessionStatus.Expired:
                return OfferRejection.Expired;
            case SessionStatus.Completed or SessionStatus.Void:
                return await IsDecidedAsync(row.SessionId, stepId, cancellationToken) ? OfferRejection.Decided : OfferRejection.Completed;
        }
        if (row.CurrentStepId != stepId)
            return await IsDecidedAsync(row.SessionId, stepId, cancellationToken) ? OfferRejection.Decided : OfferRejection.NotCurrent;
        return row.VisitState switch
        {
            StepState.Offered => null,
            { } state when state.IsInFlight() => OfferRejection.InProgress,
            _ => OfferRejection.Decided,
        };
    }

    private Task<bool> IsDecidedAsync(Guid sessionId, Guid stepId, CancellationToken cancellationToken) =>
        db.StepVisits.AnyAsync(v => v.SessionId == sessionId && v.StepId == stepId && v.State != StepState.Offered, cancellationToken);

    /// <summary>Another request changed the step between our read and our update: say what it did.</summary>
    private async Task<OfferRejection> ExplainLostClaimAsync(string token, Guid stepId, CancellationToken cancellationToken)
    {
        var fresh = await FindAsync(token, cancellationToken);
        if (fresh is null) return OfferRejection.NotFound;
        fresh = await ExpireIfDueAsync(fresh, cancellationToken);
        return await CheckDecidableAsync(fresh, stepId, cancellationToken) ?? OfferRejection.InProgress;
    }

    private async Task<PublishedFunnel> RequireFunnelAsync(OfferSessionRow row) =>
        await funnels.GetVersionAsync(row.FunnelVersionId, CancellationToken.None)
        ?? throw new InvalidOperationException($"Funnel version {row.FunnelVersionId} of session {row.SessionId} is missing.");

    private static AcceptResult Rejected(OfferRejection rejection) => new(AcceptOutcome.Rejected, rejection);
}
