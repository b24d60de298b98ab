using Encore.Web.Data;
using Microsoft.Data.Sqlite;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// <c>dotnet run --project src/Encore.Web -- backup &lt;file&gt;</c>: a consistent copy of the SQLite database while Encore
/// keeps running, with SQLite's online backup API (<c>sqlite3_backup_*</c>, <see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>):
/// the copy is one point in time, the write-ahead log's committed transactions included, whatever other processes write
/// meanwhile. The copy is written next to the target and moved into place only when complete, so a failed backup never
/// leaves half a file under the name. On PostgreSQL it refuses and names <c>pg_dump</c>.
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";

    /// <summary>True when the command line asks for a backup (<c>backup</c> as the first argument).</summary>
    public static bool IsRequested(string[] args) => args is [Name, ..];

    public static int Run(DatabaseSettings database, string[] args, TextWriter output, TextWriter error)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            error.WriteLine("backup copies a SQLite database; this Encore uses PostgreSQL. Back it up with PostgreSQL's own tools, e.g. " +
                            "pg_dump --format=custom --file=encore.dump \"<database>\" (restore with pg_restore), as docs/deploy.md shows.");
            return 2;
        }
        if (args is not [_, var target] || string.IsNullOrWhiteSpace(target) || target.StartsWith('-'))
        {
            error.WriteLine("Usage: backup <file>   (e.g. dotnet run --project src/Encore.Web -- backup /var/backups/encore-2027-01-08.db)");
            return 2;
        }
        var source = new SqliteConnectionStringBuilder(database.ConnectionString);
        var sourcePath = Path.GetFullPath(source.DataSource);
        var targetPath = Path.GetFullPath(target);
        if (!File.Exists(sourcePath))
        {
            error.WriteLine($"There is no database at {sourcePath} to back up.");
            return 1;
        }
        if (string.Equals(sourcePath, targetPath, StringComparison.Ordinal))
        {
            error.WriteLine("The backup must go to another file than the database itself.");
            return 2;
        }
        if (File.Exists(targetPath))
        {
            error.WriteLine($"{targetPath} exists already; backup writes a new file and never overwrites one.");
            return 2;
        }
        var folder = Path.GetDirectoryName(targetPath)!;
        Directory.CreateDirectory(folder);
        var partial = Path.Combine(folder, $".{Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            // The busy timeout lets the copy wait for a writer's commit instead of failing.
            source.Mode = SqliteOpenMode.ReadWrite; // never creates a file; the backup itself only reads
            source.DefaultTimeout = 30;
            source.Pooling = false;
            using (var from = new SqliteConnection(source.ConnectionString))
            using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ConnectionString))
            {
                from.Open();
                to.Open();
                from.BackupDatabase(to);
                // The copy stands alone: one file, no write-ahead log beside it.
                using var journal = to.CreateCommand();
                journal.CommandText = "PRAGMA journal_mode=DELETE;";
                journal.ExecuteNonQuery();
                using var check = to.CreateCommand();
                check.CommandText = "PRAGMA integrity_check;";
                var integrity = check.ExecuteScalar() as string;
                if (integrity != "ok") throw new InvalidOperationException($"The copy failed SQLite's integrity check: {integrity}");
            }
            File.Move(partial, targetPath, overwrite: false);
            output.WriteLine($"Backed up {sourcePath} to {targetPath} ({new FileInfo(targetPath).Length:N0} bytes, integrity ok). " +
                             "Sellers' files are not in it: back up the files folder (Encore__Files__Folder) too.");
            return 0;
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error.WriteLine($"The backup failed, nothing was written to {targetPath}: {exception.Message}");
            return 1;
        }
        finally
        {
            foreach (var leftover in new[] { partial, partial + "-wal", partial + "-shm", partial + "-journal" })
                if (File.Exists(leftover)) File.Delete(leftover);
        }
    }
}
