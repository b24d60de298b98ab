using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Encore.Bench;

/// <summary>
/// What EF Core sends to the database from this process, read from EF Core's own diagnostic events (the
/// <c>Microsoft.EntityFrameworkCore</c> DiagnosticListener; nothing in Encore is changed): commands, commits,
/// rollbacks and savepoints, how long each took as EF Core timed it, and the write transactions among the commits
/// (a committed transaction in which an INSERT, UPDATE or DELETE ran, or such a command run outside a transaction,
/// which the database commits by itself). Only the events counted here are switched on, so EF Core builds no event
/// data for anything else. Counts only between <see cref="Start"/> and <see cref="Stop"/>.
/// </summary>
public sealed partial class EfCounters : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly HashSet<string> Events =
    [
        RelationalEventId.CommandExecuted.Name!,
        RelationalEventId.CommandError.Name!,
        RelationalEventId.TransactionCommitted.Name!,
        RelationalEventId.TransactionRolledBack.Name!,
        RelationalEventId.CreatedTransactionSavepoint.Name!,
        RelationalEventId.ConnectionOpened.Name!,
    ];

    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentDictionary<DbTransaction, bool> _wrote = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, StatementCounter> _statements = new();
    private volatile bool _on;
    private long _commands, _writeCommands, _errors, _commits, _writeCommits, _autocommitWrites, _rollbacks, _savepoints, _opens;
    private long _commandTicks, _commitTicks, _order;

    public EfCounters() => _allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public void Start()
    {
        _wrote.Clear();
        _statements.Clear();
        _commands = _writeCommands = _errors = _commits = _writeCommits = _autocommitWrites = _rollbacks = _savepoints = _opens = 0;
        _commandTicks = _commitTicks = _order = 0;
        _on = true;
    }

    public EfSnapshot Stop()
    {
        _on = false;
        return new EfSnapshot(_commands, _writeCommands, _errors, _commits, _writeCommits, _autocommitWrites, _rollbacks, _savepoints, _opens,
            TimeSpan.FromTicks(_commandTicks).TotalMilliseconds, TimeSpan.FromTicks(_commitTicks).TotalMilliseconds,
            _statements.OrderBy(s => s.Value.Order)
                .Select(s => new StatementStats(s.Value.Label, s.Key, s.Value.Count, TimeSpan.FromTicks(s.Value.Ticks).TotalMilliseconds)).ToList());
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name) return;
        lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this, name => Events.Contains(name)));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!_on) return;
        switch (value.Value)
        {
            case CommandExecutedEventData executed:
                Interlocked.Increment(ref _commands);
                Interlocked.Add(ref _commandTicks, executed.Duration.Ticks);
                var text = executed.Command.CommandText;
                var counter = _statements.GetOrAdd(text, t => new StatementCounter(Label(t), Interlocked.Increment(ref _order)));
                Interlocked.Increment(ref counter.Count);
                Interlocked.Add(ref counter.Ticks, executed.Duration.Ticks);
                if (!counter.Writes) break;
                Interlocked.Increment(ref _writeCommands);
                if (executed.Command.Transaction is { } transaction) _wrote[transaction] = true;
                else Interlocked.Increment(ref _autocommitWrites);
                break;
            case CommandErrorEventData error:
                Interlocked.Increment(ref _errors);
                Interlocked.Add(ref _commandTicks, error.Duration.Ticks);
                break;
            case TransactionEndEventData end when value.Key == RelationalEventId.TransactionCommitted.Name:
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _commitTicks, end.Duration.Ticks);
                Count("COMMIT", end.Duration);
                if (_wrote.TryRemove(end.Transaction, out _)) Interlocked.Increment(ref _writeCommits);
                break;
            case TransactionEndEventData end:
                Interlocked.Increment(ref _rollbacks);
                Interlocked.Add(ref _commitTicks, end.Duration.Ticks);
                Count("ROLLBACK", end.Duration);
                _wrote.TryRemove(end.Transaction, out _);
                break;
            case TransactionEventData:
                Interlocked.Increment(ref _savepoints);
                Count("SAVEPOINT", TimeSpan.Zero);
                break;
            case ConnectionEndEventData:
                Interlocked.Increment(ref _opens);
                break;
        }
    }

    /// <summary>A commit, rollback or savepoint among the statements, where it first came (one row each).</summary>
    private void Count(string label, TimeSpan duration)
    {
        var counter = _statements.GetOrAdd(label, l => new StatementCounter(l, Interlocked.Increment(ref _order)));
        Interlocked.Increment(ref counter.Count);
        Interlocked.Add(ref counter.Ticks, duration.Ticks);
    }

    /// <summary>
    /// "SELECT subscriptions", "INSERT orders + INSERT charges", "8 × INSERT orders + 8 × INSERT charges": verb and table of
    /// each statement of a command, a run of the same one counted.
    /// </summary>
    internal static string Label(string commandText)
    {
        var statements = commandText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(statement => StatementPattern().Match(statement) is { Success: true } m
                ? $"{m.Groups["verb"].Value.ToUpperInvariant()} {m.Groups["table"].Value}"
                // A statement with a data-modifying WITH (the Sandbox's charge of a saved card on PostgreSQL) writes.
                : statement.StartsWith("WITH", StringComparison.OrdinalIgnoreCase) && ModifyingPattern().Match(statement) is { Success: true } w
                    ? $"{w.Groups["verb"].Value.ToUpperInvariant()} {w.Groups["table"].Value} (in a WITH)"
                    : statement.Split(' ', 2)[0].ToUpperInvariant());
        var runs = new List<(string Statement, int Count)>();
        foreach (var statement in statements)
            if (runs.Count > 0 && runs[^1].Statement == statement) runs[^1] = (statement, runs[^1].Count + 1);
            else runs.Add((statement, 1));
        return string.Join(" + ", runs.Select(r => r.Count == 1 ? r.Statement : $"{r.Count} × {r.Statement}"));
    }

    [GeneratedRegex("""^\s*(?:(?<verb>UPDATE)\s+|(?<verb>INSERT)\s+INTO\s+|(?<verb>DELETE)\s+FROM\s+|(?<verb>SELECT)\b.*?\bFROM\s+)"?(?<table>[A-Za-z_][A-Za-z0-9_]*)""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex StatementPattern();

    [GeneratedRegex("""\b(?:(?<verb>INSERT)\s+INTO|(?<verb>DELETE)\s+FROM|(?<verb>UPDATE))\s+"?(?<table>[A-Za-z_][A-Za-z0-9_]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ModifyingPattern();

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_subscriptions) foreach (var subscription in _subscriptions) subscription.Dispose();
    }

    private sealed class StatementCounter(string label, long order)
    {
        public readonly string Label = label;
        public readonly long Order = order;
        public readonly bool Writes = label.Split(" + ").Any(s => s.StartsWith("INSERT", StringComparison.Ordinal) || s.StartsWith("UPDATE", StringComparison.Ordinal) || s.StartsWith("DELETE", StringComparison.Ordinal));
        public long Count;
        public long Ticks;
    }
}

public sealed record StatementStats(string Label, string Sql, long Count, double TotalMs);

/// <summary>What EF Core sent over one measured interval; times as EF Core measured them (command sent to result read).</summary>
public sealed record EfSnapshot(
    long Commands, long WriteCommands, long CommandErrors, long Commits, long WriteCommits, long AutocommitWrites, long Rollbacks,
    long Savepoints, long ConnectionOpens, double CommandMs, double CommitMs, IReadOnlyList<StatementStats> Statements)
{
    /// <summary>Write transactions: committed ones that wrote, and writes outside a transaction (each its own).</summary>
    public long WriteTransactions => WriteCommits + AutocommitWrites;
}
