namespace Encore.Web.Payments;

/// <summary>What a buyer is told for a gateway's decline code: plain words, and always that nothing was charged.</summary>
public static class DeclineMessages
{
    public static string For(string? declineCode) => declineCode switch
    {
        "insufficient_funds" => "Your card has insufficient funds. Nothing was charged.",
        "authentication_failed" or "authentication_required" => "Your bank did not confirm the payment. Nothing was charged.",
        "expired_card" => "Your card has expired. Nothing was charged.",
        "incorrect_cvc" => "Your card's security code is incorrect. Nothing was charged.",
        _ => "Your card was declined. Nothing was charged.",
    };
}
