using System.Globalization;
using System.Text;

namespace Encore.Bench;

/// <summary>One measured billing run: N subscriptions due at once, billed by Encore's own run.</summary>
public sealed record BillingResult
{
    public required string Variant { get; init; }

    /// <summary>Renewals in flight at once; the database ceiling is measured with as many connections.</summary>
    public int Parallel { get; init; }

    public int Renewals { get; init; }
    public double Seconds { get; init; }
    public double RenewalsPerSecond { get; init; }
    public double CeilingBefore { get; init; }
    public double CeilingAfter { get; init; }
    public string LoadBefore { get; init; } = "";
    public string LoadAfter { get; init; } = "";

    /// <summary>PostgreSQL: transaction ids assigned over the run, per renewal (server-wide).</summary>
    public double? PgWriteTransactionsPerRenewal { get; init; }

    /// <summary>PostgreSQL: <c>pg_stat_database.xact_commit</c> per renewal (read-only transactions too).</summary>
    public double? PgCommitsPerRenewal { get; init; }

    public double? PgRowsWrittenPerRenewal { get; init; }

    /// <summary>From EF Core's events in this process: committed transactions that wrote, and writes outside a transaction.</summary>
    public double EfWriteTransactionsPerRenewal { get; init; }

    public double EfCommandsPerRenewal { get; init; }
    public double EfCommitsPerRenewal { get; init; }
    public double EfRollbacksPerRenewal { get; init; }
    public double EfSavepointsPerRenewal { get; init; }
    public double EfConnectionOpensPerRenewal { get; init; }
    public long EfCommandErrors { get; init; }

    /// <summary>Time inside EF Core's database calls (commands and commits, as EF Core timed them), summed over all workers.</summary>
    public double DatabaseCallMsPerRenewal { get; init; }

    public double WallMsPerRenewal { get; init; }

    /// <summary>CPU of this process (Encore's code, EF Core, the Sandbox, and SQLite itself on SQLite) per renewal.</summary>
    public double ProcessCpuMsPerRenewal { get; init; }

    /// <summary>PostgreSQL: CPU of the server processes serving this database's connections, per renewal.</summary>
    public double? PostgresBackendCpuMsPerRenewal { get; init; }

    public double Gen0CollectionsPerThousand { get; init; }

    /// <summary>Bytes allocated by this process (all threads) per renewal.</summary>
    public double AllocatedKbPerRenewal { get; init; }
    /// <summary>Wall time this process's threads stood still for the GC (GC.GetTotalPauseDuration), per renewal.</summary>
    public double GcPauseMsPerRenewal { get; init; }
    /// <summary>Methods the JIT compiled during the measured run (System.Runtime.JitInfo: tier-ups, dynamic methods) and the time it took.</summary>
    public long MethodsJitted { get; init; }
    public double JitSeconds { get; init; }
    public string Checks { get; init; } = "";
    public IReadOnlyList<StatementStats> Statements { get; init; } = [];

    /// <summary>
    /// Committed write transactions per renewal, what the ceiling's transactions are: EF Core's count (on PostgreSQL
    /// checked against the server's commit counter). PostgreSQL's transaction ids count one more per renewal: the
    /// mail's savepoint takes a subtransaction id when its insert writes, with no commit of its own.
    /// </summary>
    public double WriteTransactionsPerRenewal => EfWriteTransactionsPerRenewal;

    public double Ceiling => (CeilingBefore + CeilingAfter) / 2;
    public double WriteShare => Ceiling > 0 ? RenewalsPerSecond * WriteTransactionsPerRenewal / Ceiling : 0;

    /// <summary>
    /// Renewals per second as a share of the ceiling, each renewal counted as one transaction whatever it takes: unlike
    /// <see cref="WriteShare"/>, it does not fall when renewals share transactions (chunks) nor rise when one takes more.
    /// </summary>
    public double RenewalShare => Ceiling > 0 ? RenewalsPerSecond / Ceiling : 0;

    /// <summary>The share as the journeys compute it on PostgreSQL: with transaction ids (subtransactions included).</summary>
    public double? XactIdShare => Ceiling > 0 && PgWriteTransactionsPerRenewal is { } ids ? RenewalsPerSecond * ids / Ceiling : null;

    /// <summary>Round trips to the server: commands, commits and rollbacks (BEGIN and savepoints travel with the next command).</summary>
    public double RoundTripsPerRenewal => EfCommandsPerRenewal + EfCommitsPerRenewal + EfRollbacksPerRenewal;
}

public sealed class BillingReport
{
    public string Label { get; init; } = "";
    public string Machine { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public int Subscriptions { get; init; }
    public int WarmUpSubscriptions { get; init; }
    public double CeilingSeconds { get; init; }
    public List<BillingResult> Results { get; } = [];

    public string ToMarkdown()
    {
        static string F(double? value, string format = "N1") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "—";
        var postgres = Label == "postgres";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Billing run on {Label}, {StartedAt:yyyy-MM-dd HH:mm} UTC ({Machine})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{Subscriptions:N0} active monthly subscriptions due at once (each its own Sandbox customer with a `pm_card_visa` method attached, and its origin order), billed by Encore in-process after a warm-up of {WarmUpSubscriptions:N0}. " +
            $"DB ceiling: committed single-row insert transactions with as many connections as renewals in flight, {CeilingSeconds:N0} s before and after each run (the share uses their mean).");
        text.AppendLine();
        text.AppendLine("| run | in flight | renewals | seconds | renewals/s | write tx/renewal | write tx/s | DB ceiling tx/s (before / after) | write share of DB ceiling | renewals/s as share of DB ceiling |" +
                        (postgres ? " xact ids/renewal | share with xact ids |" : "") + " load avg (before → after) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (postgres ? " ---: | ---: |" : "") + " --- |");
        foreach (var r in Results)
        {
            var ids = postgres ? $" {F(r.PgWriteTransactionsPerRenewal, "N2")} | {r.XactIdShare?.ToString("P0", CultureInfo.InvariantCulture) ?? "—"} |" : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Variant} | {r.Parallel} | {r.Renewals:N0} | {r.Seconds:N1} | {r.RenewalsPerSecond:N1} | {r.WriteTransactionsPerRenewal:N2} | {r.RenewalsPerSecond * r.WriteTransactionsPerRenewal:N0} " +
                $"| {r.CeilingBefore:N0} / {r.CeilingAfter:N0} | {r.WriteShare:P0} | {r.RenewalShare:P0} |{ids} {r.LoadBefore} → {r.LoadAfter} |");
        }
        text.AppendLine();
        text.AppendLine("Write tx/renewal: committed transactions in which an INSERT, UPDATE or DELETE ran, plus such statements run outside a transaction (each commits by itself), " +
                        "counted from EF Core's events in the bench process" + (postgres
                            ? "; PostgreSQL's commit counter (`xact_commit`, below) agrees once the read-only statements outside a transaction are added. " +
                              "Xact ids: PostgreSQL transaction ids assigned over the run (`pg_current_xact_id()` before and after, less the reading's own; server-wide), as the journeys count write transactions: " +
                              "one more per renewal than commits, the renewal mail's savepoint taking a subtransaction id for its insert (no commit of its own)."
                            : "; SQLite has no counter of its own."));
        text.AppendLine();
        text.AppendLine("Per renewal, where the time goes (EF Core's own diagnostic events in the bench process; CPU from the OS):");
        text.AppendLine();
        text.AppendLine("| run | wall ms | in DB calls ms | CPU ms here (Encore, EF Core, Sandbox" + (postgres ? ")" : ", SQLite)") + (postgres ? " | PostgreSQL backends CPU ms" : "") +
                        " | commands | commits | rollbacks | savepoints | round trips | EF write tx | " + (postgres ? "PG commits | rows written | " : "") + "KB allocated | gen0 GCs per 1,000 | GC pause ms |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (postgres ? " ---: | ---: | ---: |" : ""));
        foreach (var r in Results)
        {
            var backends = postgres ? $" | {F(r.PostgresBackendCpuMsPerRenewal, "N2")}" : "";
            var counters = postgres ? $"{F(r.PgCommitsPerRenewal, "N2")} | {F(r.PgRowsWrittenPerRenewal, "N2")} | " : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(r)} | {r.WallMsPerRenewal:N2} | {r.DatabaseCallMsPerRenewal:N2} | {r.ProcessCpuMsPerRenewal:N2}{backends} " +
                $"| {r.EfCommandsPerRenewal:N2} | {r.EfCommitsPerRenewal:N2} | {r.EfRollbacksPerRenewal:N2} | {r.EfSavepointsPerRenewal:N2} | {r.RoundTripsPerRenewal:N2} | {r.EfWriteTransactionsPerRenewal:N2} | {counters}{r.AllocatedKbPerRenewal:N0} | {r.Gen0CollectionsPerThousand:N1} | {r.GcPauseMsPerRenewal:N2} |");
        }
        text.AppendLine();
        text.AppendLine("In DB calls: the sum over all connections of EF Core's command and commit durations (sent to answer read), so with several renewals in flight it can exceed the wall time. " +
                        "Round trips: commands + commits + rollbacks (BEGIN and savepoints go with the next command on PostgreSQL; on SQLite nothing crosses a network, each is a call into the library).");
        foreach (var r in Results)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Statements per renewal, {Name(r)}, in the order first seen (count, mean ms as EF Core timed it; the SQL of each is in the .json):");
            text.AppendLine();
            text.AppendLine("| statement | per renewal | mean ms | total s |");
            text.AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var s in r.Statements)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {s.Label} | {s.Count / (double)r.Renewals:N3} | {s.TotalMs / s.Count:N3} | {s.TotalMs / 1000:N2} |");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Checked after the run: {r.Checks}.");
        }
        return text.ToString();
    }

    private static string Name(BillingResult r) => r.Parallel <= 1 ? "one in flight" : $"{r.Parallel} in flight";
}
