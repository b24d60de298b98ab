using System.Net.Http.Json;
using Encore.Web.Tests.Infrastructure;
using Npgsql;

namespace Encore.Web.Tests;

/// <summary>
/// Buyers keep buying, and billing keeps renewing, while Encore is killed with SIGKILL at random moments, twenty times;
/// after a restart and one reconciliation the gateway's ledger and Encore's orders (renewal orders too) agree charge for charge.
/// </summary>
public sealed class CrashRecoveryTests
{
    public const int Kills = 20;

    [Fact]
    public async Task Twenty_kills_under_load_then_reconciliation_leave_the_ledger_and_the_orders_in_agreement()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        var random = new Random(2026_11_25);
        // Only the final pass settles; billing runs every second, on subscriptions made due again and again below.
        var settings = new Dictionary<string, string> { ["Encore__RunReconciler"] = "false", ["Encore__Jobs__BillingSeconds"] = "1" };
        var journeys = 0;
        for (var life = 0; life < Kills; life++)
        {
            await using var encore = await EncoreProcess.StartAsync(database.ConnectionString, settings);
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var buyer = new Buyer(encore.CreateClient());
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await buyer.CheckoutAsync();
                        await buyer.AcceptAsync(Buyer.OfferStep, await buyer.DisclosureHashAsync());
                        Interlocked.Increment(ref journeys);
                    }
                    catch (Exception) when (stop.IsCancellationRequested || true)
                    {
                        // The process died under the request, or it answered something else: the ledger check judges.
                        if (stop.IsCancellationRequested) return;
                        await Task.Delay(20);
                    }
                }
            })).ToList();
            // Members take the demo's trial membership, and every subscription's next payment is made due over and over,
            // so renewals are being charged whenever the process dies.
            load.Add(Task.Run(async () =>
            {
                var member = new Buyer(encore.CreateClient());
                await using var db = new NpgsqlConnection(database.ConnectionString);
                try { await MakeEveryPaymentDueAsync(db); }
                catch (NpgsqlException) { /* the loop below makes them due again */ }
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(member.Client, new
                        {
                            funnel = Encore.Web.Data.DemoSeed.MembershipFunnelSlug, email = "member@example.com", name = "Member",
                            paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
                        }), System.Net.HttpStatusCode.Created);
                        member.UseToken(checkout["sessionToken"]!.GetValue<string>());
                        await member.AcceptAsync(Encore.Web.Data.DemoSeed.MembershipStepId, await member.DisclosureHashAsync());
                        await MakeEveryPaymentDueAsync(db);
                    }
                    catch (Exception) when (stop.IsCancellationRequested || true)
                    {
                        if (stop.IsCancellationRequested) return;
                        await Task.Delay(20);
                    }
                }
            }));
            await Task.Delay(random.Next(800, 2500));
            encore.Kill(); // SIGKILL, mid-request
            stop.Cancel();
            await Task.WhenAll(load);
        }

        // One more life, killed only once billing has charged renewals, so the run surely had renewals in flight to kill.
        await using (var last = await EncoreProcess.StartAsync(database.ConnectionString, settings))
        {
            await using var db = new NpgsqlConnection(database.ConnectionString);
            await db.OpenAsync();
            var member = new Buyer(last.CreateClient());
            var checkout = await Buyer.ReadAsync(await Buyer.PostCheckoutAsync(member.Client, new
            {
                funnel = Encore.Web.Data.DemoSeed.MembershipFunnelSlug, email = "member@example.com", name = "Member",
                paymentMethod = "pm_card_visa", bumps = Array.Empty<Guid>(), savePaymentMethodForOffers = true,
            }), System.Net.HttpStatusCode.Created);
            member.UseToken(checkout["sessionToken"]!.GetValue<string>());
            await member.AcceptAsync(Encore.Web.Data.DemoSeed.MembershipStepId, await member.DisclosureHashAsync());
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && await ScalarAsync(db, "SELECT count(*) FROM charges WHERE \"Kind\" = 'Renewal'") < 3)
            {
                await MakeEveryPaymentDueAsync(db);
                await Task.Delay(300);
            }
            last.Kill();
        }

        var reconciled = await EncoreProcess.RunCommandAsync(database.ConnectionString, "reconcile", new Dictionary<string, string> { ["Encore__ReconcilerGraceSeconds"] = "0" });
        TestContext.Current.TestOutputHelper?.WriteLine($"{journeys} journeys completed over {Kills} lives; {reconciled.Trim()}");

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM orders") > Kills, "Too little load to mean anything");
        Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM orders WHERE \"Status\" = 'Paid'") > 0);
        // Nothing is left unsettled.
        Assert.Equal(0, await ScalarAsync(connection, "SELECT count(*) FROM charges WHERE \"Status\" IN ('Pending', 'Unknown')"));
        Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM charges WHERE \"Kind\" = 'Renewal' AND \"Status\" = 'Succeeded'") > 0, "No renewal was charged");
        // Every succeeded charge that moves money is money in the ledger (a one-click trial's charge of nothing never goes
        // to the gateway), and every succeeded intent is a succeeded charge.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM charges c WHERE c."Status" = 'Succeeded' AND NOT (c."Amount" = 0 AND c."Kind" <> 'Checkout')
              AND NOT EXISTS (SELECT 1 FROM sandbox_payment_intents i WHERE i."IdempotencyKey" = c."IdempotencyKey" AND i."Status" = 'Succeeded')
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM sandbox_payment_intents i WHERE i."Status" = 'Succeeded'
              AND NOT EXISTS (SELECT 1 FROM charges c WHERE c."IdempotencyKey" = i."IdempotencyKey" AND c."Status" = 'Succeeded')
            """));
        // A paid order's lines all have a succeeded charge (an order whose checkout failed keeps the lines it was priced with, unpaid);
        // a one-click charge has its line exactly when it succeeded.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM order_lines l JOIN orders o ON o."Id" = l."OrderId"
            WHERE o."Status" = 'Paid' AND NOT EXISTS (SELECT 1 FROM charges c WHERE c."Id" = l."ChargeId" AND c."Status" = 'Succeeded')
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM orders o WHERE o."Status" <> 'Paid'
              AND EXISTS (SELECT 1 FROM charges c WHERE c."OrderId" = o."Id" AND c."Status" = 'Succeeded')
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM charges c WHERE c."Kind" = 'Offer' AND c."Status" = 'Succeeded'
              AND (SELECT count(*) FROM order_lines l WHERE l."ChargeId" = c."Id") <> 1
            """));
        // A paid order's lines add up to its succeeded charges; no step was charged twice.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM orders o WHERE o."Status" = 'Paid' AND
              (SELECT coalesce(sum(l."Amount"), 0) FROM order_lines l WHERE l."OrderId" = o."Id") <>
              (SELECT coalesce(sum(c."Amount"), 0) FROM charges c WHERE c."OrderId" = o."Id" AND c."Status" = 'Succeeded')
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM (SELECT "SessionId", "StepId" FROM charges WHERE "StepId" IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) twice
            """));
        // Renewals: each subscription's payment paid at most once, each paid renewal with exactly one line on its renewal
        // order, and every subscription's count of payments the count of its succeeded renewals.
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM (SELECT "SubscriptionId", "PaymentIndex" FROM charges WHERE "Kind" = 'Renewal' AND "Status" = 'Succeeded' GROUP BY 1, 2 HAVING count(*) > 1) twice
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM charges c WHERE c."Kind" = 'Renewal' AND c."Status" = 'Succeeded'
              AND (SELECT count(*) FROM order_lines l WHERE l."ChargeId" = c."Id" AND l."Kind" = 'Renewal') <> 1
            """));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT count(*) FROM subscriptions s WHERE s."PaymentsMade" <>
              (SELECT count(*) FROM charges c WHERE c."SubscriptionId" = s."Id" AND c."Kind" = 'Renewal' AND c."Status" = 'Succeeded')
            """));
    }

    /// <summary>Every subscription's next payment falls now: billing (every second) charges it at its next pass.</summary>
    private static async Task MakeEveryPaymentDueAsync(NpgsqlConnection db)
    {
        if (db.State != System.Data.ConnectionState.Open) await db.OpenAsync();
        await using var due = new NpgsqlCommand("UPDATE subscriptions SET \"NextChargeAt\" = now() WHERE \"NextChargeAt\" > now()", db);
        await due.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
