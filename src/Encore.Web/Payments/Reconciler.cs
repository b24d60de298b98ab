using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Payments;

/// <summary>
/// Settles charges whose outcome this side never learned (a time-out, a lost answer, a process that died
/// between the gateway call and the second transaction, a buyer who answered the bank and never came
/// back), and refunds left pending or unknown the same way. It asks the gateway by the charge's own idempotency key and records what the gateway says; it
/// never charges again. Safe to run in every instance at once: each settlement is a conditional update.
/// </summary>
public sealed class Reconciler(
    EncoreDbContext db,
    IPaymentGateway gateway,
    Charges charges,
    IEnumerable<IOpenWork> openWork,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<Reconciler> logger)
{
    /// <summary>Charges younger than this may still have their own request running; leave them to it.</summary>
    public static readonly TimeSpan Grace = GatewayCalls.Timeout + TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a charge waiting for the buyer's authentication is still asked about. Beyond it the bank's
    /// page is abandoned, and asking about such charges for ever would crowd out the rest of each batch.
    /// </summary>
    public static readonly TimeSpan AuthenticationHorizon = TimeSpan.FromDays(1);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // An operator may shorten the grace when no instance is running (nothing can be in flight), e.g. after a crash.
        var grace = configuration.GetValue<double?>("Encore:ReconcilerGraceSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : Grace;
        var cutoff = now - grace;
        var horizon = now - AuthenticationHorizon;
        var open = await db.Charges.AsNoTracking()
            .Where(c => (c.Status == ChargeStatus.Pending || c.Status == ChargeStatus.Unknown ||
                         (c.Status == ChargeStatus.RequiresAction && c.CreatedAt > horizon)) && c.CreatedAt < cutoff)
            // Not among ChargeStates.Open on purpose: a bank page abandoned for a day is no longer asked about.
            // Lost answers first: each of them is money that may have moved; a bank page may still be open.
            .OrderBy(c => c.Status == ChargeStatus.RequiresAction)
            .ThenBy(c => c.CreatedAt)
            .Take(100)
            .ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var charge in open)
        {
            PaymentResult? result;
            try
            {
                // A charge of nothing (a one-click free trial) never went to the gateway: it succeeds as it would have.
                // One the gateway has named (waiting for the buyer's bank) is read by its id, which every gateway can
                // read at any age; the others are found by their key.
                result = Charges.MovesNoMoney(charge)
                    ? Charges.NoMoney(charge, null)
                    : charge.GatewayPaymentId is { Length: > 0 } paymentId
                        ? await gateway.GetPaymentAsync(paymentId, cancellationToken)
                        : await gateway.FindPaymentByIdempotencyKeyAsync(charge.IdempotencyKey, charge.CreatedAt, cancellationToken);
            }
            catch (Exception exception) when (exception is GatewayUnavailableException or GatewayRequestException or HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning(exception, "Reconciler could not reach the gateway for charge {ChargeId}; will try again", charge.Id);
                continue;
            }
            // The gateway never saw the key, and the request that would have sent it is long over: nothing was charged.
            result ??= GatewayCalls.NothingCharged(charge.Amount, charge.Currency, GatewayCalls.NotReceived, "The payment never reached the bank. Nothing was charged.");
            // Past the grace (or the operator's shorter one, when nothing runs): the charge's own request is over.
            if (!await charges.ApplyAsync(charge, result, cancellationToken, ownRequestOver: true)) continue;
            logger.LogInformation("Reconciled charge {ChargeId}: {Status}", charge.Id, result.Status);
            settled++;
        }
        // Refunds whose answer was lost (asked again with the same key), windows that closed while the buyer was away.
        foreach (var work in openWork) settled += await work.SettleAsync(cutoff, cancellationToken);
        return settled;
    }

    /// <summary>
    /// Records what the gateway says about a charge, through the settlement of its kind (conditional: once), for a caller
    /// that is not the charge's own request (a webhook). False when there is nothing to record yet: still processing, the
    /// buyer has not answered the bank, or a failure while the charge's own request may still be recovering from it.
    /// </summary>
    public Task<bool> ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken) =>
        charges.ApplyAsync(charge, result, cancellationToken);
}

/// <summary>Runs the reconciler every few seconds in the background.</summary>
public sealed class ReconcilerService(IServiceScopeFactory scopes, ILogger<ReconcilerService> logger, IConfiguration configuration)
    : PeriodicJob(scopes, logger, Every(configuration, "Reconciler", TimeSpan.FromSeconds(15)))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Reconciler>().RunOnceAsync(cancellationToken);
}
