using System.Net;
using System.Net.Http.Json;
using Encore.Web.Tests.Infrastructure;
using Npgsql;

namespace Encore.Web.Tests;

/// <summary>Two Encore processes on one PostgreSQL behave as one shop: a buyer spread across both is charged once.</summary>
public sealed class TwoInstanceTests
{
    [Fact]
    public async Task A_buyer_spread_across_two_instances_is_charged_once_with_one_line_and_one_consent_record()
    {
        TestDatabase.EnsureAvailable(DatabaseKind.Postgres);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var first = await EncoreProcess.StartAsync(database.ConnectionString);
        await using var second = await EncoreProcess.StartAsync(database.ConnectionString);

        // Checkout on the first instance, the offer page's data on the second.
        var one = new Buyer(first.CreateClient());
        await one.CheckoutAsync();
        var two = new Buyer(second.CreateClient());
        two.UseToken(one.Token!);
        var hash = (await two.GetOfferAsync())["step"]!["disclosure"]!["sha256"]!.GetValue<string>();

        // Twenty accepts at once, half on each instance, each with its own key.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? one : two).AcceptAsync(Buyer.OfferStep, hash)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.Gone }));

        var order = await two.GetOrderAsync();
        Assert.Equal(["main", "bump", "offer"], order["lines"]!.AsArray().Select(l => l!["kind"]!.GetValue<string>()));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM consent_records WHERE \"OrderId\" = '{one.OrderId}'"));
        Assert.Equal(2L, await ScalarAsync(connection, $"SELECT count(*) FROM charges WHERE \"OrderId\" = '{one.OrderId}' AND \"Status\" = 'Succeeded'"));
        Assert.Equal(2L, await ScalarAsync(connection,
            $"SELECT count(*) FROM sandbox_payment_intents i WHERE i.\"Status\" = 'Succeeded' AND i.\"IdempotencyKey\" IN (SELECT \"IdempotencyKey\" FROM charges WHERE \"OrderId\" = '{one.OrderId}')"));
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM order_lines WHERE \"OrderId\" = '{one.OrderId}' AND \"Kind\" = 'Offer'"));
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
