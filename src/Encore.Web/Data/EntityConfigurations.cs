using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Encore.Web.Data;

internal sealed class SellerConfiguration : IEntityTypeConfiguration<Seller>
{
    public void Configure(EntityTypeBuilder<Seller> builder)
    {
        builder.ToTable("sellers");
        builder.Property(s => s.SigningSecret).HasMaxLength(64);
        builder.Property(s => s.LogoSha256).HasMaxLength(64);
        builder.Property(s => s.BrandColor).HasMaxLength(7);
        builder.Property(s => s.RefundPolicy).HasMaxLength(1000);
        builder.Property(s => s.SupportUrl).HasMaxLength(2000);
        builder.Property(s => s.TermsUrl).HasMaxLength(2000);
        builder.Property(s => s.PrivacyUrl).HasMaxLength(2000);
    }
}

internal sealed class BrandImageConfiguration : IEntityTypeConfiguration<BrandImage>
{
    public void Configure(EntityTypeBuilder<BrandImage> builder)
    {
        builder.ToTable("brand_images");
        builder.HasKey(i => new { i.SellerId, i.Sha256 });
        builder.Property(i => i.Sha256).HasMaxLength(64);
        builder.Property(i => i.ContentType).HasMaxLength(32);
        builder.HasIndex(i => i.Sha256); // served by its hash alone
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.Property(p => p.Description).HasMaxLength(4000);
        builder.Property(p => p.ImageSha256).HasMaxLength(64);
        builder.HasIndex(p => p.SellerId);
    }
}

internal sealed class ProductPriceConfiguration : IEntityTypeConfiguration<ProductPrice>
{
    public void Configure(EntityTypeBuilder<ProductPrice> builder)
    {
        builder.ToTable("prices");
        builder.ComplexProperty(p => p.Terms, PriceTermsMapping.Configure);
        builder.HasIndex(p => new { p.SellerId, p.ProductId });
    }
}

internal sealed class FunnelConfiguration : IEntityTypeConfiguration<Funnel>
{
    public void Configure(EntityTypeBuilder<Funnel> builder)
    {
        builder.ToTable("funnels");
        builder.Property(f => f.Slug).HasMaxLength(80);
        builder.Property(f => f.Currency).HasMaxLength(3);
        builder.HasIndex(f => f.Slug).IsUnique();
        builder.HasIndex(f => f.SellerId);
    }
}

internal sealed class FunnelVersionConfiguration : IEntityTypeConfiguration<FunnelVersion>
{
    public void Configure(EntityTypeBuilder<FunnelVersion> builder)
    {
        builder.ToTable("funnel_versions");
        builder.Property(v => v.MainDescription).HasMaxLength(4000);
        builder.Property(v => v.MainTerms).HasMaxLength(4000);
        builder.Property(v => v.ThankYouUrl).HasMaxLength(2000);
        builder.Property(v => v.Currency).HasMaxLength(3);
        builder.ComplexProperty(v => v.MainPrice, PriceTermsMapping.Configure);
        builder.HasIndex(v => new { v.FunnelId, v.Number }).IsUnique();
        builder.HasMany(v => v.Bumps).WithOne().HasForeignKey(b => b.FunnelVersionId);
        builder.HasMany(v => v.Steps).WithOne().HasForeignKey(s => s.FunnelVersionId);
    }
}

internal sealed class OrderBumpConfiguration : IEntityTypeConfiguration<OrderBump>
{
    public void Configure(EntityTypeBuilder<OrderBump> builder)
    {
        builder.ToTable("order_bumps");
        builder.Property(b => b.Description).HasMaxLength(4000);
        builder.Property(b => b.Terms).HasMaxLength(4000);
        builder.ComplexProperty(b => b.Price, PriceTermsMapping.Configure);
    }
}

internal sealed class OfferStepConfiguration : IEntityTypeConfiguration<OfferStep>
{
    public void Configure(EntityTypeBuilder<OfferStep> builder)
    {
        builder.ToTable("offer_steps");
        builder.Property(s => s.Body).HasMaxLength(8000);
        builder.Property(s => s.Terms).HasMaxLength(4000);
        builder.Property(s => s.Opening).HasMaxLength(200);
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.HasIndex(s => new { s.FunnelVersionId, s.Key }).IsUnique();
        builder.ComplexProperty(s => s.Price, PriceTermsMapping.Configure);
    }
}

internal static class PriceTermsMapping
{
    public static void Configure(ComplexPropertyBuilder<PriceTerms> price) =>
        price.Property(p => p.Currency).HasMaxLength(3);
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.ReceiptTokenHash).HasMaxLength(64);
        builder.HasIndex(o => o.ReceiptTokenHash).IsUnique();
        builder.HasIndex(o => new { o.SellerId, o.CreatedAt });
        builder.HasIndex(o => new { o.FunnelVersionId, o.CreatedAt });
        // Analytics reads a funnel's paid orders over a date range; the seller's order list filters the same way.
        builder.HasIndex(o => new { o.FunnelId, o.PaidAt });
        builder.HasIndex(o => new { o.SellerId, o.Email });
        // One renewal order per subscription payment.
        builder.HasIndex(o => new { o.SubscriptionId, o.PaymentIndex }).IsUnique();
        builder.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
        builder.HasMany(o => o.Charges).WithOne().HasForeignKey(c => c.OrderId);
        builder.HasMany(o => o.Refunds).WithOne().HasForeignKey(r => r.OrderId);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines");
        builder.Property(l => l.Currency).HasMaxLength(3);
        // An order gets at most one line per post-purchase step: the database itself refuses a second.
        builder.HasIndex(l => new { l.OrderId, l.StepId }).IsUnique();
        builder.HasIndex(l => l.ChargeId);
    }
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.ToTable("refunds");
        builder.Property(r => r.Currency).HasMaxLength(3);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(200);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.HasIndex(r => r.IdempotencyKey).IsUnique();
        builder.HasIndex(r => r.OrderId);
        builder.HasIndex(r => new { r.Status, r.CreatedAt });
        // Stripe's refund events name the refund.
        builder.HasIndex(r => r.GatewayRefundId);
    }
}

internal sealed class ChargeConfiguration : IEntityTypeConfiguration<Charge>
{
    public void Configure(EntityTypeBuilder<Charge> builder)
    {
        builder.ToTable("charges");
        // A tracked charge is written only where it still has the status it was read in (a renewal's settlement saves its
        // move with the rest in one batch, Charges.TrackMove); every other move is a conditional ExecuteUpdate.
        builder.Property(c => c.Status).IsConcurrencyToken();
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.IdempotencyKey).HasMaxLength(200);
        builder.Property(c => c.ActionUrl).HasMaxLength(2000);
        builder.HasIndex(c => c.IdempotencyKey).IsUnique();
        // One charge attempt per step of a session, ever: a step is never charged again under a new key. (Renewals
        // have no session, and a unique index never compares nulls: the filter only leaves them out of it.)
        builder.HasIndex(c => new { c.SessionId, c.StepId }).IsUnique().HasFilter("\"SessionId\" IS NOT NULL");
        // Every charge, not only the open ones (decision 0024): an index of open charges only looks nearly empty to the
        // planner, which then reads it whole for a lookup by session or order, dead entries of every settled charge included.
        builder.HasIndex(c => new { c.Status, c.CreatedAt });
        builder.HasIndex(c => c.OrderId);
        // Stripe's events name the PaymentIntent; a charge not sent yet has none.
        builder.HasIndex(c => c.GatewayPaymentId).HasFilter("\"GatewayPaymentId\" IS NOT NULL");
        // One charge per attempt at a subscription's payment: concurrent billing runs cannot both charge it.
        builder.HasIndex(c => new { c.SubscriptionId, c.PaymentIndex, c.Attempt }).IsUnique();
    }
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>, IEntityTypeConfiguration<DunningSettings>,
    IEntityTypeConfiguration<SubscriptionCard>
{
    public void Configure(EntityTypeBuilder<SubscriptionCard> builder)
    {
        builder.ToTable("subscription_cards");
        // A double click's replay saves the same method again: recorded once.
        builder.HasKey(c => new { c.SubscriptionId, c.PaymentMethodId });
        builder.Property(c => c.PaymentMethodId).HasMaxLength(200);
        builder.HasOne<Subscription>().WithMany().HasForeignKey(c => c.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // CardRelease's look: the cards not forgotten yet, oldest first.
        builder.HasIndex(c => c.SavedAt).HasFilter("\"ForgottenAt\" IS NULL");
    }

    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.Ignore(s => s.Recurrence);
        builder.Ignore(s => s.Price);
        builder.Property(s => s.Currency).HasMaxLength(3);
        builder.Property(s => s.ProductName).HasMaxLength(200);
        builder.Property(s => s.Email).HasMaxLength(254);
        builder.Property(s => s.BuyerName).HasMaxLength(200);
        builder.Property(s => s.GatewayCustomerId).HasMaxLength(200);
        builder.Property(s => s.PaymentMethodId).HasMaxLength(200);
        builder.Property(s => s.CardBrand).HasMaxLength(32);
        builder.Property(s => s.CardLast4).HasMaxLength(4);
        builder.Property(s => s.CancelReason).HasMaxLength(32);
        builder.Property(s => s.LastDeclineCode).HasMaxLength(100);
        // The billing run's scan: what is due, oldest first, read in the index's order (decision 0024). Only a billable
        // subscription has a next charge; canceled, paused and ended ones are not indexed.
        builder.HasIndex(s => s.NextChargeAt).HasFilter("\"NextChargeAt\" IS NOT NULL");
        builder.HasIndex(s => new { s.SellerId, s.CreatedAt });
        builder.HasIndex(s => new { s.SellerId, s.Email });
        builder.HasIndex(s => s.OrderId);
        builder.HasIndex(s => s.PaymentMethodId);
    }

    public void Configure(EntityTypeBuilder<DunningSettings> builder)
    {
        builder.ToTable("dunning_settings");
        builder.HasKey(d => d.SellerId);
        builder.Property(d => d.RetryDays).HasMaxLength(100);
    }
}

internal sealed class PostPurchaseSessionConfiguration : IEntityTypeConfiguration<PostPurchaseSession>
{
    public void Configure(EntityTypeBuilder<PostPurchaseSession> builder)
    {
        builder.ToTable("post_purchase_sessions");
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.Property(s => s.BrowserBindingHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.OrderId).IsUnique();
        builder.HasIndex(s => new { s.FunnelVersionId, s.CreatedAt });
        // The cards still held: few at any time (open windows, and those a subscription still charges).
        builder.HasIndex(s => s.ExpiresAt).HasDatabaseName("IX_post_purchase_sessions_cards_held")
            .HasFilter("\"PaymentMethodId\" IS NOT NULL AND \"CardForgottenAt\" IS NULL");
    }
}

internal sealed class StepVisitConfiguration : IEntityTypeConfiguration<StepVisit>
{
    public void Configure(EntityTypeBuilder<StepVisit> builder)
    {
        builder.ToTable("step_visits");
        builder.HasIndex(v => new { v.SessionId, v.StepId }).IsUnique();
        builder.HasIndex(v => new { v.StepId, v.State });
    }
}

internal sealed class ConsentRecordConfiguration : IEntityTypeConfiguration<ConsentRecord>
{
    public void Configure(EntityTypeBuilder<ConsentRecord> builder)
    {
        builder.ToTable("consent_records");
        builder.Property(c => c.DisclosureText).HasMaxLength(4000);
        builder.Property(c => c.DisclosureSha256).HasMaxLength(64);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.UserAgent).HasMaxLength(1000);
        builder.HasIndex(c => new { c.SessionId, c.StepId }).IsUnique();
        builder.HasIndex(c => c.OrderId);
    }
}

internal sealed class OutboxConfiguration :
    IEntityTypeConfiguration<WebhookEvent>,
    IEntityTypeConfiguration<WebhookEndpoint>,
    IEntityTypeConfiguration<WebhookDelivery>,
    IEntityTypeConfiguration<WebhookAttempt>,
    IEntityTypeConfiguration<EmailMessage>,
    IEntityTypeConfiguration<StripeEventRecord>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> builder)
    {
        builder.ToTable("webhook_events");
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.Payload).HasMaxLength(65536);
        builder.HasIndex(e => new { e.SellerId, e.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("webhook_endpoints");
        builder.Property(e => e.Url).HasMaxLength(2000);
        builder.Property(e => e.SecretProtected).HasMaxLength(2000);
        builder.HasIndex(e => e.SellerId);
    }

    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.Property(d => d.LastError).HasMaxLength(2000);
        // The worker's query: what is due, oldest first.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        builder.HasIndex(d => new { d.EventId, d.EndpointId }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.ToTable("webhook_attempts");
        builder.Property(a => a.Error).HasMaxLength(2000);
        builder.HasIndex(a => a.DeliveryId);
    }

    public void Configure(EntityTypeBuilder<EmailMessage> builder)
    {
        builder.ToTable("email_messages");
        builder.Property(m => m.To).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(500);
        builder.Property(m => m.TextBody).HasMaxLength(65536);
        builder.Property(m => m.HtmlBody).HasMaxLength(131072);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.Reference).HasMaxLength(100);
        // One mail of each kind per order (and reference: a subscription's payment or attempt), whatever retries or instances do.
        builder.HasIndex(m => new { m.OrderId, m.Kind, m.Reference }).IsUnique();
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
    }

    public void Configure(EntityTypeBuilder<StripeEventRecord> builder)
    {
        builder.ToTable("stripe_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(255);
        builder.Property(e => e.Type).HasMaxLength(100);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.Scope).HasMaxLength(200);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.ResponseBody).HasMaxLength(65536);
        builder.HasIndex(r => new { r.Scope, r.Key }).IsUnique();
        builder.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class SellerAccountConfiguration : IEntityTypeConfiguration<SellerUser>, IEntityTypeConfiguration<SellerApiKey>, IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SellerUser> builder)
    {
        builder.HasIndex(u => u.SellerId);
        builder.Property(u => u.Role).HasDefaultValue(SellerRole.Owner); // the accounts made before roles were their seller's only one
    }

    public void Configure(EntityTypeBuilder<SignInThrottle> builder)
    {
        builder.ToTable("sign_in_throttles");
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(80);
        builder.HasIndex(t => t.LastAttemptAt); // pruning
    }

    public void Configure(EntityTypeBuilder<SellerApiKey> builder)
    {
        builder.ToTable("seller_api_keys");
        builder.Property(k => k.KeyHash).HasMaxLength(64);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.SellerId);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder)
    {
        builder.ToTable("data_protection_keys");
        builder.Property(k => k.Xml).HasMaxLength(16000);
    }
}

internal sealed class SandboxConfiguration :
    IEntityTypeConfiguration<SandboxCustomer>,
    IEntityTypeConfiguration<SandboxPaymentMethod>,
    IEntityTypeConfiguration<SandboxPaymentIntent>,
    IEntityTypeConfiguration<SandboxRefund>
{
    public void Configure(EntityTypeBuilder<SandboxCustomer> builder)
    {
        builder.ToTable("sandbox_customers");
        builder.HasIndex(c => c.IdempotencyKey).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SandboxPaymentMethod> builder)
    {
        builder.ToTable("sandbox_payment_methods");
        builder.HasIndex(m => m.CustomerId);
    }

    public void Configure(EntityTypeBuilder<SandboxPaymentIntent> builder)
    {
        builder.ToTable("sandbox_payment_intents");
        builder.Property(i => i.ReturnUrl).HasMaxLength(2000);
        builder.HasIndex(i => i.IdempotencyKey).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SandboxRefund> builder)
    {
        builder.ToTable("sandbox_refunds");
        builder.HasIndex(r => r.IdempotencyKey).IsUnique();
    }
}

internal sealed class DeliveryConfiguration :
    IEntityTypeConfiguration<Deliverable>, IEntityTypeConfiguration<StoredFile>, IEntityTypeConfiguration<Download>, IEntityTypeConfiguration<LicenceKey>
{
    public void Configure(EntityTypeBuilder<Deliverable> builder)
    {
        builder.ToTable("deliverables");
        builder.Property(d => d.Title).HasMaxLength(200);
        builder.Property(d => d.Url).HasMaxLength(2000);
        builder.Property(d => d.Text).HasMaxLength(8000);
        builder.HasIndex(d => new { d.ProductId, d.Position });
        builder.HasIndex(d => d.SellerId);
    }

    public void Configure(EntityTypeBuilder<StoredFile> builder)
    {
        builder.ToTable("stored_files");
        builder.Property(f => f.FileName).HasMaxLength(255);
        builder.Property(f => f.ContentType).HasMaxLength(200);
        builder.Property(f => f.Sha256).HasMaxLength(64);
        builder.Property(f => f.StorageKey).HasMaxLength(300);
        builder.HasIndex(f => f.SellerId);
    }

    public void Configure(EntityTypeBuilder<Download> builder)
    {
        builder.ToTable("downloads");
        builder.Property(d => d.IpAddress).HasMaxLength(64);
        builder.HasIndex(d => new { d.OrderLineId, d.DeliverableId, d.Number }).IsUnique();
        builder.HasIndex(d => new { d.SellerId, d.DeliverableId });
    }

    public void Configure(EntityTypeBuilder<LicenceKey> builder)
    {
        builder.ToTable("licence_keys");
        builder.Property(k => k.Key).HasMaxLength(500);
        // The free keys of a list in order; and one key per line and list, whatever runs at once.
        builder.HasIndex(k => new { k.DeliverableId, k.OrderLineId });
        builder.HasIndex(k => new { k.OrderLineId, k.DeliverableId }).IsUnique();
    }
}
