namespace Encore.Domain.PostPurchase;

/// <summary>
/// Where one step of a post-purchase session stands. A step is offered, then decided exactly once:
/// accepted, declined, failed or expired. Processing and AwaitingAuthentication are the moments in
/// between, while a charge is in flight; the database guards every move with a conditional update.
/// </summary>
public enum StepState
{
    Offered = 0,
    Processing = 1,
    AwaitingAuthentication = 2,
    Accepted = 3,
    Declined = 4,
    Failed = 5,
    Expired = 6,
}

public static class StepStates
{
    public static bool IsDecided(this StepState state) =>
        state is StepState.Accepted or StepState.Declined or StepState.Failed or StepState.Expired;

    public static bool IsInFlight(this StepState state) =>
        state is StepState.Processing or StepState.AwaitingAuthentication;

    private static readonly StepState[] All = Enum.GetValues<StepState>();

    /// <summary>
    /// The states a step may move to <paramref name="to"/> from: what a conditional update must find in the
    /// row before it writes, so the database enforces exactly these moves.
    /// </summary>
    public static StepState[] From(StepState to) => All.Where(from => CanMove(from, to)).ToArray();

    /// <summary>The moves the state machine allows; everything else is refused.</summary>
    public static bool CanMove(StepState from, StepState to) => (from, to) switch
    {
        (StepState.Offered, StepState.Processing) => true,
        (StepState.Offered, StepState.Declined) => true,
        (StepState.Offered, StepState.Expired) => true,
        (StepState.Processing, StepState.Accepted) => true,
        (StepState.Processing, StepState.Failed) => true,
        (StepState.Processing, StepState.AwaitingAuthentication) => true,
        (StepState.AwaitingAuthentication, StepState.Accepted) => true,
        (StepState.AwaitingAuthentication, StepState.Failed) => true,
        _ => false,
    };
}
