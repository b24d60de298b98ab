using System.Runtime.CompilerServices;
using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Encore.Web.Features.Offers;

/// <summary>A post-purchase session with what the buyer's path needs of its order and current step: one query.</summary>
public sealed record OfferSessionRow(
    Guid SessionId,
    Guid OrderId,
    Guid SellerId,
    Guid FunnelVersionId,
    SessionStatus Status,
    Guid? CurrentStepId,
    DateTimeOffset ExpiresAt,
    string GatewayCustomerId,
    string? PaymentMethodId,
    string? CardBrand,
    string? CardLast4,
    string BrowserBindingHash,
    OrderStatus OrderStatus,
    string Currency,
    StepState? VisitState,
    DateTimeOffset? ViewedAt,
    Guid? VisitChargeId)
{
    /// <remarks>
    /// Read on every request of the buyer's path, so it runs as a compiled query: EF Core otherwise rebuilds and
    /// walks this expression tree on each call to find its cache entry, the largest share of the path's
    /// allocations in a profile. A compiled query belongs to one model (SQLite's or PostgreSQL's; each test host
    /// builds its own), hence one per model.
    /// </remarks>
    public static Task<OfferSessionRow?> FindAsync(EncoreDbContext db, string tokenHash, CancellationToken cancellationToken) =>
        ByModel.GetValue(db.Model, static _ => Compile())(db, tokenHash, cancellationToken);

    private static readonly ConditionalWeakTable<IModel, Func<EncoreDbContext, string, CancellationToken, Task<OfferSessionRow?>>> ByModel = new();

    private static Func<EncoreDbContext, string, CancellationToken, Task<OfferSessionRow?>> Compile() =>
        EF.CompileAsyncQuery((EncoreDbContext db, string tokenHash, CancellationToken cancellationToken) =>
            (from s in db.PostPurchaseSessions.AsNoTracking()
             where s.TokenHash == tokenHash
             join o in db.Orders on s.OrderId equals o.Id
             let visit = db.StepVisits.FirstOrDefault(v => v.SessionId == s.Id && v.StepId == s.CurrentStepId)
             select new OfferSessionRow(
                 s.Id, s.OrderId, o.SellerId, s.FunnelVersionId, s.Status, s.CurrentStepId, s.ExpiresAt,
                 s.GatewayCustomerId, s.PaymentMethodId, s.CardBrand, s.CardLast4, s.BrowserBindingHash,
                 o.Status, o.Currency,
                 visit == null ? null : visit.State,
                 visit == null ? null : visit.ViewedAt,
                 visit == null ? null : visit.ChargeId))
            .FirstOrDefault());
}
