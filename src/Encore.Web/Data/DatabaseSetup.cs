using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Chooses the store: SQLite in a file under the app's data folder by default, PostgreSQL when
/// <c>ENCORE_DATABASE</c> (or <c>Encore:Database</c>) holds an Npgsql connection string.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["ENCORE_DATABASE"] ?? configuration["Encore:Database"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            var folder = Path.Combine(environment.ContentRootPath, "data");
            Directory.CreateDirectory(folder);
            return new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "encore.db")}");
        }
        var isSqlite = configured.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase) ||
                       configured.StartsWith("Filename=", StringComparison.OrdinalIgnoreCase);
        return new DatabaseSettings(isSqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, configured);
    }
}

public static class DatabaseSetup
{
    public static IServiceCollection AddEncoreDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // SQLite rebuilds a table to change it, with foreign keys off (a PRAGMA no transaction can hold); EF Core warns of
            // it at every such migration on a fresh database, and nobody can act on that: the warning is left out.
            services.AddPooledDbContextFactory<SqliteEncoreDbContext>(options => options.UseSqlite(settings.ConnectionString).AddInterceptors(new SqliteBusyTimeout())
                .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning,
                    // SellerAccounts marks existing accounts confirmed (SQL on AspNetUsers) while email_messages awaits its rebuild: other tables.
                    Microsoft.EntityFrameworkCore.Diagnostics.SqliteEventId.TableRebuildPendingWarning)));
            services.AddSingleton<IDbContextFactory<EncoreDbContext>, EncoreDbContextFactory<SqliteEncoreDbContext>>();
        }
        else
        {
            services.AddPooledDbContextFactory<PostgresEncoreDbContext>(options => options.UseNpgsql(WithAutoPrepare(settings.ConnectionString)));
            services.AddSingleton<IDbContextFactory<EncoreDbContext>, EncoreDbContextFactory<PostgresEncoreDbContext>>();
        }
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<EncoreDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>
    /// Npgsql's automatic preparation unless the connection string says otherwise: a statement run a few times on a
    /// connection is prepared there, so PostgreSQL parses and plans the buyer's path's few dozen statements once per
    /// connection instead of on every request. On a small machine the database's CPU is the buyer's latency.
    /// And no reset when a connection goes back to the pool (Npgsql otherwise sends seven statements with the next
    /// command, to keep prepared statements through the reset: several times per request, since EF Core opens and
    /// closes the connection around each query): Encore never changes session state (no SET, temporary tables,
    /// LISTEN or session advisory locks on the buyer's path; a transaction left open is rolled back by Npgsql anyway).
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!given.Contains("MAXAUTOPREPARE")) builder.MaxAutoPrepare = 64;
        if (!given.Contains("AUTOPREPAREMINUSAGES")) builder.AutoPrepareMinUsages = 2;
        if (!given.Contains("NORESETONCLOSE")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>Creates or upgrades the schema (EF Core takes a lock, so instances starting together are safe).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<EncoreDbContext>>().CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.IsSqlite)
        {
            // WAL lets readers run beside the one writer; the busy timeout (SqliteBusyTimeout) makes writers queue instead of failing.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}

/// <summary>Hands out the provider's context as the one <see cref="EncoreDbContext"/> type the code uses.</summary>
public sealed class EncoreDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<EncoreDbContext>
    where TContext : EncoreDbContext
{
    public EncoreDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<EncoreDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
