namespace Encore.Web.Payments.Sandbox;

/// <summary>
/// How a Sandbox test payment method behaves: a card Stripe has too is named as Stripe names it and behaves as it does
/// on Stripe; a card of the Sandbox's own is named <c>pm_sandbox_…</c>.
/// </summary>
public sealed record SandboxTestCard(string PaymentMethod, string Number, string Brand, string Description)
{
    public string Last4 => Number[^4..];
}

/// <summary>The Sandbox's test cards: the only card numbers it accepts, and never stored.</summary>
public static class SandboxTestCards
{
    public const string Visa = "pm_card_visa";
    public const string Mastercard = "pm_card_mastercard";
    public const string ChargeDeclined = "pm_card_chargeDeclined";
    public const string InsufficientFunds = "pm_card_chargeDeclinedInsufficientFunds";

    /// <summary>Stripe's 0341: it can be saved without a charge (a card setup), but every charge on it is declined, the first one included.</summary>
    public const string CustomerFail = "pm_card_chargeCustomerFail";

    public const string AuthenticationRequired = "pm_card_authenticationRequired";
    public const string RefundFail = "pm_card_refundFail";

    /// <summary>The Sandbox's own (Stripe has no such test card): pays on-session, then every off-session charge on it is declined.</summary>
    public const string DeclinedOffSession = "pm_sandbox_declinedOffSession";

    public static readonly IReadOnlyList<SandboxTestCard> All =
    [
        new(Visa, "4242424242424242", "visa", "Always succeeds"),
        new(Mastercard, "5555555555554444", "mastercard", "Always succeeds"),
        new(ChargeDeclined, "4000000000000002", "visa", "Declined (generic_decline)"),
        new(InsufficientFunds, "4000000000009995", "visa", "Declined (insufficient_funds)"),
        new(CustomerFail, "4000000000000341", "visa", "Saved without a charge (a free trial, a new card), but every charge is declined, the first one too"),
        new(AuthenticationRequired, "4000002760003184", "visa", "Every charge asks the buyer to authenticate"),
        new(DeclinedOffSession, "4000000000000416", "visa", "Pays at checkout; every later one-click or renewal charge is declined (Sandbox only)"),
        new(RefundFail, "4000000000005126", "visa", "Charges succeed; a refund stays pending, then fails a minute later"),
    ];

    public static SandboxTestCard? ByPaymentMethod(string paymentMethod) =>
        All.FirstOrDefault(c => c.PaymentMethod == paymentMethod);

    /// <summary>Finds the test card for a typed number (spaces and dashes ignored).</summary>
    public static SandboxTestCard? ByNumber(string? number)
    {
        if (number is null) return null;
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        return All.FirstOrDefault(c => c.Number == digits);
    }
}
