namespace Encore.Web.Payments;

/// <summary>
/// Which declines are worth retrying, in one place. A hard decline (the card is lost, stolen, closed or refused for
/// good) is never retried: a retry could only fail again, or worse, look like card testing to the network. Everything
/// else (insufficient funds, a generic decline, a processing error) is soft, and dunning retries it on schedule.
/// Codes are Stripe's decline codes, which the Sandbox uses too, and the gateway's own refusals of the request.
/// </summary>
public static class DeclineKinds
{
    private static readonly HashSet<string> Hard = new(StringComparer.OrdinalIgnoreCase)
    {
        "stolen_card", "lost_card", "pickup_card", "fraudulent", "merchant_blacklist",
        "invalid_account", "card_not_supported", "currency_not_supported", "restricted_card", "security_violation",
        "revocation_of_authorization", "revocation_of_all_authorizations", "stop_payment_order", "transaction_not_allowed",
        "new_account_information_available", "invalid_number", "incorrect_number", "expired_card", "do_not_try_again",
        // The request itself was refused: the saved method is gone or no longer attached.
        "payment_method_not_attached", "resource_missing", "payment_method_unactivated",
    };

    /// <summary>True when retrying the same card cannot help.</summary>
    public static bool IsHard(string? declineCode) => declineCode is not null && Hard.Contains(declineCode);
}
