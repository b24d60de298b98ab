using System.Globalization;
using System.Text;

namespace Encore.Bench;

/// <summary>The peer comparison's part of the report (bench/README.md): Encore's checkout alone against Vendure's.</summary>
public sealed partial class BenchReport
{
    public List<PeerComparison> Peer { get; } = [];

    public string ToPeerMarkdown()
    {
        if (Peer.Count == 0) return "";
        var text = new StringBuilder();
        text.AppendLine();
        var peer = Peer[0].Peer.System;
        text.AppendLine(CultureInfo.InvariantCulture, $"### Checkout: Encore vs {peer} on {Label}, {StartedAt:yyyy-MM-dd HH:mm} UTC ({Machine})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| conc. | Encore checkouts/s | {peer} checkouts/s | ratio Encore/{peer} | Encore p50/p99 ms | {peer} p50/p99 ms | p99 ratio Encore/{peer} | Encore commits/rows per checkout | {peer} commits/rows per checkout | errors Encore/{peer} |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        static string Db(CheckoutResult r) => r.CommitsPerCheckout is { } c && r.RowsWrittenPerCheckout is { } w ? string.Create(CultureInfo.InvariantCulture, $"{c:N1} / {w:N1}") : "—";
        static string Ratio(double a, double b) => b > 0 ? (a / b).ToString("N2", CultureInfo.InvariantCulture) : "—";
        foreach (var p in Peer)
        {
            var (e, v) = (p.Encore, p.Peer);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Concurrency} | {e.CheckoutsPerSecond:N1} | {v.CheckoutsPerSecond:N1} | {Ratio(e.CheckoutsPerSecond, v.CheckoutsPerSecond)} " +
                $"| {e.Checkout.P50Ms:N1} / {e.Checkout.P99Ms:N1} | {v.Checkout.P50Ms:N1} / {v.Checkout.P99Ms:N1} | {Ratio(e.Checkout.P99Ms, v.Checkout.P99Ms)} " +
                $"| {Db(e)} | {Db(v)} | {e.Errors} / {v.Errors} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"A checkout's latency is the sum of its calls: Encore GET the funnel + POST the checkout (the Sandbox card charged and kept for the offers); {peer}'s Shop API addItemToOrder, setCustomerForOrder, setOrderShippingAddress, setOrderShippingMethod, transitionOrderToState(ArrangingPayment), addPaymentToOrder (dummy handler, settled at once). One system at a time. Per call (ms, p50 / p95 / p99 / max):");
        text.AppendLine();
        foreach (var p in Peer)
        foreach (var r in new[] { p.Encore, p.Peer })
        {
            text.Append(CultureInfo.InvariantCulture, $"- concurrency {p.Concurrency}, {r.System}: ");
            text.AppendLine(string.Join("; ", r.Calls.Select(c =>
                string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value.P50Ms:N1} / {c.Value.P95Ms:N1} / {c.Value.P99Ms:N1} / {c.Value.MaxMs:N1} (n={c.Value.Count})"))));
        }
        return text.ToString();
    }
}
