using System.Text.Json.Nodes;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>Terms a seller writes for a recurring price, complete enough for the linter's <c>recurring-terms-missing</c>.</summary>
public static class SellerTerms
{
    /// <summary>From the seller API's price answer: its description ("$29.00 every month"), and the trial when it has one.</summary>
    public static string? For(JsonNode price)
    {
        if (price["recurring"] is not { } recurring) return null;
        var description = price["description"]!.GetValue<string>();
        var trialDays = recurring["trialDays"]?.GetValue<int>() ?? 0;
        return trialDays > 0
            ? $"{description} after a {trialDays}-day free trial; cancel before it ends by e-mailing our support address and you pay nothing."
            : $"{description}, first charged today; cancel any time by e-mailing our support address.";
    }
}
