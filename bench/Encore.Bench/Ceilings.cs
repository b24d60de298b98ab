using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Encore.Bench;

public sealed record HttpCeilingResult(int Concurrency, double RequestsPerSecond, double P50Ms, double P99Ms);

public sealed record DatabaseCeilingResult(int Concurrency, string Provider, double TransactionsPerSecond);

/// <summary>The same client loop against a minimal Kestrel endpoint that returns a fixed body: what HTTP alone costs here.</summary>
public static class HttpCeiling
{
    public static async Task<HttpCeilingResult> RunAsync(int concurrency, TimeSpan duration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        var body = """{"ok":true,"amount":4700,"currency":"USD"}"""u8.ToArray();
        app.MapGet("/", async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        var url = app.Urls.First();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url) };
        var latencies = new Latencies();
        var count = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync("/");
                await response.Content.LoadIntoBufferAsync();
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref count);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        await app.StopAsync();
        var stats = latencies.Stats();
        return new HttpCeilingResult(concurrency, count / seconds, stats.P50Ms, stats.P99Ms);
    }
}

/// <summary>
/// The highest rate of committed single-row insert transactions the same database reaches with the same number
/// of connections (durable: PostgreSQL's default synchronous commit; SQLite in WAL mode with Encore's settings).
/// </summary>
public static class DatabaseCeiling
{
    public static async Task<DatabaseCeilingResult> RunAsync(string connectionString, int concurrency, TimeSpan duration)
    {
        var postgres = connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase);
        var table = "bench_ceiling_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(connectionString, postgres, $"CREATE TABLE {table} (id {(postgres ? "uuid" : "TEXT")} PRIMARY KEY, amount bigint NOT NULL, created_at {(postgres ? "timestamptz" : "INTEGER")} NOT NULL)");
        var count = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                if (postgres)
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync();
                    while (clock.Elapsed < duration)
                    {
                        await using var transaction = await connection.BeginTransactionAsync();
                        await using var command = new NpgsqlCommand($"INSERT INTO {table} (id, amount, created_at) VALUES (@id, 4700, now())", connection, transaction);
                        command.Parameters.AddWithValue("id", Guid.NewGuid());
                        await command.ExecuteNonQueryAsync();
                        await transaction.CommitAsync();
                        Interlocked.Increment(ref count);
                    }
                }
                else
                {
                    await using var connection = new SqliteConnection(connectionString);
                    await connection.OpenAsync();
                    while (clock.Elapsed < duration)
                    {
                        try
                        {
                            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                            await using var command = connection.CreateCommand();
                            command.Transaction = transaction;
                            command.CommandText = $"INSERT INTO {table} (id, amount, created_at) VALUES ($id, 4700, $at)";
                            command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString());
                            command.Parameters.AddWithValue("$at", DateTime.UtcNow.Ticks);
                            await command.ExecuteNonQueryAsync();
                            await transaction.CommitAsync();
                            Interlocked.Increment(ref count);
                        }
                        catch (SqliteException exception) when (exception.SqliteErrorCode == 5) // busy: another writer holds the lock
                        {
                        }
                    }
                }
            })));
        }
        finally
        {
            await ExecuteAsync(connectionString, postgres, $"DROP TABLE {table}");
        }
        return new DatabaseCeilingResult(concurrency, postgres ? "postgres" : "sqlite", count / clock.Elapsed.TotalSeconds);
    }

    private static async Task ExecuteAsync(string connectionString, bool postgres, string sql)
    {
        if (postgres)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
