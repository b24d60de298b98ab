using Npgsql;

namespace Encore.Web.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh database for one app: a temp SQLite file, or a new PostgreSQL database on the server named by
/// <c>ENCORE_TEST_POSTGRES</c>. Without that variable PostgreSQL tests are skipped, unless <c>CI=true</c>,
/// where they fail: CI can never pass by skipping them.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;
    private readonly string? _name;

    private TestDatabase(DatabaseKind kind, string connectionString, string? adminConnectionString, string? name)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _name = name;
    }

    public DatabaseKind Kind { get; }

    public string ConnectionString { get; }

    public static string? PostgresServer => Environment.GetEnvironmentVariable("ENCORE_TEST_POSTGRES");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (locally) or fails (in CI) a test that needs a database kind this machine lacks.</summary>
    public static void EnsureAvailable(DatabaseKind kind)
    {
        if (kind != DatabaseKind.Postgres || PostgresServer is not null) return;
        if (IsCi) Assert.Fail("CI=true but ENCORE_TEST_POSTGRES is not set: the PostgreSQL tests must run in CI.");
        Assert.Skip("PostgreSQL tests need ENCORE_TEST_POSTGRES (an Npgsql connection string); .ci/run sets it.");
    }

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "encore-tests");
            Directory.CreateDirectory(folder);
            return new TestDatabase(kind, $"Data Source={Path.Combine(folder, Guid.NewGuid().ToString("N"))}.db", null, null);
        }
        var server = PostgresServer ?? throw new InvalidOperationException("ENCORE_TEST_POSTGRES is not set.");
        var name = "encore_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 60 };
        return new TestDatabase(kind, builder.ConnectionString, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Kind == DatabaseKind.Sqlite)
        {
            var path = ConnectionString["Data Source=".Length..];
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                try { File.Delete(file); } catch (IOException) { }
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
