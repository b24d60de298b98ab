using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Encore.Web.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without starting the app.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteEncoreDbContext>
{
    public SqliteEncoreDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteEncoreDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresEncoreDbContext>
{
    public PostgresEncoreDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresEncoreDbContext>().UseNpgsql("Host=localhost;Database=encore_design").Options);
}
