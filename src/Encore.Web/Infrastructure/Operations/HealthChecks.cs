using System.Text;
using System.Text.Json;
using Encore.Web.Data;
using Encore.Web.Features.Delivery;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// <c>/healthz</c>: the process is up and answers (nothing else is asked, so a database outage never gets a healthy
/// process restarted). <c>/readyz</c>: this instance can take orders: the database answers, its schema has every
/// migration this build knows, and the file store takes a write. 200 when all pass, 503 naming the ones that failed.
/// </summary>
public static class EncoreHealth
{
    public const string Live = "live";
    public const string Ready = "ready";

    /// <summary>How long one check may take before it counts as failed (a database host that does not answer).</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddEncoreHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("Encore is running."), tags: [Live])
            .AddCheck<DatabaseCheck>("database", tags: [Ready], timeout: CheckTimeout)
            .AddCheck<MigrationsCheck>("migrations", tags: [Ready], timeout: CheckTimeout)
            .AddCheck<FileStoreCheck>("files", tags: [Ready], timeout: CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapEncoreHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", Options(Live)).ExcludeFromDescription();
        app.MapHealthChecks("/readyz", Options(Ready)).ExcludeFromDescription();
        return app;
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteJsonAsync,
        // Degraded is not used by Encore's checks; anything but healthy is not ready.
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    /// <summary><c>{"status":"unhealthy","checks":[{"name":"database","status":"healthy","description":"…","durationMs":3.1}, …]}</c></summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", Name(report.Status));
            json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", Name(entry.Status));
                json.WriteString("description", entry.Description ?? entry.Exception?.Message ?? "");
                json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return context.Response.WriteAsync(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>The database answers a query.</summary>
public sealed class DatabaseCheck(IDbContextFactory<EncoreDbContext> contexts, DatabaseSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            // A real round trip (CanConnect only opens a connection, which a pool may hand out without asking the server).
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy($"{settings.Provider} answers.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{settings.Provider} does not answer: {exception.GetBaseException().Message}");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{settings.Provider} did not answer within {EncoreHealth.CheckTimeout.TotalSeconds:0} s.");
        }
    }
}

/// <summary>The schema has every migration this build knows: an instance of a newer build waits until they are applied.</summary>
public sealed class MigrationsCheck(IDbContextFactory<EncoreDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Every migration is applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}. Encore applies them when it starts.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The applied migrations could not be read: {exception.GetBaseException().Message}");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The applied migrations could not be read within {EncoreHealth.CheckTimeout.TotalSeconds:0} s.");
        }
    }
}

/// <summary>The file store takes a small object and gives it back, then the object is deleted.</summary>
public sealed class FileStoreCheck(IFileStore files) : IHealthCheck
{
    private static readonly byte[] Probe = "encore readiness probe"u8.ToArray();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var key = $"health/{Environment.MachineName}-{Guid.NewGuid():N}";
        try
        {
            using (var content = new MemoryStream(Probe, writable: false))
                await files.PutAsync(key, content, Probe.Length, cancellationToken);
            await using (var stored = await files.OpenReadAsync(key, cancellationToken))
            {
                if (stored is null) return HealthCheckResult.Unhealthy("The file store took a probe object but cannot find it.");
            }
            await files.DeleteAsync(key, cancellationToken);
            return HealthCheckResult.Healthy("The file store takes writes.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The file store does not take writes: {exception.GetBaseException().Message}");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The file store did not answer within {EncoreHealth.CheckTimeout.TotalSeconds:0} s.");
        }
    }
}
