using System.Security.Cryptography;
using System.Text;

namespace Encore.Domain.PostPurchase;

/// <summary>What a buyer must be told before a saved card is charged for a one-click offer.</summary>
public sealed record OfferTerms(
    string SellerName,
    string SupportEmail,
    string ProductName,
    Price Price,
    string CardBrand,
    string CardLast4,
    DateOnly Today,
    string? SellerTerms = null);

/// <summary>
/// The exact words a buyer agrees to with one click: what, how much, how often and which card, followed by
/// the seller's own terms for the offer when it has any, so the consent record keeps everything that was agreed.
/// The same terms always give the same text, so the hash a client sends back proves which text it showed.
/// </summary>
public sealed record OfferDisclosure(string Text, string Sha256, string AcceptLabel)
{
    public static OfferDisclosure For(OfferTerms terms)
    {
        var label = AcceptLabelFor(terms.Price);
        var card = $"{CardBrands.DisplayName(terms.CardBrand)} ending in {terms.CardLast4}";
        var amount = terms.Price.Amount.FormatWithCode();
        var text = new StringBuilder()
            .Append($"You are adding \"{terms.ProductName}\" to your order from {terms.SellerName}. ")
            .Append($"By clicking \"{label}\" you authorize {terms.SellerName} to charge your {card}, the card you just used, ");
        if (terms.Price.Recurrence is null)
        {
            text.Append($"{amount} once. This is a one-time charge; nothing else will be charged.");
        }
        else
        {
            text.Append(Subscriptions.RecurringSchedule.Sentence(terms.Price, terms.Today))
                .Append($" You can cancel at any time with the link in your receipt e-mail or by writing to {terms.SupportEmail}; ")
                .Append("cancelling stops future charges.");
        }
        if (!string.IsNullOrWhiteSpace(terms.SellerTerms))
            text.Append($" {terms.SellerName}'s terms for this offer: {terms.SellerTerms.Trim()}");
        var value = text.ToString();
        return new OfferDisclosure(value, HashOf(value), label);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string HashOf(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>"Yes, add it for $97.00" or "Yes, add it for $29.00 every month": the button states the charge.</summary>
    public static string AcceptLabelFor(Price price) => price.Recurrence is { TrialDays: > 0 } trial
        ? $"Yes, start the {trial.TrialDays}-day free trial, then {price.Describe()}"
        : $"Yes, add it for {price.Describe()}";

    /// <summary>Compares a client's hash with this one in constant time.</summary>
    public bool Matches(string? sha256) =>
        sha256 is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sha256), Encoding.ASCII.GetBytes(sha256.ToLowerInvariant()));
}
