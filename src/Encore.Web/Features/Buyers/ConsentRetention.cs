using Encore.Web.Data;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Buyers;

/// <summary>
/// Consent records keep the buyer's IP address and browser as evidence for a dispute, for as long as the seller sets
/// (<see cref="Data.Entities.Seller.ConsentRetentionDays"/>, default 540 days, the longest card-network dispute window),
/// then this job clears both; the disclosure's text and hash, the amount and the time stay. Idempotent: a conditional
/// update per seller, safe with several instances running it.
/// </summary>
public sealed class ConsentRetention(EncoreDbContext db, TimeProvider clock, ILogger<ConsentRetention> logger)
{
    public const int DefaultDays = 540;
    public const int MinDays = 120;
    public const int MaxDays = 3650;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sellers = await db.Sellers.AsNoTracking().Select(s => new { s.Id, s.ConsentRetentionDays }).ToListAsync(cancellationToken);
        var cleared = 0;
        foreach (var seller in sellers)
        {
            var cutoff = now.AddDays(-(seller.ConsentRetentionDays ?? DefaultDays));
            cleared += await db.ConsentRecords
                .Where(c => c.SellerId == seller.Id && c.AgreedAt < cutoff && (c.IpAddress != null || c.UserAgent != null))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.IpAddress, (string?)null).SetProperty(c => c.UserAgent, (string?)null), cancellationToken);
        }
        if (cleared > 0) logger.LogInformation("Cleared the IP address and browser of {Count} consent records past their sellers' retention", cleared);
        return cleared;
    }
}

/// <summary>Runs <see cref="ConsentRetention"/> every hour.</summary>
public sealed class ConsentRetentionService(IServiceScopeFactory scopes, ILogger<ConsentRetentionService> logger, IConfiguration configuration)
    : PeriodicJob(scopes, logger, Every(configuration, "ConsentRetention", TimeSpan.FromHours(1)))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ConsentRetention>().RunOnceAsync(cancellationToken);
}
