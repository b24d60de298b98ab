namespace Encore.Domain.PostPurchase;

public static class CardBrands
{
    /// <summary>"visa" → "Visa", as a buyer reads it on the card.</summary>
    public static string DisplayName(string brand) => brand.ToLowerInvariant() switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "diners" => "Diners Club",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        _ => "Card",
    };
}
