using Npgsql;

namespace Encore.Bench;

/// <summary>PostgreSQL's own counters for the database Encore uses: committed transactions and rows written.</summary>
public sealed record DbStats(long Commits, long RowsWritten)
{
    public static async Task<DbStats?> ReadAsync(string? connectionString)
    {
        if (connectionString is null || !connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)) return null;
        await Task.Delay(1500); // backends flush their statistics at most about once a second
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DbStats(reader.GetInt64(0), reader.GetInt64(1));
    }
}
