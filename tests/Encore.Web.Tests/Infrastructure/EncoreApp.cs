using Microsoft.Extensions.Logging;
using Encore.Web.Data;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// Encore through its real HTTP pipeline on a fresh database of one kind, with a clock the tests move and
/// an optional fault-injecting wrapper around the Sandbox gateway. The background reconciler is off:
/// tests run it when they mean to.
/// </summary>
public class EncoreApp(DatabaseKind kind) : IAsyncLifetime
{
    private TestDatabase? _database;
    private WebApplicationFactory<Program>? _factory;

    public DatabaseKind Kind { get; } = kind;

    /// <summary>What the app logged, filtered by its own configured levels.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The secret Stripe signs webhook events with, as the tests' app is configured.</summary>
    public const string StripeWebhookSecret = "whsec_test_encore_webhooks";

    /// <summary>Real now at the start, in whole milliseconds (PostgreSQL keeps microseconds, .NET ticks are finer), moved by the tests.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public FaultyGateway Faults { get; private set; } = null!;

    public FailingSettlement Database { get; } = new();

    /// <summary>Every seller endpoint's answer in this app: records what the webhook dispatcher sends.</summary>
    public WebhookReceiver Webhooks { get; } = new();

    /// <summary>The folder this app's file store writes to (removed with the app).</summary>
    public string FilesFolder { get; } = Path.Combine(Path.GetTempPath(), "encore-files-" + Guid.NewGuid().ToString("N"));

    /// <summary>The largest upload the tests' app takes: small, so "too large" is cheap to test.</summary>
    public const long MaxFileBytes = 256 * 1024;

    /// <summary>The loopback port mail goes to; tests that send mail start a <see cref="TestSmtpServer"/> on it.</summary>
    public int SmtpPort { get; } = TestSmtpServer.FreePort();

    public IServiceProvider Services
    {
        get
        {
            EnsureAvailable();
            return Factory.Services;
        }
    }

    /// <summary>Skips (locally) or fails (in CI) a test whose app needs what this machine lacks.</summary>
    protected virtual void EnsureAvailable() => TestDatabase.EnsureAvailable(Kind);

    private WebApplicationFactory<Program> Factory =>
        _factory ?? throw new InvalidOperationException("The app was not started: the database kind is not available here.");

    public virtual async ValueTask InitializeAsync()
    {
        if (Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return; // each test skips or fails
        _database = await TestDatabase.CreateAsync(Kind);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ENCORE_DATABASE", _database.ConnectionString);
            builder.UseSetting("Encore:RunReconciler", "false");
            builder.UseSetting("Encore:RunBilling", "false");
            builder.UseSetting("ENCORE_STRIPE_WEBHOOK_SECRET", StripeWebhookSecret);
            builder.UseSetting("Encore:RateLimits:Enabled", "false"); // one test client sends far more than a buyer; RateLimitTests turn them on
            builder.UseSetting("Encore:RunWebhookDispatcher", "false");
            builder.UseSetting("Encore:RunEmailSender", "false");
            builder.UseSetting("Encore:Files:Folder", FilesFolder);
            builder.UseSetting("Encore:Files:MaxBytes", MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Encore:Smtp:Host", "127.0.0.1");
            builder.UseSetting("Encore:Smtp:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Encore:Smtp:UseTls", "false");
            builder.UseSetting("Encore:Smtp:From", "Encore <receipts@encore.test>");
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestRemoteAddress>();
                services.AddSingleton(sp => new FaultyGateway(sp.GetRequiredService<SandboxGateway>()));
                services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<FaultyGateway>());
                services.AddHttpClient(Encore.Web.Features.Webhooks.WebhookDispatcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Webhooks);
                services.ConfigureDbContext<SqliteEncoreDbContext>(options => options.AddInterceptors(Database));
                services.ConfigureDbContext<PostgresEncoreDbContext>(options => options.AddInterceptors(Database));
            });
            ConfigureWebHost(builder);
        });
        _ = _factory.Server; // start: migrate and seed now, not in the first test
        Faults = _factory.Services.GetRequiredService<FaultyGateway>();
    }

    /// <summary>A hook for fixtures that configure more (another gateway); runs after the settings above.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    public HttpClient CreateClient(bool followRedirects = false)
    {
        EnsureAvailable();
        return Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects, HandleCookies = true });
    }

    /// <summary>A client at another address (https://… to make its requests HTTPS).</summary>
    public HttpClient CreateClient(Uri baseAddress, bool handleCookies = true)
    {
        TestDatabase.EnsureAvailable(Kind);
        return Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = handleCookies, BaseAddress = baseAddress });
    }

    /// <summary>Runs a query against the app's database in a scope of its own.</summary>
    public async Task<T> QueryAsync<T>(Func<EncoreDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<EncoreDbContext>());
    }

    /// <summary>Moves the clock past the reconciler's grace period and runs it once, as the background job would.</summary>
    public async Task<int> ReconcileAsync()
    {
        Clock.Advance(Reconciler.Grace + TimeSpan.FromSeconds(1));
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Reconciler>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>One pass of the webhook dispatcher, as the background job would run it.</summary>
    public async Task<int> DispatchWebhooksAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Encore.Web.Features.Webhooks.WebhookDispatcher>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>One pass of the e-mail sender, as the background job would run it.</summary>
    public async Task<int> SendEmailsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Encore.Web.Features.Email.EmailSender>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>The gateway the buyer's path runs against, as the test names show it.</summary>
    public virtual string Gateway => "sandbox";

    /// <summary>What the buyer's bank does on its challenge page for the payment behind an action URL Encore gave the buyer.</summary>
    public virtual async Task BankAnswersAsync(string actionUrl, bool approve)
    {
        Assert.StartsWith(SandboxGateway.AuthenticationPath, actionUrl);
        var paymentId = actionUrl[SandboxGateway.AuthenticationPath.Length..].Split('?')[0];
        await Services.GetRequiredService<SandboxGateway>().CompleteAuthenticationAsync(paymentId, approve, CancellationToken.None);
    }

    /// <summary>A test payment method that pays at checkout, for a buyer whose bank then declines off-session charges (<see cref="BankDeclinesOffSessionAsync"/>).</summary>
    public virtual string CardDeclinedOffSessionLater => SandboxTestCards.DeclinedOffSession;

    /// <summary>
    /// From now on the bank declines every off-session charge (a one-click offer, a renewal) on the card this order was
    /// paid with. On the Sandbox the test card <see cref="CardDeclinedOffSessionLater"/> already behaves so.
    /// </summary>
    public virtual Task BankDeclinesOffSessionAsync(Guid orderId) => Task.CompletedTask;

    /// <summary>Payments that succeeded at the gateway for the charges of one order.</summary>
    public virtual Task<int> SucceededAtGatewayAsync(Guid orderId) => Ledger.SucceededChargesAsync(this, orderId);

    /// <summary>The gateway's ledger and Encore's order agree charge for charge.</summary>
    public virtual Task AssertGatewayAgreesAsync(Guid orderId) => Ledger.AssertAgreesAsync(this, orderId);

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        if (Directory.Exists(FilesFolder)) Directory.Delete(FilesFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp() : EncoreApp(DatabaseKind.Sqlite);

public sealed class PostgresApp() : EncoreApp(DatabaseKind.Postgres);
