using Npgsql;

namespace Encore.Bench;

/// <summary>
/// PostgreSQL's own counters for the database Encore uses: committed transactions and rows written, and the
/// server's next transaction id. Only transactions that write get an id, so the difference of two readings,
/// less one (the first reading takes an id itself), counts write transactions; it is server-wide, so anything
/// else writing to the same server at the time is counted too.
/// </summary>
public sealed record DbStats(long Commits, long RowsWritten, long? TransactionId = null)
{
    public static async Task<DbStats?> ReadAsync(string? connectionString)
    {
        if (connectionString is null || !connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)) return null;
        await Task.Delay(1500); // backends flush their statistics at most about once a second
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, pg_current_xact_id()::text::bigint FROM pg_stat_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DbStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
