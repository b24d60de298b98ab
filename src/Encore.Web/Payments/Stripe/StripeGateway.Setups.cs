using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// Card setups: a <see cref="ChargeRequest"/> of amount 0 that saves the card (a checkout of free trials alone, a
/// subscriber's new card) is a SetupIntent, created and confirmed in one call with the request's idempotency key, for
/// off-session use, on the customer so that later off-session PaymentIntents (renewals) can charge the method.
/// Its result reads like a payment's: Succeeded with Amount 0 and the saved card; RequiresAction sends the buyer to
/// the same authentication page (Stripe.js <c>handleNextAction</c> takes a SetupIntent's client secret too); Failed
/// with the bank's decline code; Processing. SetupIntents have no search: a setup is found by its key in the list of
/// those created while the charge's request could run (<see cref="CreatedWhileRequestRan"/>). See decision 0006.
/// </summary>
public sealed partial class StripeGateway
{
    /// <summary>A SetupIntent has no currency; the request's is kept in its metadata so that a read of it can say it.</summary>
    public const string CurrencyMetadata = "encore_currency";

    private static bool IsSetup(string paymentId) => paymentId.StartsWith("seti_", StringComparison.Ordinal);

    private async Task<PaymentResult> SetUpCardAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        if (!request.SaveForOffSession || request.OffSession)
            throw new GatewayRequestException("amount_zero",
                "A request of amount 0 is a card setup: it must save the method (SaveForOffSession), on-session. Nothing was sent to Stripe.");
        var metadata = new Dictionary<string, string>(request.Metadata)
        {
            [IdempotencyKeyMetadata] = request.IdempotencyKey,
            [CurrencyMetadata] = request.Currency.ToUpperInvariant(),
        };
        var options = new SetupIntentCreateOptions
        {
            Customer = request.CustomerId,
            PaymentMethod = IsConfirmationToken(request.PaymentMethodId) ? null : request.PaymentMethodId,
            ConfirmationToken = IsConfirmationToken(request.PaymentMethodId) ? request.PaymentMethodId : null,
            AllowedPaymentMethodTypes = ["card"],
            Confirm = true,
            Usage = "off_session",
            // As for a payment: a bank challenge is run by Stripe.js on Encore's page, and the way back stays on this
            // site in the action URL (WithReturnPath), never at Stripe (whose return_url must be absolute anyway).
            UseStripeSdk = true,
            Description = string.IsNullOrEmpty(request.Description) ? null : request.Description,
            Metadata = metadata,
            Expand = ExpandMethod,
        };
        SetupIntent setup;
        try
        {
            setup = await _setups.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, cancellationToken);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error")
        {
            return Declined(e.StripeError, request);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
        return WithReturnPath(ToResult(setup), request);
    }

    private async Task<PaymentResult> GetSetupAsync(string setupIntentId, CancellationToken cancellationToken)
    {
        try
        {
            var setup = await _setups.GetAsync(setupIntentId, new SetupIntentGetOptions { Expand = ExpandMethod }, cancellationToken: cancellationToken);
            return ToResult(setup);
        }
        catch (Exception e) when (IsUnknown(e))
        {
            throw Unavailable(e);
        }
        catch (StripeException e)
        {
            throw Refused(e);
        }
    }

    /// <summary>The setups of the charge's time, newest first, compared by metadata: the only way to find one by its key.</summary>
    private Task<(SetupIntent? Found, bool Complete)> FindListedSetupAsync(string idempotencyKey, DateRangeOptions created, CancellationToken cancellationToken) =>
        FirstWithKeyAsync(_setups.ListAutoPagingAsync(new SetupIntentListOptions
        {
            Created = created,
            Limit = 100,
            Expand = ["data.payment_method"],
        }, cancellationToken: cancellationToken), s => s.Metadata, idempotencyKey);

    internal static PaymentResult ToResult(SetupIntent setup)
    {
        var status = setup.Status switch
        {
            "succeeded" => PaymentStatus.Succeeded,
            "requires_action" => PaymentStatus.RequiresAction,
            "processing" => PaymentStatus.Processing,
            _ => PaymentStatus.Failed, // requires_payment_method, requires_confirmation, canceled
        };
        var error = setup.LastSetupError;
        var code = status == PaymentStatus.Failed
            ? error?.DeclineCode ?? error?.Code ?? (setup.Status == "canceled" ? "canceled" : "setup_failed")
            : null;
        // A failed setup no longer names its method; its error does.
        var method = setup.PaymentMethod ?? error?.PaymentMethod;
        var card = method?.Card is { } c
            ? new SavedCard(method.Id, c.Brand ?? "card", c.Last4 ?? "")
            : setup.PaymentMethodId is { } id ? new SavedCard(id, "card", "") : null;
        return new PaymentResult
        {
            PaymentId = setup.Id,
            Status = status,
            Amount = 0,
            Currency = setup.Metadata?.GetValueOrDefault(CurrencyMetadata) ?? "",
            DeclineCode = code,
            FailureMessage = code is null ? null : DeclineMessages.For(code),
            ActionUrl = status == PaymentStatus.RequiresAction ? AuthenticationPath + setup.Id : null,
            Card = card,
        };
    }
}
