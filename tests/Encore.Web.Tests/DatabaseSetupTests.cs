using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Encore.Web.Tests;

/// <summary>The connection settings Encore adds to an operator's PostgreSQL connection string, and never over theirs.</summary>
public sealed class DatabaseSetupTests
{
    [Fact]
    public void Auto_prepare_is_added_when_the_connection_string_is_silent()
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Username=encore;Password=x;Database=shop"));
        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("db", built.Host);
        Assert.Equal("shop", built.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=0", 0)]
    [InlineData("Host=db;max auto prepare=8", 8)]
    public void An_operators_own_setting_wins(string connectionString, int expected)
    {
        var built = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare(connectionString));
        Assert.Equal(expected, built.MaxAutoPrepare);
    }

    [Fact]
    public void An_operators_reset_on_close_wins()
    {
        Assert.False(new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;No Reset On Close=false")).NoResetOnClose);
    }
}

/// <summary>On SQLite every connection Encore opens waits for the one writer's lock inside SQLite (no 150 ms retry sleeps).</summary>
public sealed class SqliteBusyTimeoutTests(Infrastructure.SqliteApp app) : IClassFixture<Infrastructure.SqliteApp>
{
    [Fact]
    public async Task Every_connection_has_the_busy_timeout()
    {
        for (var i = 0; i < 2; i++) // a fresh connection and one back from the pool
        {
            var timeout = await app.QueryAsync(async db =>
            {
                await db.Database.OpenConnectionAsync();
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA busy_timeout;";
                return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            });
            Assert.Equal(SqliteBusyTimeout.Milliseconds, timeout);
        }
    }
}
