namespace Encore.Web.Infrastructure.Idempotency;

/// <summary>Prunes idempotency keys older than a day, once an hour. Any instance may run it; deleting twice is harmless.</summary>
public sealed class IdempotencyPruningService(IServiceScopeFactory scopes, ILogger<IdempotencyPruningService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var pruned = await scope.ServiceProvider.GetRequiredService<IdempotencyStore>().PruneAsync(stoppingToken);
                if (pruned > 0) logger.LogInformation("Pruned {Count} idempotency keys older than a day", pruned);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Pruning idempotency keys failed; the next run tries again");
            }
        }
    }
}
