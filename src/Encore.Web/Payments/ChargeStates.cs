using Encore.Web.Data.Entities;

namespace Encore.Web.Payments;

/// <summary>
/// The charge's state machine, written once (as <c>StepStates</c> is for a step): which moves are allowed, which
/// states are still open, and the one wire name of each state that every API, webhook and page uses.
/// </summary>
public static class ChargeStates
{
    /// <summary>Not settled yet: the money may or may not move. The reconciler and the pages look at these.</summary>
    public static readonly ChargeStatus[] Open = [ChargeStatus.Pending, ChargeStatus.Unknown, ChargeStatus.RequiresAction];

    public static bool IsOpen(this ChargeStatus status) => status is ChargeStatus.Pending or ChargeStatus.Unknown or ChargeStatus.RequiresAction;

    /// <summary>No answer yet (recorded, or asked and not answered): the buyer is told "being confirmed".</summary>
    public static bool IsUnanswered(this ChargeStatus status) => status is ChargeStatus.Pending or ChargeStatus.Unknown;

    private static readonly ChargeStatus[] All = Enum.GetValues<ChargeStatus>();

    /// <summary>The states a charge may move to <paramref name="to"/> from: what a conditional update must find.</summary>
    public static ChargeStatus[] From(ChargeStatus to) => All.Where(from => CanMove(from, to)).ToArray();

    public static bool CanMove(ChargeStatus from, ChargeStatus to) => (from, to) switch
    {
        (ChargeStatus.Pending, ChargeStatus.Unknown) => true,
        (ChargeStatus.Pending or ChargeStatus.Unknown, ChargeStatus.RequiresAction) => true,
        (ChargeStatus.Pending or ChargeStatus.Unknown or ChargeStatus.RequiresAction, ChargeStatus.Succeeded or ChargeStatus.Failed) => true,
        _ => false,
    };

    /// <summary>
    /// The wire name, the same in the buyer API, the seller API and webhooks: <c>pending</c> (recorded, gateway
    /// being asked), <c>unknown</c> (the gateway's answer was lost; the reconciler settles it), <c>requires_action</c>
    /// (the bank asks the buyer to authenticate), <c>succeeded</c>, <c>failed</c>.
    /// </summary>
    public static string WireName(this ChargeStatus status) => status switch
    {
        ChargeStatus.Pending => "pending",
        ChargeStatus.Unknown => "unknown",
        ChargeStatus.RequiresAction => "requires_action",
        ChargeStatus.Succeeded => "succeeded",
        ChargeStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
