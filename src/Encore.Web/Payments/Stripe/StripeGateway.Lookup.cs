using Stripe;

namespace Encore.Web.Payments.Stripe;

/// <summary>
/// Finding a charge's intent or setup by Encore's key (the reconciler's question; it never charges): Search first, then,
/// when Search finds nothing, refuses or does not answer, the lists bounded by the charge's own time. See decision 0009.
/// </summary>
public sealed partial class StripeGateway
{
    public async Task<PaymentResult?> FindPaymentByIdempotencyKeyAsync(string idempotencyKey, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        try
        {
            if (await SearchAsync(idempotencyKey, cancellationToken) is { } searched) return ToResult(searched);
            // Not a payment search knows: a card setup (SetupIntents have no search, only lists), a payment not indexed
            // yet, or no answer from search at all. The lists are consistent; they hold what the charge's request made.
            var created = CreatedWhileRequestRan(recordedAt);
            var (setup, allSetups) = await FindListedSetupAsync(idempotencyKey, created, cancellationToken);
            if (setup is not null) return ToResult(setup);
            var (intent, allIntents) = await FindListedAsync(idempotencyKey, created, cancellationToken);
            if (intent is not null) return ToResult(intent);
            if (!allSetups || !allIntents)
                throw new GatewayUnavailableException(
                    $"Key '{idempotencyKey}' is not among the first {RecentLimit} payments or setups Stripe lists around its time; asking again later.");
            return null;
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

    /// <summary>
    /// When the charge's own request could have made its intent or setup: from a little before the charge was recorded
    /// (Stripe's clock may be behind) to the end of that request's time-out, and a little after (or ahead). Bounded on
    /// both sides, so the list stays short whatever the charge's age and however busy the account.
    /// </summary>
    public static DateRangeOptions CreatedWhileRequestRan(DateTimeOffset recordedAt) => new()
    {
        GreaterThanOrEqual = (recordedAt - ClockSkew).UtcDateTime,
        LessThanOrEqual = (recordedAt + GatewayCalls.Timeout + ClockSkew).UtcDateTime,
    };

    /// <summary>
    /// Search by the key's metadata: the intent, or null when search finds none, refuses (not offered to this account, a
    /// restricted key: a 4xx) or does not answer. Either way the caller reads the lists, which are the truth; search is
    /// only the quick way to it.
    /// </summary>
    private async Task<PaymentIntent?> SearchAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var quoted = idempotencyKey.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        try
        {
            var found = await _intents.SearchAsync(new PaymentIntentSearchOptions
            {
                Query = $"metadata['{IdempotencyKeyMetadata}']:'{quoted}'",
                Limit = 2,
                Expand = ["data.payment_method"],
            }, cancellationToken: cancellationToken);
            return found.Data.FirstOrDefault(i => i.Metadata?.GetValueOrDefault(IdempotencyKeyMetadata) == idempotencyKey);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException or TimeoutException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger?.LogWarning("Stripe's Search gave no answer for key {Key} ({Reason}); reading the list of payments and setups instead",
                idempotencyKey, e is StripeException s ? $"{(int)s.HttpStatusCode} {s.StripeError?.Type} {s.StripeError?.Code}: {s.StripeError?.Message}" : e.Message);
            return null;
        }
    }

    /// <summary>The consistent fallback to search: the intents of the charge's time, newest first, compared by metadata.</summary>
    private Task<(PaymentIntent? Found, bool Complete)> FindListedAsync(string idempotencyKey, DateRangeOptions created, CancellationToken cancellationToken) =>
        FirstWithKeyAsync(_intents.ListAutoPagingAsync(new PaymentIntentListOptions
        {
            Created = created,
            Limit = 100,
            Expand = ["data.payment_method"],
        }, cancellationToken: cancellationToken), i => i.Metadata, idempotencyKey);

    /// <summary>
    /// Reads a list (newest first) until an item's metadata carries the key: the item, or null with Complete when the
    /// list ended without it; null without Complete when <see cref="RecentLimit"/> items were read (unknown, not "never seen").
    /// </summary>
    private static async Task<(T? Found, bool Complete)> FirstWithKeyAsync<T>(
        IAsyncEnumerable<T> items, Func<T, Dictionary<string, string>?> metadata, string idempotencyKey) where T : class
    {
        var read = 0;
        await foreach (var item in items)
        {
            if (metadata(item)?.GetValueOrDefault(IdempotencyKeyMetadata) == idempotencyKey) return (item, true);
            if (++read >= RecentLimit) return (null, false);
        }
        return (null, true);
    }
}
