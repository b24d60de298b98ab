using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Data;

/// <summary>
/// Encore's one database. Each provider has its own subclass only so that each keeps its own migrations
/// (SQLite and PostgreSQL need different column types); the model is this one.
/// </summary>
public abstract class EncoreDbContext(DbContextOptions options)
    : IdentityDbContext<SellerUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Seller> Sellers => Set<Seller>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<BrandImage> BrandImages => Set<BrandImage>();
    public DbSet<ProductPrice> Prices => Set<ProductPrice>();
    public DbSet<Funnel> Funnels => Set<Funnel>();
    public DbSet<FunnelVersion> FunnelVersions => Set<FunnelVersion>();
    public DbSet<OrderBump> OrderBumps => Set<OrderBump>();
    public DbSet<OfferStep> OfferSteps => Set<OfferStep>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<Charge> Charges => Set<Charge>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<SubscriptionCard> SubscriptionCards => Set<SubscriptionCard>();
    public DbSet<DunningSettings> DunningSettings => Set<DunningSettings>();
    public DbSet<Deliverable> Deliverables => Set<Deliverable>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<Download> Downloads => Set<Download>();
    public DbSet<LicenceKey> LicenceKeys => Set<LicenceKey>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();
    public DbSet<StripeEventRecord> StripeEvents => Set<StripeEventRecord>();
    public DbSet<PostPurchaseSession> PostPurchaseSessions => Set<PostPurchaseSession>();
    public DbSet<StepVisit> StepVisits => Set<StepVisit>();
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<SellerApiKey> SellerApiKeys => Set<SellerApiKey>();
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();
    public DbSet<SellerInvite> SellerInvites => Set<SellerInvite>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<BuyerSignInLink> BuyerSignInLinks => Set<BuyerSignInLink>();
    public DbSet<BuyerEraseRequest> BuyerEraseRequests => Set<BuyerEraseRequest>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SandboxCustomer> SandboxCustomers => Set<SandboxCustomer>();
    public DbSet<SandboxPaymentMethod> SandboxPaymentMethods => Set<SandboxPaymentMethod>();
    public DbSet<SandboxPaymentIntent> SandboxPaymentIntents => Set<SandboxPaymentIntent>();
    public DbSet<SandboxRefund> SandboxRefunds => Set<SandboxRefund>();

    /// <summary>True on SQLite, where a few queries need another shape.</summary>
    public abstract bool IsSqlite { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as their names: a row read in psql or sqlite3 says what it means.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<string>().HaveMaxLength(512);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder); // Identity's tables
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(EncoreDbContext).Assembly);
    }
}

public sealed class SqliteEncoreDbContext(DbContextOptions<SqliteEncoreDbContext> options) : EncoreDbContext(options)
{
    public override bool IsSqlite => true;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no time type: store UTC ticks so that comparisons and ordering run in the database.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

public sealed class PostgresEncoreDbContext(DbContextOptions<PostgresEncoreDbContext> options) : EncoreDbContext(options)
{
    public override bool IsSqlite => false;
}
