using Encore.Domain;
using Encore.Web.Features.Shared;

namespace Encore.Web.Features.Sellers.Products;

/// <param name="Payments">A payment plan's number of payments (2 to 120); null: charged until the buyer cancels.</param>
public sealed record RecurrenceRequest(string? Interval, int IntervalCount = 1, int TrialDays = 0, int? Payments = null);

/// <summary>A new price on the seller API: minor units and currency, and the recurrence when recurring.</summary>
public sealed record PriceRequest(long Amount, string? Currency, RecurrenceRequest? Recurring)
{
    /// <summary>A million in major units: well above any honest one-click offer, far below an overflow.</summary>
    public const long MaxAmount = 100_000_000;

    /// <summary>The price, or the fields that are wrong.</summary>
    public (Price? Price, Dictionary<string, string[]> Errors) Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (!Domain.Currency.TryGet(Currency, out _))
            errors["currency"] = [$"Use an upper-case ISO 4217 code Encore supports: {string.Join(", ", Domain.Currency.SupportedCodes)}."];
        if (Amount is <= 0 or > MaxAmount) errors["amount"] = [$"A price is a whole number of minor units (cents) from 1 to {MaxAmount:N0}."];
        Recurrence? recurrence = null;
        if (Recurring is { } r)
        {
            if (!Enum.TryParse<BillingInterval>(r.Interval, ignoreCase: true, out var interval) || !Enum.IsDefined(interval) || int.TryParse(r.Interval, out _))
                errors["recurring.interval"] = ["Use day, week, month or year."];
            else
            {
                try { recurrence = new Recurrence(interval, r.IntervalCount, r.TrialDays, r.Payments).Validate(); }
                catch (ArgumentOutOfRangeException e) { errors["recurring"] = [e.Message.Split(" (Parameter")[0]]; }
            }
        }
        return errors.Count > 0 ? (null, errors) : (new Price(new Money(Amount, Currency!), recurrence), errors);
    }
}

/// <summary>A price as the seller API shows it.</summary>
public sealed record PriceDto(Guid Id, Guid ProductId, MoneyDto Amount, RecurringDto? Recurring, string Description, bool Archived)
{
    public static PriceDto From(Data.Entities.ProductPrice price)
    {
        var terms = price.Terms.ToPrice();
        return new PriceDto(price.Id, price.ProductId, MoneyDto.From(terms.Amount), RecurringDto.From(terms.Recurrence), terms.Describe(), price.Archived);
    }
}
