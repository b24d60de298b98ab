using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Encore.Web.Tests.Infrastructure;
using Encore.Web.Tests.Infrastructure.FakeStripe;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Encore.Web.Tests.Operations;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a checkout on Stripe (Stripe.net against the fake Stripe API on loopback)
/// reaches an OTLP collector as spans of ASP.NET Core, EF Core and the HttpClient call to Stripe, and no span carries the
/// buyer's session token. The collector is a loopback listener that keeps what it receives (OTLP over HTTP/protobuf,
/// whose strings are plain UTF-8). Instrumentation listens process-wide, so this class runs alone (with the metrics tests).
/// </summary>
public abstract class TracesTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : OtlpStripeApp
{
    [Fact]
    public async Task A_checkout_on_stripe_is_traced_through_aspnetcore_ef_core_and_the_call_to_stripe()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await buyer.GetOfferAsync(); // the session token in the path
        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), "the exporter did not flush");

        var traces = app.Collector.Received("/v1/traces");
        Assert.NotEmpty(traces);
        var text = Encoding.UTF8.GetString(traces.SelectMany(b => b).ToArray());
        Assert.Contains("encore", text); // service.name
        Assert.Contains("Microsoft.AspNetCore", text);
        Assert.Contains("api/v1/checkouts", text);
        Assert.Contains("OpenTelemetry.Instrumentation.EntityFrameworkCore", text);
        Assert.Contains("System.Net.Http", text);
        Assert.Contains(app.Stripe.ApiBase.Replace("http://", "", StringComparison.Ordinal).TrimEnd('/'), text); // the call to Stripe's API
        Assert.Contains("payment_intents", text);
        Assert.Contains("api/v1/offers/{token}", text);
        Assert.DoesNotContain(buyer.Token!, text);
    }
}

/// <summary>Encore on Stripe (the fake) exporting by OTLP over HTTP to a loopback <see cref="OtlpCollector"/>.</summary>
public class OtlpStripeApp(DatabaseKind kind) : StripeApp(kind)
{
    public OtlpCollector Collector { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", Collector.Url);
        builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Collector.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class OtlpStripeSqliteApp() : OtlpStripeApp(DatabaseKind.Sqlite);

public sealed class OtlpStripePostgresApp() : OtlpStripeApp(DatabaseKind.Postgres);

/// <summary>An OTLP/HTTP collector on loopback that answers 200 and keeps each request's body by path.</summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

    public OtlpCollector()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public List<byte[]> Received(string path) => _received.Where(r => r.Path == path).Select(r => r.Body).ToList();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

[Collection(nameof(MetricsCollection))]
public sealed class TracesTests_Sqlite(OtlpStripeSqliteApp app) : TracesTests<OtlpStripeSqliteApp>(app);

[Collection(nameof(MetricsCollection))]
public sealed class TracesTests_Postgres(OtlpStripePostgresApp app) : TracesTests<OtlpStripePostgresApp>(app);
