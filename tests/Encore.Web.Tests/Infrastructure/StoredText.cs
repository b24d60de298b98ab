using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Searches every text column of every table for strings: where a secret would be if it were stored.</summary>
public static class StoredText
{
    /// <summary>For each string, the <c>table.column</c> of every text column that holds it in some row.</summary>
    public static async Task<Dictionary<string, List<string>>> WhereAsync(EncoreDbContext db, params string[] secrets)
    {
        var found = secrets.Distinct().ToDictionary(s => s, _ => new List<string>());
        var tables = db.Model.GetEntityTypes()
            .Where(t => t.GetTableName() is not null)
            .GroupBy(t => t.GetTableName()!)
            .Select(g => (Table: g.Key, Columns: g.SelectMany(t => t.GetProperties())
                .Where(p => p.ClrType == typeof(string) || p.GetProviderClrType() == typeof(string))
                .Select(p => p.GetColumnName()).Distinct().ToList()))
            .Where(t => t.Columns.Count > 0);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var (table, columns) in tables)
            {
                // Names come from the model, never from input. Test databases are small: read every value.
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"\"{c}\""))} FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < columns.Count; i++)
                    {
                        if (reader.IsDBNull(i)) continue;
                        var value = reader.GetString(i);
                        foreach (var (secret, where) in found)
                            if (value.Contains(secret, StringComparison.Ordinal) && !where.Contains($"{table}.{columns[i]}"))
                                where.Add($"{table}.{columns[i]}");
                    }
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return found;
    }
}
