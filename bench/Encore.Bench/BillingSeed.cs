extern alias EncoreWeb;
using System.Security.Cryptography;
using Encore.Domain;
using EncoreWeb::Encore.Web.Data;
using EncoreWeb::Encore.Web.Data.Entities;
using EncoreWeb::Encore.Web.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Bench;

/// <summary>
/// Active monthly subscriptions whose second payment is due now, as a checkout would have left them: each with
/// its own Sandbox customer, a <c>pm_card_visa</c> payment method attached to that customer, and its paid origin
/// order, on the demo seller's funnel. Inserted with EF Core in batches (not measured). A run's subscriptions share
/// a buyer name (<see cref="Marker"/>), by which they are checked afterwards.
/// </summary>
public static class BillingSeed
{
    public const long Amount = 2900;
    public const string Currency = "USD";
    private const int Batch = 2_000;

    public static string Marker(string tag) => $"Bench buyer {tag}";

    public static async Task SeedAsync(IServiceProvider services, string tag, int count, TimeProvider clock)
    {
        var databases = services.GetRequiredService<IDbContextFactory<EncoreDbContext>>();
        await using var db = await databases.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var product = await db.FunnelVersions.AsNoTracking().Where(v => v.Id == DemoSeed.VersionId)
            .Join(db.Products, v => v.MainProductId, p => p.Id, (v, p) => new { p.Id, p.Name }).SingleAsync();
        var card = SandboxTestCards.ByPaymentMethod(SandboxTestCards.Visa)!;
        var monthly = new Recurrence(BillingInterval.Month);
        var now = clock.GetUtcNow();
        for (var start = 0; start < count; start += Batch)
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                // Bought a month ago (spread over the last hour), paid then: payment 1 is due now.
                var agreedAt = now.AddMonths(-1).AddSeconds(-(1 + i % 3600));
                var due = monthly.PaymentDue(agreedAt, 1);
                var email = $"buyer{i}@{tag}.bench.example";
                var customer = new SandboxCustomer { Id = NewId("cus"), IdempotencyKey = $"bench:{tag}:{i}", Email = email, CreatedAt = agreedAt };
                var method = new SandboxPaymentMethod
                {
                    Id = NewId("pm"), CustomerId = customer.Id, TestMethod = card.PaymentMethod, Brand = card.Brand, Last4 = card.Last4, CreatedAt = agreedAt,
                };
                var order = new Order
                {
                    Id = Guid.CreateVersion7(agreedAt), SellerId = DemoSeed.SellerId, FunnelId = DemoSeed.FunnelId, FunnelVersionId = DemoSeed.VersionId,
                    Email = email, BuyerName = Marker(tag), Currency = Currency, Status = OrderStatus.Paid,
                    ReceiptTokenHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                    GatewayCustomerId = customer.Id, CreatedAt = agreedAt, PaidAt = agreedAt,
                };
                db.AddRange(customer, method, order, new Subscription
                {
                    Id = Guid.CreateVersion7(agreedAt), SellerId = DemoSeed.SellerId, OrderId = order.Id,
                    FunnelId = DemoSeed.FunnelId, FunnelVersionId = DemoSeed.VersionId, ProductId = product.Id, ProductName = product.Name,
                    Email = email, BuyerName = Marker(tag), Amount = Amount, Currency = Currency,
                    Interval = monthly.Interval, IntervalCount = monthly.IntervalCount,
                    GatewayCustomerId = customer.Id, PaymentMethodId = method.Id, CardBrand = card.Brand, CardLast4 = card.Last4,
                    Status = SubscriptionStatus.Active, StartedAt = agreedAt, FirstPaymentAt = agreedAt,
                    PaymentsMade = 1, NextPayment = 1, NextChargeAt = due, CurrentPeriodEnd = due, CreatedAt = agreedAt,
                });
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            db.ChangeTracker.Clear();
        }
    }

    private static string NewId(string prefix) => $"{prefix}_sbx_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
