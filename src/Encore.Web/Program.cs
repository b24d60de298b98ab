using Encore.Web.Features.Delivery;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Buyers;
using Encore.Web.Features.Checkout;
using Encore.Web.Features.Email;
using Encore.Web.Features.Funnels;
using Encore.Web.Features.Offers;
using Encore.Web.Features.Orders;
using Encore.Web.Features.Sellers;
using Encore.Web.Features.Sellers.Audit;
using Encore.Web.Features.Sellers.Funnels;
using Encore.Web.Features.Sellers.Erasure;
using Encore.Web.Features.Sellers.Products;
using Encore.Web.Features.Sellers.Subscriptions;
using Encore.Web.Features.Webhooks;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Idempotency;
using Encore.Web.Infrastructure.Operations;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Payments.Stripe;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

// Offer, receipt and sign-in tokens travel in paths (/o/{token}, /r/{token}, /account/signin/{token}); ASP.NET Core's
// request log would write them out. Pinned here, after the configuration's rules, so no log level setting can turn it on.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

// Production without a live gateway would take orders nobody pays for: say why and stop, before anything else starts.
if (PaymentMode.ProductionRefusal(builder.Configuration, builder.Environment) is { } noGateway)
{
    Console.Error.WriteLine(noGateway);
    Environment.ExitCode = 1;
    return;
}

var (trustedProxies, trustedNetworks, proxiesError) = TrustedProxies.Parse(builder.Configuration[TrustedProxies.Setting]);
proxiesError ??= TrustedProxies.RefuseTrustingEveryone(builder.Configuration);
if (proxiesError is not null)
{
    Console.Error.WriteLine("Refusing to start: " + proxiesError);
    Environment.ExitCode = 1;
    return;
}

var database = DatabaseSettings.From(builder.Configuration, builder.Environment);
if (Encore.Web.Infrastructure.Operations.BackupCommand.IsRequested(args))
{
    Environment.ExitCode = Encore.Web.Infrastructure.Operations.BackupCommand.Run(database, args, Console.Out, Console.Error);
    return;
}
builder.Services.AddEncoreDatabase(database);
builder.Services.AddSingleton(TimeProvider.System);
if (args.Contains(Encore.Web.Features.Subscriptions.BillCommand.Name) &&
    Encore.Web.Features.Subscriptions.BillCommand.UseClock(builder, args) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    Environment.ExitCode = 2;
    return;
}
builder.Services.AddMemoryCache();
builder.Services.AddSingleton<PublishedFunnels>();
builder.Services.AddSingleton<Encore.Web.Features.Branding.SellerBrands>();
builder.Services.AddScoped<Encore.Web.Features.Branding.SellerBranding>();
builder.Services.AddEncorePayments(builder.Configuration, builder.Environment);
builder.Services.AddScoped<IdempotencyStore>();
builder.Services.AddScoped<ChargeStatusCheck>();
builder.Services.AddScoped<Charges>();
builder.Services.AddScoped<CheckoutSettlement>();
builder.Services.AddKeyedScoped<IChargeSettlement>(ChargeKind.Checkout, (sp, _) => sp.GetRequiredService<CheckoutSettlement>());
builder.Services.AddScoped<CheckoutService>();
builder.Services.AddScoped<OfferSettlement>();
builder.Services.AddKeyedScoped<IChargeSettlement>(ChargeKind.Offer, (sp, _) => sp.GetRequiredService<OfferSettlement>());
builder.Services.AddScoped<OfferService>();
builder.Services.AddScoped<CardRelease>();
builder.Services.AddScoped<IOpenWork, ClosedWindows>();
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.SubscriptionStarts>();
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.RenewalSettlement>();
builder.Services.AddKeyedScoped<IChargeSettlement>(ChargeKind.Renewal, (sp, _) => sp.GetRequiredService<Encore.Web.Features.Subscriptions.RenewalSettlement>());
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.BillingRun>();
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.SubscriptionManagement>();
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.SubscriptionMail>();
builder.Services.AddScoped<Encore.Web.Features.Subscriptions.ManageLinks>();
builder.Services.AddScoped<Encore.Web.Infrastructure.SignedLinks>();
builder.Services.AddScoped<Encore.Web.Features.Delivery.Deliveries>();
builder.Services.AddScoped<Encore.Web.Features.Delivery.LicenceKeysMail>();
builder.Services.AddScoped<Encore.Web.Features.Sellers.SigningSecrets>();
builder.Services.AddScoped<Encore.Web.Features.Funnels.ThankYouPages>();
builder.Services.AddScoped<Encore.Web.Features.Delivery.DeliverableCatalog>();
// Sellers' files: an S3-compatible bucket when Encore:Files:S3:Bucket is set (its settings checked now), else a folder.
if (S3FileStoreOptions.IsConfigured(builder.Configuration))
{
    builder.Services.AddSingleton(S3FileStoreOptions.From(builder.Configuration));
    builder.Services.AddSingleton<IFileStore, S3FileStore>();
}
else builder.Services.AddSingleton<IFileStore, LocalFileStore>();
if (builder.Configuration.GetValue("Encore:RunBilling", true)) builder.Services.AddHostedService<Encore.Web.Features.Subscriptions.BillingService>();
builder.Services.AddScoped<ReceiptQuery>();
builder.Services.AddScoped<Encore.Web.Features.Analytics.FunnelAnalytics>();
builder.Services.AddScoped<Reconciler>();
if (builder.Configuration.GetValue("Encore:RunReconciler", true)) builder.Services.AddHostedService<ReconcilerService>();
builder.Services.AddHostedService<IdempotencyPruningService>();
if (builder.Configuration.GetValue("Encore:RunConsentRetention", true)) builder.Services.AddHostedService<Encore.Web.Features.Buyers.ConsentRetentionService>();

// The outbox: webhooks and e-mails written with the change they report, sent by workers holding leases.
builder.Services.AddScoped<WebhookOutbox>();
builder.Services.AddScoped<WebhookEndpoints>();
builder.Services.AddScoped<WebhookDispatcher>();
var webhookNetwork = WebhookNetworkSettings.From(builder.Configuration, builder.Environment);
builder.Services.AddSingleton(webhookNetwork);
builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = WebhookDispatcher.Timeout)
    .ConfigurePrimaryHttpMessageHandler(() => WebhookNetwork.CreateHandler(webhookNetwork));
builder.Services.AddScoped<EmailOutbox>();
builder.Services.AddScoped<EmailSender>();
builder.Services.Configure<SmtpSettings>(builder.Configuration.GetSection("Encore:Smtp"));
if (builder.Configuration.GetValue("Encore:RunWebhookDispatcher", true)) builder.Services.AddHostedService<WebhookDispatcherService>();
if (builder.Configuration.GetValue("Encore:RunEmailSender", true)) builder.Services.AddHostedService<EmailSenderService>();

// Antiforgery and cookie keys live in the database: every instance must accept the others' forms. With a certificate
// (Encore:DataProtection:Certificate, a .pfx, and its password) they are stored encrypted with it.
var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Encore");
if (builder.Configuration["Encore:DataProtection:Certificate"] is { Length: > 0 } certificatePath)
    dataProtection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
        certificatePath, builder.Configuration["Encore:DataProtection:CertificatePassword"]));
else if (builder.Environment.IsDevelopment())
    // "No XML encryptor configured": true, and on a developer's machine nothing to act on (docs/deploy.md, for production).
    builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
    new ConfigureOptions<KeyManagementOptions>(options =>
        options.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IDbContextFactory<EncoreDbContext>>())));
builder.Services.AddSellerAuth(builder.Environment);
builder.Services.AddEncoreCookieSecurity();
builder.Services.AddScoped<SellerApiKeys>();
builder.Services.AddScoped<Catalog>();
builder.Services.AddScoped<FunnelDefinitions>();
builder.Services.AddScoped<FunnelDrafts>();
builder.Services.AddSellerOrders();
builder.Services.AddSellerSubscriptions();
builder.Services.AddSellerAudit();
builder.Services.AddBuyerAccount(builder.Environment);
builder.Services.AddEncoreRateLimits(builder.Configuration);
builder.Services.AddRazorPages(options =>
{
    options.RootDirectory = "/Features";
    options.Conventions.AddPageApplicationModelConvention("/Checkout/Checkout", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.Checkout)));
    options.Conventions.AddPageApplicationModelConvention("/Offers/Offer", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.Accept)));
    options.Conventions.AddPageApplicationModelConvention("/Sellers/SignIn", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
    options.Conventions.AddPageApplicationModelConvention("/Sellers/SignUp", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
    options.Conventions.AddPageApplicationModelConvention("/Sellers/Confirm", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
    options.Conventions.AddPageApplicationModelConvention("/Subscriptions/NewLink", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
    options.Conventions.AddPageApplicationModelConvention("/Subscriptions/Manage", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.Accept)));
    options.Conventions.AddPageApplicationModelConvention("/Buyers/Account", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.BuyerSignIn)));
    options.Conventions.AddPageApplicationModelConvention("/Buyers/SignIn", page => page.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.BuyerSignIn)));
    options.Conventions.AuthorizeFolder("/Sellers", SellerAuth.PagesPolicy);
    options.Conventions.AuthorizeSellerRoles(); // owner-only pages and handlers, in one table
    options.Conventions.AllowAnonymousToPage("/Sellers/SignIn");
    options.Conventions.AllowAnonymousToPage("/Sellers/SignUp");
    options.Conventions.AllowAnonymousToPage("/Sellers/SignUpSent");
    options.Conventions.AllowAnonymousToPage("/Sellers/Confirm");
    options.Conventions.AuthorizeFolder("/Buyers", BuyerAuth.PagesPolicy);
    options.Conventions.AllowAnonymousToPage("/Buyers/Account");
    options.Conventions.AllowAnonymousToPage("/Buyers/SignIn");
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "Encore API";
    document.Info.Description = "Checkout and one-click post-purchase offers for custom storefronts. Money is {amount, currency} in minor units.";
    return Task.CompletedTask;
}));
builder.Services.Configure<ForwardedHeadersOptions>(options => TrustedProxies.Configure(options, trustedProxies, trustedNetworks));
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.AddEncoreOperations();

var app = builder.Build();

if (args.Contains("reconcile"))
{
    await DatabaseSetup.MigrateAsync(app.Services, CancellationToken.None);
    await using var scope = app.Services.CreateAsyncScope();
    var settled = await scope.ServiceProvider.GetRequiredService<Reconciler>().RunOnceAsync(CancellationToken.None);
    Console.WriteLine($"Reconciled {settled} charge(s).");
    return;
}

if (args.Contains(Encore.Web.Features.Subscriptions.BillCommand.Name))
{
    Environment.ExitCode = await Encore.Web.Features.Subscriptions.BillCommand.RunAsync(app, args);
    return;
}

await DatabaseSetup.MigrateAsync(app.Services, CancellationToken.None);
if (app.Configuration.GetValue("Encore:SeedDemo", true))
{
    await using var scope = app.Services.CreateAsyncScope();
    await DemoSeed.EnsureAsync(scope.ServiceProvider.GetRequiredService<EncoreDbContext>(), TimeProvider.System, CancellationToken.None);
    await DemoSeed.EnsureMembershipAsync(scope.ServiceProvider.GetRequiredService<EncoreDbContext>(), TimeProvider.System, CancellationToken.None);
    await DemoSeed.EnsureBrandingAsync(scope.ServiceProvider.GetRequiredService<EncoreDbContext>(), TimeProvider.System, CancellationToken.None);
    try
    {
        await DemoSeed.EnsureDeliveryAsync(scope.ServiceProvider.GetRequiredService<EncoreDbContext>(),
            scope.ServiceProvider.GetRequiredService<IFileStore>(), TimeProvider.System, CancellationToken.None);
    }
    catch (FileStoreUnavailableException exception)
    {
        // A bucket that cannot be reached at start does not keep checkout down; the next start stores the workbook.
        app.Logger.LogWarning(exception, "The demo course's workbook was not stored, so it delivers nothing yet: {Reason}", exception.Message);
    }
    await DemoSeed.EnsureDemoLoginAsync(scope.ServiceProvider, app.Configuration, app.Environment);
}

// Only from listed proxies: with no proxy listed the middleware would believe anyone, so it is not used at all.
if (trustedProxies.Count + trustedNetworks.Count > 0) app.UseForwardedHeaders();
// The API answers problem details; a buyer's page answers a readable page, never a stack trace.
app.UseWhen(context => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/webhooks"), api =>
{
    api.UseExceptionHandler();
    api.UseStatusCodePages();
});
app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/webhooks"), pages =>
{
    pages.UseExceptionHandler("/error/500");
    pages.UseStatusCodePagesWithReExecute("/error/{0}");
});
if (!app.Environment.IsDevelopment()) app.UseHsts();
app.UseEncoreSecurityHeaders();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOpenApi();
app.MapEncoreOperations();
app.MapFunnelsApi();
app.MapCheckoutApi();
app.MapOffersApi();
app.MapSellerApi();
app.MapDeliverablesApi();
app.MapSellerFunnelsApi();
app.MapSellerOrdersApi();
app.MapSellerSubscriptionsApi();
app.MapSellerAnalyticsApi();
app.MapSellerEraseRequestsApi();
app.MapSellerAuditLogApi();
app.MapBuyerData();
Encore.Web.Features.Branding.BrandingEndpoints.MapBranding(app);
app.MapStripeWebhooks();
app.MapRazorPages();
app.MapGet("/", () => Results.Redirect($"/f/{DemoSeed.FunnelSlug}")).ExcludeFromDescription();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    var first = "";
    foreach (var address in addresses)
    {
        var url = address.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost");
        if (first.Length == 0) first = url;
        app.Logger.LogInformation("Encore is running ({Provider}). Open {Url}/f/{Slug}", database.Provider, url, DemoSeed.FunnelSlug);
    }
    var smtp = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Encore.Web.Features.Email.SmtpSettings>>().CurrentValue;
    if (Encore.Web.Features.Email.EmailSender.UsesDevMailbox(smtp, app.Environment))
        app.Logger.LogInformation("No SMTP server is set (Encore__Smtp__Host): the e-mails Encore would send are shown at {Url}/dev/mail", first);
    else if (string.IsNullOrWhiteSpace(smtp.Host))
        app.Logger.LogWarning("No SMTP server is set (Encore__Smtp__Host): receipts and other e-mails are queued, and sent once one is set");
});

app.Run();

/// <summary>The app's entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
