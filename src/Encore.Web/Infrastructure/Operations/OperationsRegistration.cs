using Encore.Web.Data;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// Everything an operator runs Encore with, in one place (docs/decisions/0015-operations.md): health checks
/// (<c>/healthz</c>, <c>/readyz</c>), OpenTelemetry (traces, metrics and logs by OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; metrics at <c>/metrics</c> when <c>Encore:Metrics:Prometheus=true</c>), the
/// OpenAPI document's security schemes and the API reference at <c>/api</c>. With neither exporter on, no telemetry is
/// collected at all: the counters on the buyer's path are disabled instruments.
/// </summary>
public static class OperationsRegistration
{
    public const string PrometheusSetting = "Encore:Metrics:Prometheus";
    public const string MetricsPath = "/metrics";

    /// <summary>The OpenTelemetry exporter's own setting: an OTLP collector's address (traces, metrics and logs go there).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddEncoreOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddEncoreHealthChecks();
        services.Configure<OpenApiOptions>("v1", options => options.AddEncoreSecurity());

        // Counts a charge's move when its transaction commits (EncoreMetrics.ChargeMoved).
        services.ConfigureDbContext<SqliteEncoreDbContext>(options => options.AddInterceptors(CommitHooks.Instance));
        services.ConfigureDbContext<PostgresEncoreDbContext>(options => options.AddInterceptors(CommitHooks.Instance));

        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var prometheus = configuration.GetValue(PrometheusSetting, false);
        if (!otlp && !prometheus) return builder;

        services.AddSingleton<OperationsGauges>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "encore",
                serviceVersion: typeof(OperationsRegistration).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EncoreMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp) metrics.AddOtlpExporter();
                if (prometheus) metrics.AddPrometheusExporter();
            });
        if (otlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        options.Filter = http => !IsProbe(http.Request.Path);
                        options.EnrichWithHttpResponse = HideTokens;
                    })
                    // Calls to Stripe's API and to sellers' webhook endpoints (query strings redacted by the instrumentation).
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation()
                    .AddOtlpExporter())
                .WithLogging(logging => logging.AddOtlpExporter());
        }
        return builder;
    }

    public static WebApplication MapEncoreOperations(this WebApplication app)
    {
        app.MapEncoreHealthChecks();
        if (app.Configuration.GetValue(PrometheusSetting, false)) app.MapPrometheusScrapingEndpoint(MetricsPath);
        // The gauges read the database when metrics are collected: made now, so the first collection has them.
        _ = app.Services.GetService<OperationsGauges>();
        app.MapEncoreApiReference();
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(MetricsPath);

    /// <summary>
    /// Offer, receipt, sign-in and download tokens travel in paths (<c>/o/{token}</c>, <c>/api/v1/offers/{token}</c>, …) and
    /// some in query strings: a span keeps the route's template (<c>http.route</c>) instead of the path, and no query.
    /// </summary>
    private static void HideTokens(System.Diagnostics.Activity activity, HttpResponse response)
    {
        var route = response.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } raw } ? "/" + raw.TrimStart('/') : null;
        activity.SetTag("url.path", route);
        activity.SetTag("url.query", null);
    }
}
