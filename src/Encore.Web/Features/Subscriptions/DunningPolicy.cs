using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>A seller's dunning and reminder settings, or the defaults when the seller never changed them.</summary>
public static class DunningPolicy
{
    /// <summary>The longest reminder lead a seller may set (yearly renewals); the reminder scan looks this far ahead.</summary>
    public const int MaxReminderDays = 60;

    public static async Task<DunningSettings> ForSellerAsync(EncoreDbContext db, Guid sellerId, CancellationToken cancellationToken) =>
        await db.DunningSettings.AsNoTracking().FirstOrDefaultAsync(d => d.SellerId == sellerId, cancellationToken)
        ?? new DunningSettings { SellerId = sellerId };
}
