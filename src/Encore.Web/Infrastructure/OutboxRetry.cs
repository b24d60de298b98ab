namespace Encore.Web.Infrastructure;

/// <summary>The back-off shared by the outbox workers: 30 s × 2^(attempt − 1), at most 6 h; and the lease a worker takes on a row.</summary>
public static class OutboxRetry
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Cap = TimeSpan.FromHours(6);
    public const int MaxAttempts = 10;

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public static TimeSpan Delay(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 20);
        var delay = TimeSpan.FromTicks(First.Ticks * (1L << exponent));
        return delay > Cap ? Cap : delay;
    }

    public static string Truncate(string? text, int max) => text is null ? "" : text.Length > max ? text[..max] : text;
}
