using System.Globalization;
using System.Text;

namespace Encore.Bench;

public sealed record BenchRun(int Concurrency, JourneyResult Encore, HttpCeilingResult HttpCeiling, DatabaseCeilingResult? DatabaseCeiling);

public sealed partial class BenchReport
{
    public string Label { get; init; } = "";
    public string Url { get; init; } = "";
    public string Machine { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public List<BenchRun> Runs { get; } = [];

    /// <summary>The open-loop run at a share of the peak rate (--rate-share), if any.</summary>
    public OpenLoopResult? OpenLoop { get; set; }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Encore on {Label}, {StartedAt:yyyy-MM-dd HH:mm} UTC ({Machine})");
        text.AppendLine();
        text.AppendLine("| conc. | journeys/s | req/s | checkout p50/p99 ms | accept p50/p99 ms | accept p99 max ms | HTTP ceiling req/s | req/s share of HTTP ceiling | DB ceiling tx/s | commits/journey | rows written/journey | commit share of DB ceiling | write tx/journey | write share of DB ceiling | errors |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in Runs)
        {
            var e = run.Encore;
            var checkout = e.Endpoints.GetValueOrDefault("checkout");
            var accept = e.Endpoints.GetValueOrDefault("accept");
            var dbShare = run.DatabaseCeiling is { TransactionsPerSecond: > 0 } db && e.CommitsPerJourney is { } commits
                ? (e.JourneysPerSecond * commits / db.TransactionsPerSecond).ToString("P0", CultureInfo.InvariantCulture) : "—";
            var writeShare = run.DatabaseCeiling is { TransactionsPerSecond: > 0 } db2 && e.WriteTransactionsPerJourney is { } writes
                ? (e.JourneysPerSecond * writes / db2.TransactionsPerSecond).ToString("P0", CultureInfo.InvariantCulture) : "—";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Concurrency} | {e.JourneysPerSecond:N1} | {e.RequestsPerSecond:N0} | {checkout?.P50Ms:N1} / {checkout?.P99Ms:N1} | {accept?.P50Ms:N1} / {accept?.P99Ms:N1} | {accept?.MaxMs:N1} " +
                $"| {run.HttpCeiling.RequestsPerSecond:N0} | {e.RequestsPerSecond / run.HttpCeiling.RequestsPerSecond:P1} " +
                $"| {run.DatabaseCeiling?.TransactionsPerSecond.ToString("N0", CultureInfo.InvariantCulture) ?? "—"} | {e.CommitsPerJourney?.ToString("N1", CultureInfo.InvariantCulture) ?? "—"} | {e.RowsWrittenPerJourney?.ToString("N1", CultureInfo.InvariantCulture) ?? "—"} | {dbShare} | {e.WriteTransactionsPerJourney?.ToString("N1", CultureInfo.InvariantCulture) ?? "—"} | {writeShare} | {e.Errors} |");
        }
        text.AppendLine();
        text.AppendLine("Commits and rows are PostgreSQL's own counters over the run (read-only transactions included in commits; the Sandbox gateway's ledger writes to the same database). Per endpoint (ms, p50 / p95 / p99 / max):");
        text.AppendLine();
        foreach (var run in Runs)
        {
            text.Append(CultureInfo.InvariantCulture, $"- concurrency {run.Concurrency}: ");
            text.AppendLine(string.Join("; ", run.Encore.Endpoints.Select(p =>
                string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.P50Ms:N1} / {p.Value.P95Ms:N1} / {p.Value.P99Ms:N1} / {p.Value.MaxMs:N1} (n={p.Value.Count})"))));
        }
        if (OpenLoop is { } open)
        {
            var o = open.Encore;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"#### At {open.RateShare:P0} of peak: open loop, {open.TargetJourneysPerSecond:N1} journeys/s scheduled ({open.RateShare:P0} of {open.PeakJourneysPerSecond:N1} at concurrency {open.PeakConcurrency})");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Journeys start on a fixed schedule, not limited by a worker pool (at most {open.MaxInFlight} in flight; start lag p99 {open.StartLag.P99Ms:N1} ms). Latency is timed from when each request was due: a journey's first request from its scheduled start, later ones from the previous response (no coordinated omission).");
            var writes = o.WriteTransactionsPerJourney;
            var share = writes is { } w && open.DatabaseCeilingTransactionsPerSecond is > 0 ? (o.JourneysPerSecond * w / open.DatabaseCeilingTransactionsPerSecond.Value).ToString("P0", CultureInfo.InvariantCulture) : "—";
            text.AppendLine(CultureInfo.InvariantCulture, $"Achieved {o.JourneysPerSecond:N1} journeys/s, errors {o.Errors}; write tx/journey {writes?.ToString("N1", CultureInfo.InvariantCulture) ?? "—"}, write rate {share} of the highest DB ceiling measured ({open.DatabaseCeilingTransactionsPerSecond?.ToString("N0", CultureInfo.InvariantCulture) ?? "—"} tx/s).");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"| endpoint (at {open.RateShare:P0} of peak) | n | p50 ms | p95 ms | p99 ms | max ms |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (name, p) in o.Endpoints)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {p.Count} | {p.P50Ms:N1} | {p.P95Ms:N1} | {p.P99Ms:N1} | {p.MaxMs:N1} |");
        }
        text.AppendLine();
        text.AppendLine("Write tx/journey: PostgreSQL transaction ids assigned over the run (only writing transactions get one, and so does a savepoint that writes; server-wide, so other writers on the same server count too), per journey.");
        return text.ToString();
    }

    /// <summary>Latency (accept p99 and checkout p99) against throughput (journeys/s), one point per concurrency.</summary>
    public string ToLatencyChartSvg()
    {
        const double width = 640, height = 360, left = 60, bottom = 40, top = 20, right = 20;
        var points = Runs.Select(r => (X: r.Encore.JourneysPerSecond,
            Accept: r.Encore.Endpoints.GetValueOrDefault("accept")?.P99Ms ?? 0, Checkout: r.Encore.Endpoints.GetValueOrDefault("checkout")?.P99Ms ?? 0, r.Concurrency)).ToList();
        var maxX = Math.Max(1, points.Max(p => p.X)) * 1.1;
        var maxY = Math.Max(1, points.Max(p => Math.Max(p.Accept, p.Checkout))) * 1.1;
        string X(double v) => (left + v / maxX * (width - left - right)).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double v) => (height - bottom - v / maxY * (height - top - bottom)).ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<title>Encore on {Label}: p99 latency against journeys per second</title>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#333\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#333\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height - 8}\" text-anchor=\"middle\">journeys per second (max {maxX / 1.1:N1})</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{height / 2}\" transform=\"rotate(-90 14 {height / 2})\" text-anchor=\"middle\">p99 ms (max {maxY / 1.1:N1})</text>");
        foreach (var (series, colour, select) in new (string, string, Func<(double X, double Accept, double Checkout, int Concurrency), double>)[] { ("accept p99", "#1f6f5c", p => p.Accept), ("checkout p99", "#a11d2a", p => p.Checkout) })
        {
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(" ", points.Select(p => $"{X(p.X)},{Y(select(p))}"))}\"/>");
            foreach (var p in points) svg.AppendLine($"<circle cx=\"{X(p.X)}\" cy=\"{Y(select(p))}\" r=\"3\" fill=\"{colour}\"><title>{series} at concurrency {p.Concurrency}: {select(p).ToString("N1", CultureInfo.InvariantCulture)} ms</title></circle>");
        }
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + 10}\" y=\"{top + 12}\" fill=\"#1f6f5c\">accept p99</text><text x=\"{left + 10}\" y=\"{top + 28}\" fill=\"#a11d2a\">checkout p99</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
