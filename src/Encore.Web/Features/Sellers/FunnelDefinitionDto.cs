using Encore.Domain;
using Encore.Domain.Linting;

namespace Encore.Web.Features.Sellers;

/// <summary>A price on the seller API: minor units, currency, and the recurrence when recurring.</summary>
public sealed record PriceDto(long Amount, string? Currency, RecurrenceDto? Recurring);

public sealed record RecurrenceDto(string? Interval, int IntervalCount = 1, int TrialDays = 0);

public sealed record OfferItemDto(string? Name, IReadOnlyList<string>? Topics, PriceDto? Price);

public sealed record StepDto(
    string? Id, string? ProductName, IReadOnlyList<string>? Topics, PriceDto? Price,
    string? Headline, string? Body, string? Terms, string? OnAccept, string? OnDecline);

/// <summary>
/// A funnel definition as the seller API takes it: the main product, order bumps, and the post-purchase
/// steps with their accept and decline edges (step ids, or null for thank-you).
/// </summary>
public sealed record FunnelDefinitionDto(OfferItemDto? Main, IReadOnlyList<OfferItemDto>? Bumps, IReadOnlyList<StepDto>? Steps, string? EntryStepId)
{
    /// <summary>The domain definition, or the fields that cannot be read (named as JSON paths).</summary>
    public (FunnelDefinition? Definition, Dictionary<string, string[]> Errors) ToDefinition()
    {
        var errors = new Dictionary<string, string[]>();
        var main = Item(Main, "main", errors);
        var bumps = (Bumps ?? []).Select((b, i) => Item(b, $"bumps[{i}]", errors)).ToList();
        var steps = (Steps ?? []).Select((s, i) =>
        {
            var path = $"steps[{i}]";
            if (s is null) { errors[path] = ["A step is required."]; return null; }
            if (string.IsNullOrWhiteSpace(s.Id)) errors[$"{path}.id"] = ["Every step needs an id, used by the edges."];
            var price = PriceOf(s.Price, $"{path}.price", errors);
            return price is null ? null : new StepDefinition(s.Id ?? "", s.ProductName ?? "", s.Topics, price, s.Headline, s.Body, s.Terms, s.OnAccept, s.OnDecline);
        }).ToList();
        if (errors.Count > 0 || main is null) return (null, errors);
        return (new FunnelDefinition(main.Price.Amount.Currency, main, bumps!, steps!, EntryStepId), errors);
    }

    private static OfferItem? Item(OfferItemDto? item, string path, Dictionary<string, string[]> errors)
    {
        if (item is null) { errors[path] = ["This item is required."]; return null; }
        var price = PriceOf(item.Price, $"{path}.price", errors);
        return price is null ? null : new OfferItem(item.Name ?? "", item.Topics, price);
    }

    private static Price? PriceOf(PriceDto? price, string path, Dictionary<string, string[]> errors)
    {
        if (price is null) { errors[path] = ["A price is required."]; return null; }
        if (price.Amount < 0) { errors[$"{path}.amount"] = ["A price cannot be negative."]; return null; }
        if (!Currency.TryGet(price.Currency, out _))
        {
            errors[$"{path}.currency"] = [$"Use an upper-case ISO 4217 code Encore supports: {string.Join(", ", Currency.SupportedCodes)}."];
            return null;
        }
        Recurrence? recurrence = null;
        if (price.Recurring is { } r)
        {
            if (!Enum.TryParse<BillingInterval>(r.Interval, ignoreCase: true, out var interval) || !Enum.IsDefined(interval))
            {
                errors[$"{path}.recurring.interval"] = ["Use day, week, month or year."];
                return null;
            }
            try { recurrence = new Recurrence(interval, r.IntervalCount, r.TrialDays).Validate(); }
            catch (ArgumentOutOfRangeException e) { errors[$"{path}.recurring"] = [e.Message.Split(" (Parameter")[0]]; return null; }
        }
        return new Price(new Money(price.Amount, price.Currency!), recurrence);
    }
}
