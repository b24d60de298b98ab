using Encore.Domain.PostPurchase;

namespace Encore.Domain.Subscriptions;

/// <summary>
/// What the checkout page says next to the Pay button about a recurring main product or bump, and what the consent
/// record keeps: that the card is kept for this subscription, the schedule in full, how to cancel, and the seller's own
/// terms for the item when it has any. The same terms and day always give the same text and SHA-256.
/// </summary>
public static class CheckoutDisclosure
{
    public static OfferDisclosure For(
        string sellerName, string supportEmail, string productName, Price price, DateOnly today, string payLabel, string? sellerTerms = null)
    {
        var text = $"\"{productName}\" from {sellerName} is a subscription. By clicking \"{payLabel}\" you authorize {sellerName} to keep the card you pay with " +
                   $"and charge it {RecurringSchedule.Sentence(price, today)} " +
                   $"You can cancel at any time with the link in your receipt e-mail or by writing to {supportEmail}; cancelling stops future charges.";
        if (!string.IsNullOrWhiteSpace(sellerTerms)) text += $" {sellerName}'s terms for \"{productName}\": {sellerTerms.Trim()}";
        return new OfferDisclosure(text, OfferDisclosure.HashOf(text), payLabel);
    }
}
