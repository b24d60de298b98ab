namespace Encore.Web.Infrastructure.Idempotency;

/// <summary>Prunes idempotency keys older than a day, once an hour. Deleting twice is harmless.</summary>
public sealed class IdempotencyPruningService(IServiceScopeFactory scopes, ILogger<IdempotencyPruningService> logger)
    : PeriodicJob(scopes, logger, TimeSpan.FromHours(1))
{
    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var pruned = await services.GetRequiredService<IdempotencyStore>().PruneAsync(cancellationToken);
        if (pruned > 0) logger.LogInformation("Pruned {Count} idempotency keys older than a day", pruned);
    }
}
