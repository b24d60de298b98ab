using Encore.Domain;

namespace Encore.Web.Features.Shared;

/// <summary>Money on the wire: integer minor units and an ISO 4217 code, e.g. <c>{"amount": 4700, "currency": "USD"}</c>.</summary>
public sealed record MoneyDto(long Amount, string Currency)
{
    public static MoneyDto From(Money money) => new(money.Amount, money.Currency);

    public static MoneyDto From(long amount, string currency) => new(amount, currency);
}

/// <summary>A recurring price's terms; absent for a one-time price.</summary>
/// <param name="Payments">A payment plan's number of payments; null: until cancelled.</param>
public sealed record RecurringDto(string Interval, int IntervalCount, int TrialDays, int? Payments = null)
{
    public static RecurringDto? From(Recurrence? recurrence) =>
        recurrence is null ? null : new(recurrence.Interval.ToString().ToLowerInvariant(), recurrence.IntervalCount, recurrence.TrialDays, recurrence.Payments);
}

/// <summary>Where the buyer goes next: <c>offer</c> (with the step), <c>thank-you</c>, <c>requires_action</c> or <c>processing</c>.</summary>
public sealed record NextDto(string Kind, Guid? StepId = null, string? ActionUrl = null)
{
    public static readonly NextDto ThankYou = new("thank-you");

    public static NextDto Offer(Guid stepId) => new("offer", stepId);
}

public static class ApiProblems
{
    /// <summary>RFC 9457 problem details with a machine-readable code beside the human words.</summary>
    public static IResult Problem(int status, string code, string title, string detail, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (extra is not null) foreach (var (key, value) in extra) extensions[key] = value;
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
