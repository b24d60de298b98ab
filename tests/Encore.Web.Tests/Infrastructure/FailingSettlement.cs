using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// Makes the database refuse the next settlement of a charge (the UPDATE that records the gateway's answer),
/// as a crash or an outage right after the gateway charged would.
/// </summary>
public sealed class FailingSettlement : DbCommandInterceptor
{
    private int _armed;

    public void FailNext() => Interlocked.Exchange(ref _armed, 1);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        // SQLite quotes the table name, PostgreSQL does not: match both.
        if (command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.Ordinal) &&
            command.CommandText.Contains("charges", StringComparison.Ordinal) &&
            command.CommandText.Contains("SettledAt", StringComparison.Ordinal) &&
            Interlocked.Exchange(ref _armed, 0) == 1)
            throw new InvalidOperationException("Injected: the database refused to record the gateway's answer.");
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}
