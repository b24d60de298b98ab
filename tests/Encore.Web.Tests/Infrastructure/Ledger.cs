using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>The Sandbox gateway's own ledger against Encore's orders: succeeded intents are money that moved.</summary>
public static class Ledger
{
    /// <summary>Succeeded intents in the gateway's ledger for the charges of one order.</summary>
    public static Task<int> SucceededChargesAsync(EncoreApp app, Guid orderId) => app.QueryAsync(db =>
        db.SandboxPaymentIntents.CountAsync(i => i.Status == SandboxIntentStatus.Succeeded &&
                                                 db.Charges.Any(c => c.OrderId == orderId && c.IdempotencyKey == i.IdempotencyKey)));

    /// <summary>Encore's side: where the order's one one-click charge stands.</summary>
    public static Task<ChargeStatus> OfferChargeStatusAsync(EncoreApp app, Guid orderId) =>
        app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId && c.Kind == ChargeKind.Offer).Select(c => c.Status).SingleAsync());

    /// <summary>
    /// Every succeeded charge of the order has its money in the ledger (and nothing else has), every key was
    /// sent to the gateway at most once, and a one-click charge has an order line exactly when it succeeded.
    /// </summary>
    public static async Task AssertAgreesAsync(EncoreApp app, Guid orderId)
    {
        var (charges, intents, lines) = await app.QueryAsync(async db =>
        {
            var all = await db.Charges.Where(c => c.OrderId == orderId).ToListAsync();
            var keys = all.Select(c => c.IdempotencyKey).ToList();
            return (all,
                await db.SandboxPaymentIntents.Where(i => keys.Contains(i.IdempotencyKey)).ToListAsync(),
                await db.OrderLines.Where(l => l.OrderId == orderId).ToListAsync());
        });
        Assert.Equal(
            charges.Where(c => c.Status == ChargeStatus.Succeeded).Select(c => c.IdempotencyKey).Order(),
            intents.Where(i => i.Status == SandboxIntentStatus.Succeeded).Select(i => i.IdempotencyKey).Order());
        Assert.Equal(intents.Count, intents.Select(i => i.IdempotencyKey).Distinct().Count());
        Assert.All(charges.Where(c => c.Kind == ChargeKind.Offer), c =>
            Assert.Equal(c.Status == ChargeStatus.Succeeded ? 1 : 0, lines.Count(l => l.ChargeId == c.Id)));
    }
}
