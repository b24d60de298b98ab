using System.Globalization;

namespace Encore.Bench;

public sealed record BenchOptions
{
    public string Url { get; init; } = "http://127.0.0.1:5080";
    public string Slug { get; init; } = "calm-your-anxiety";
    public string Label { get; init; } = "sqlite";
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16];
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Unmeasured journeys before the first level (<c>--warm-up</c> seconds).</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);
    public int Seed { get; init; } = 42;

    /// <summary>The database Encore runs on (an Npgsql or SQLite connection string), for the database ceiling.</summary>
    public string? Database { get; init; }

    public string OutputDirectory { get; init; } = "bench/results";

    /// <summary>The peer's (Vendure's) Shop API and its database (PostgreSQL counters): when set, checkouts compared at each level.</summary>
    public string? PeerUrl { get; init; }
    public string? PeerDatabase { get; init; }
    public string PeerName { get; init; } = "Vendure";

    /// <summary>Share of offers accepted (the rest declined, then the downsell accepted at the same rate).</summary>
    public double AcceptRate { get; init; } = 0.4;

    /// <summary>After the closed-loop levels, start journeys on a fixed schedule at this share of the peak rate (0: no such run).</summary>
    public double RateShare { get; init; }

    /// <summary>journeys (default) or billing (<c>--mode billing</c>: the billing run, see BillingBench).</summary>
    public string Mode { get; init; } = "journeys";

    /// <summary>Billing: subscriptions due at once per measured run (<c>--subscriptions</c>).</summary>
    public int Subscriptions { get; init; } = 10_000;

    /// <summary>Billing: subscriptions billed once before the measured runs, not measured (<c>--billing-warm-up</c>).</summary>
    public int BillingWarmUp { get; init; } = 5_000;


    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--url" => options with { Url = value.TrimEnd('/') },
                "--slug" => options with { Slug = value },
                "--label" => options with { Label = value },
                "--concurrency" => options with { Concurrency = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList() },
                "--warm-up" => options with { WarmUp = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--database" => options with { Database = value },
                "--out" => options with { OutputDirectory = value },
                "--peer-url" => options with { PeerUrl = value },
                "--peer-database" => options with { PeerDatabase = value },
                "--peer-name" => options with { PeerName = value },
                "--rate-share" => options with { RateShare = double.Parse(value, CultureInfo.InvariantCulture) },
                "--accept-rate" => options with { AcceptRate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--mode" => options with { Mode = value },
                "--subscriptions" => options with { Subscriptions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--billing-warm-up" => options with { BillingWarmUp = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}"),
            };
        }
        return options;
    }
}
