namespace Encore.Bench;

/// <summary>Latency samples of one endpoint, in milliseconds.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();

    public void Add(double milliseconds)
    {
        lock (_lock) _samples.Add(milliseconds);
    }

    public LatencyStats Stats()
    {
        lock (_lock)
        {
            if (_samples.Count == 0) return new LatencyStats(0, 0, 0, 0, 0);
            var sorted = _samples.Order().ToArray();
            double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            return new LatencyStats(sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1]);
        }
    }
}

public sealed record LatencyStats(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
