using System.Net;
using System.Text.RegularExpressions;
using Encore.Domain.Subscriptions;
using Encore.Web.Data.Entities;
using Encore.Web.Payments.Sandbox;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

/// <summary>
/// The Sandbox's test cards do what the README's table says: a card Stripe has too behaves as on Stripe (so a test on the
/// Sandbox cannot pass with a card that would fail on Stripe), and the Sandbox's own card is named as its own.
/// </summary>
public abstract partial class SandboxTestCardTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task Stripes_card_0341_is_declined_at_checkout_the_first_charge_included_and_nothing_is_charged()
    {
        var email = $"fail-{Guid.NewGuid():N}@example.com";
        var response = await Buyer.PostCheckoutAsync(app.CreateClient(), new
        {
            funnel = Buyer.Funnel, email, name = "Cus Fail", paymentMethod = SandboxTestCards.CustomerFail,
            bumps = new[] { Buyer.Bump }, savePaymentMethodForOffers = true,
        });

        var problem = await Buyer.ProblemAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Equal("generic_decline", problem["declineCode"]!.GetValue<string>());
        var orderId = problem["orderId"]!.GetValue<Guid>();
        Assert.Equal(ChargeStatus.Failed, await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == orderId).Select(c => c.Status).SingleAsync()));
        Assert.Equal(0, await app.SucceededAtGatewayAsync(orderId));
    }

    [Fact]
    public async Task Stripes_card_0341_is_saved_by_a_trial_and_its_first_renewal_is_declined()
    {
        var shop = await SubscriptionShop.PublishAsync(app, (2900, new { interval = "month", intervalCount = 1, trialDays = 7 }));
        var checkout = await shop.CheckoutAsync(app.CreateClient(), SandboxTestCards.CustomerFail, $"trial-{Guid.NewGuid():N}@example.com");
        var subscription = await shop.SubscriptionOfAsync(checkout["orderId"]!.GetValue<Guid>());
        Assert.Equal((SubscriptionStatus.Trialing, "0341"), (subscription.Status, subscription.CardLast4));

        app.Clock.Advance(TimeSpan.FromDays(8));
        await SubscriptionShop.BillAsync(app);

        var declined = await shop.SubscriptionOfAsync(subscription.OrderId);
        Assert.Equal((SubscriptionStatus.PastDue, "generic_decline"), (declined.Status, declined.LastDeclineCode));
        Assert.Equal(ChargeStatus.Failed, Assert.Single(await SubscriptionShop.RenewalsAsync(app, subscription.Id)).Status);
    }

    [Fact]
    public async Task The_Sandboxs_own_card_pays_at_checkout_and_its_one_click_charge_is_declined()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(SandboxTestCards.DeclinedOffSession);
        Assert.Equal("0416", (await buyer.GetOfferAsync())["step"]!["card"]!["last4"]!.GetValue<string>());

        var declined = await buyer.AcceptCurrentAsync(Buyer.OfferStep);

        Assert.Equal("payment_failed", declined["outcome"]!.GetValue<string>());
        Assert.Equal(Buyer.DownsellStep, declined["next"]!["stepId"]!.GetValue<Guid>());
        Assert.Equal(1, await app.SucceededAtGatewayAsync(buyer.OrderId));
    }

    [Fact]
    public async Task The_READMEs_table_of_Sandbox_test_cards_is_the_Sandboxs_list()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var sandboxColumn = SandboxRow().Matches(readme).ToDictionary(m => m.Groups["method"].Value, m => m.Groups["number"].Value.Replace(" ", ""));
        Assert.Equal(
            SandboxTestCards.All.Select(c => (c.PaymentMethod, c.Number)).Order(),
            sandboxColumn.Select(r => (r.Key, r.Value)).Order());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Encore.slnx")) || File.Exists(Path.Combine(dir.FullName, "Encore.sln")))
                return dir.FullName;
        throw new InvalidOperationException("The repository's root (with Encore.sln) was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A row of the README's test-card table: <c>| 4242 4242 4242 4242 | `pm_card_visa` | … | … |</c>, the Sandbox's column filled.</summary>
    [GeneratedRegex(@"^\| (?<number>\d{4} \d{4} \d{4} \d{4}) \| `(?<method>pm_[A-Za-z_]+)` \|(?<cells>.*)$", RegexOptions.Multiline)]
    private static partial Regex SandboxRow();
}

public sealed class SandboxTestCardTests_Sqlite(SqliteApp app) : SandboxTestCardTests<SqliteApp>(app);

public sealed class SandboxTestCardTests_Postgres(PostgresApp app) : SandboxTestCardTests<PostgresApp>(app);
