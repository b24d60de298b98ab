using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Searches every text column of every table for a string: where a secret would be if it were stored.</summary>
public static class StoredText
{
    /// <summary>The <c>table.column</c> of every text column that holds <paramref name="secret"/> in some row.</summary>
    public static async Task<List<string>> WhereAsync(EncoreDbContext db, string secret)
    {
        var found = new List<string>();
        var columns = db.Model.GetEntityTypes()
            .Where(t => t.GetTableName() is not null)
            .SelectMany(t => t.GetProperties()
                .Where(p => p.ClrType == typeof(string) || p.GetProviderClrType() == typeof(string))
                .Select(p => (Table: t.GetTableName()!, Column: p.GetColumnName())))
            .Distinct();
        foreach (var (table, column) in columns)
        {
            // Names come from the model, never from input; the secret is a parameter.
            var sql = $"SELECT COUNT(*) AS \"Value\" FROM \"{table}\" WHERE \"{column}\" LIKE {{0}}";
            var count = await db.Database.SqlQueryRaw<int>(sql, "%" + secret + "%").SingleAsync();
            if (count > 0) found.Add($"{table}.{column}");
        }
        return found;
    }
}
