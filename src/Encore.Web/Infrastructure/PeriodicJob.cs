namespace Encore.Web.Infrastructure;

/// <summary>
/// Runs a piece of background work at a fixed interval, each run in its own DI scope; a failed run is
/// logged and the next one tries again. Nothing here is needed for correctness: every job is safe to run
/// in several instances at once.
/// </summary>
public abstract class PeriodicJob(IServiceScopeFactory scopes, ILogger logger, TimeSpan interval) : BackgroundService
{
    /// <summary>A job's interval: <c>Encore:Jobs:{name}Seconds</c> when set (operators, tests), else the default.</summary>
    protected static TimeSpan Every(IConfiguration configuration, string name, TimeSpan fallback) =>
        configuration.GetValue<double?>($"Encore:Jobs:{name}Seconds") is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : fallback;

    protected abstract Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "{Job} failed; the next run tries again", GetType().Name);
            }
        }
    }
}
