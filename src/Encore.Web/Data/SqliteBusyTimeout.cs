using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Encore.Web.Data;

/// <summary>
/// SQLite has one writer at a time. Without a busy timeout of its own, a writer that finds the lock taken gets
/// SQLITE_BUSY at once, and Microsoft.Data.Sqlite retries the statement after sleeping 150 ms on the request's
/// thread: under concurrent checkouts that made p99 a multiple of 150 ms (0.6 to 1.1 s in the benchmark). With
/// <c>busy_timeout</c> SQLite waits inside the lock call and retries within a few milliseconds of the lock's release.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>How long a writer waits for the lock before the statement fails (the command timeout's 30 s).</summary>
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>SQLite's own call on the open handle: no statement to prepare and run on every open of a pooled connection.</summary>
    private static void Apply(DbConnection connection)
    {
        var rc = SQLitePCL.raw.sqlite3_busy_timeout(((SqliteConnection)connection).Handle, Milliseconds);
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException($"Setting SQLite's busy timeout failed ({rc}).", rc);
    }
}
