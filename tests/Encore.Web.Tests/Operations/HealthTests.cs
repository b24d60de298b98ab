using System.Net;
using System.Text.Json.Nodes;
using Encore.Web.Data;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Encore.Web.Tests.Operations;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (database, migrations, file store), each check named in the
/// JSON body. Every test that breaks something puts it back and sees the instance ready again.
/// </summary>
public abstract class HealthTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : EncoreApp
{
    [Fact]
    public async Task A_fresh_instance_is_live_and_ready_and_names_each_check()
    {
        var client = app.CreateClient();
        var live = await ReadAsync(client, "/healthz", HttpStatusCode.OK);
        Assert.Equal("healthy", live["status"]!.GetValue<string>());
        Assert.Equal(new[] { "process" }, Names(live));

        var ready = await ReadAsync(client, "/readyz", HttpStatusCode.OK);
        Assert.Equal("healthy", ready["status"]!.GetValue<string>());
        Assert.Equal(new[] { "database", "files", "migrations" }, Names(ready).Order());
        Assert.All(ready["checks"]!.AsArray(), check => Assert.Equal("healthy", check!["status"]!.GetValue<string>()));
        // The probe object is deleted again: nothing is left in the store but the folder it went to.
        Assert.Empty(Directory.Exists(Path.Combine(app.FilesFolder, "health")) ? Directory.GetFiles(Path.Combine(app.FilesFolder, "health")) : []);
    }

    [Fact]
    public async Task Not_ready_while_the_files_folder_takes_no_writes()
    {
        var client = app.CreateClient();
        // Root ignores permission bits, so the folder is broken another way: uploads are written to .incoming first,
        // and a file in its place makes every write fail as a full or read-only disk would.
        var incoming = Path.Combine(app.FilesFolder, ".incoming");
        Directory.Delete(incoming, recursive: true);
        await File.WriteAllTextAsync(incoming, "not a folder");
        try
        {
            var ready = await ReadAsync(client, "/readyz", HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", ready["status"]!.GetValue<string>());
            var files = Check(ready, "files");
            Assert.Equal("unhealthy", files["status"]!.GetValue<string>());
            Assert.Contains("file store", files["description"]!.GetValue<string>());
            Assert.Equal("healthy", Check(ready, "database")["status"]!.GetValue<string>());
            Assert.Equal("healthy", Check(ready, "migrations")["status"]!.GetValue<string>());
            await ReadAsync(client, "/healthz", HttpStatusCode.OK); // alive all the same: restarting would not fix a disk
        }
        finally
        {
            File.Delete(incoming);
            Directory.CreateDirectory(incoming);
        }
        await ReadAsync(client, "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Not_ready_while_a_migration_this_build_knows_is_not_applied()
    {
        var client = app.CreateClient();
        var (last, productVersion) = await app.QueryAsync(async db =>
        {
            var id = (await db.Database.GetAppliedMigrationsAsync()).Last();
            var version = await db.Database.SqlQueryRaw<string>(
                "SELECT \"ProductVersion\" AS \"Value\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", id).SingleAsync();
            return (id, version);
        });
        // As if this build were newer than the schema: its last migration is not in the history.
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", last));
        try
        {
            var ready = await ReadAsync(client, "/readyz", HttpStatusCode.ServiceUnavailable);
            var migrations = Check(ready, "migrations");
            Assert.Equal("unhealthy", migrations["status"]!.GetValue<string>());
            Assert.Contains(last, migrations["description"]!.GetValue<string>());
            Assert.Equal("healthy", Check(ready, "database")["status"]!.GetValue<string>());
            Assert.Equal("healthy", Check(ready, "files")["status"]!.GetValue<string>());
        }
        finally
        {
            await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1})", last, productVersion));
        }
        await ReadAsync(client, "/readyz", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Not_ready_while_the_database_server_refuses_connections_yet_still_live()
    {
        Assert.SkipUnless(app.Kind == DatabaseKind.Postgres,
            "SQLite is a file the process opens itself: there is no database server to be unreachable.");
        var client = app.CreateClient();
        var database = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<DatabaseSettings>().ConnectionString).Database!;
        await AdminAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
        try
        {
            var ready = await ReadAsync(client, "/readyz", HttpStatusCode.ServiceUnavailable);
            var check = Check(ready, "database");
            Assert.Equal("unhealthy", check["status"]!.GetValue<string>());
            Assert.Contains("does not answer", check["description"]!.GetValue<string>());
            var live = await ReadAsync(client, "/healthz", HttpStatusCode.OK);
            Assert.Equal("healthy", live["status"]!.GetValue<string>());
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }
        // The pool's connections were killed: the first uses may fail before Npgsql drops them.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/readyz")).StatusCode;
            if (status == HttpStatusCode.OK) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Metrics_are_not_served_unless_turned_on()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.PostgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<JsonNode> ReadAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    private static List<string> Names(JsonNode report) => report["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();

    private static JsonNode Check(JsonNode report, string name) =>
        report["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;
}

public sealed class HealthTests_Sqlite(SqliteApp app) : HealthTests<SqliteApp>(app);

public sealed class HealthTests_Postgres(PostgresApp app) : HealthTests<PostgresApp>(app);
