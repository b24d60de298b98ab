using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// ConfirmationTokens: what Stripe.js makes from the Payment Element in the buyer's browser (<c>createConfirmationToken</c>)
/// and the checkout posts instead of a card. It stands where a payment method would in a <see cref="ChargeRequest"/>:
/// the adapter sends it as <c>confirmation_token</c> to the PaymentIntent (or, for a card setup, the SetupIntent) it creates
/// and confirms on the server, and Stripe makes the PaymentMethod from it. A token confirms one intent, once; the card the
/// buyer is shown before paying comes from its <c>payment_method_preview</c>, the saved card from the confirmed intent.
/// See decision 0007.
/// </summary>
public sealed partial class StripeGateway
{
    public const string ConfirmationTokenPrefix = "ctoken_";

    public static bool IsConfirmationToken(string paymentMethodId) => paymentMethodId.StartsWith(ConfirmationTokenPrefix, StringComparison.Ordinal);

    /// <summary>The card a ConfirmationToken previews; null when Stripe has no such token, or it has been used or has expired.</summary>
    private async Task<SavedCard?> DescribeConfirmationTokenAsync(string tokenId, CancellationToken cancellationToken)
    {
        try
        {
            var token = await _confirmationTokens.GetAsync(tokenId, cancellationToken: cancellationToken);
            if (token.PaymentIntent is not null || token.SetupIntent is not null || token.ExpiresAt <= DateTime.UtcNow) return null;
            return token.PaymentMethodPreview?.Card is { } card ? new SavedCard(token.Id, card.Brand ?? "card", card.Last4 ?? "") : null;
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            return null;
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
    }
}
