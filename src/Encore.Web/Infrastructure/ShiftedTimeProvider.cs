namespace Encore.Web.Infrastructure;

/// <summary>
/// The system clock moved to another moment, for <c>bill --as-of</c>: time goes on from there at its normal pace, so
/// a run's records are ordered as they happened. Only ever used by that command, which Production refuses.
/// </summary>
public sealed class ShiftedTimeProvider(DateTimeOffset asOf) : TimeProvider
{
    private readonly TimeSpan _offset = asOf - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
