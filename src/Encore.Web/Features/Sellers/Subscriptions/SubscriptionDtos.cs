using Encore.Web.Data.Entities;
using Encore.Web.Features.Shared;
using Encore.Web.Features.Subscriptions;
using Encore.Web.Payments;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>A subscription in the seller's list: <c>price</c> is the terms in words, e.g. "$29.00 every month".</summary>
public sealed record SellerSubscriptionSummaryDto(
    Guid Id, string Email, Guid ProductId, string Product, MoneyDto Amount, RecurringDto Recurring, string Price, string Status,
    bool CancelAtPeriodEnd, DateTimeOffset? NextChargeAt, DateTimeOffset StartedAt)
{
    public static SellerSubscriptionSummaryDto From(SubscriptionListRow s) => new(
        s.Id, s.Email, s.ProductId, s.ProductName, MoneyDto.From(s.Amount, s.Currency), RecurringDto.From(s.Price.Recurrence)!, s.Price.Describe(),
        SubscriptionEvents.StatusName(s.Status), s.CancelAtPeriodEnd, s.NextChargeAt, s.StartedAt);
}

public sealed record SellerSubscriptionListDto(IReadOnlyList<SellerSubscriptionSummaryDto> Items, int Page, int PageSize, int Total);

/// <summary>Where dunning stands: failed attempts at the current payment (0 when none), the last decline and when the first failure was.</summary>
public sealed record SubscriptionDunningDto(int FailedAttempts, string? LastDeclineCode, DateTimeOffset? DunningStartedAt);

public sealed record SubscriptionCardDto(string Brand, string Last4);

/// <summary>One attempt at one payment: <c>payment</c> counts from 1 (as in webhooks), <c>attempt</c> from 1 (then dunning's retries).</summary>
public sealed record SellerRenewalChargeDto(
    Guid Id, Guid OrderId, int? Payment, int? Attempt, string Status, MoneyDto Amount, string? CardBrand, string? CardLast4,
    string? GatewayPaymentId, string? DeclineCode, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt)
{
    public static SellerRenewalChargeDto From(Charge c) => new(
        c.Id, c.OrderId, c.PaymentIndex + 1, c.Attempt, c.Status.WireName(), MoneyDto.From(c.Amount, c.Currency), c.CardBrand, c.CardLast4,
        c.GatewayPaymentId, c.DeclineCode, c.CreatedAt, c.SettledAt);
}

public sealed record SellerRenewalOrderDto(Guid Id, int Payment, string Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt);

/// <summary>
/// One subscription: the price as the buyer agreed to it, where it stands, the next charge, dunning, the card, the
/// order that started it (<c>orderId</c>), every renewal charge and renewal order, and the refunds of its payments.
/// After a change, <c>message</c> says what the change did, in the seller's words; it is null on a read.
/// </summary>
public sealed record SellerSubscriptionDto(
    Guid Id, string Status, Guid OrderId, Guid FunnelId, string Funnel, Guid ProductId, string Product, string Email, string BuyerName,
    MoneyDto Amount, RecurringDto Recurring, string Price, DateTimeOffset StartedAt, DateTimeOffset FirstPaymentAt, int PaymentsMade,
    DateTimeOffset? NextChargeAt, DateTimeOffset CurrentPeriodEnd, bool CancelAtPeriodEnd, DateTimeOffset? CanceledAt, string? CancelReason,
    DateTimeOffset? EndedAt, SubscriptionDunningDto Dunning, SubscriptionCardDto Card, IReadOnlyList<SellerRenewalChargeDto> Charges,
    IReadOnlyList<SellerRenewalOrderDto> RenewalOrders, IReadOnlyList<SellerRefundDto> Refunds, string? Message = null)
{
    public static SellerSubscriptionDto From(SubscriptionDetail d, string? message = null)
    {
        var s = d.Subscription;
        return new SellerSubscriptionDto(
            s.Id, SubscriptionEvents.StatusName(s.Status), s.OrderId, s.FunnelId, d.FunnelName, s.ProductId, s.ProductName, s.Email, s.BuyerName,
            MoneyDto.From(s.Amount, s.Currency), RecurringDto.From(s.Recurrence)!, s.Price.Describe(), s.StartedAt, s.FirstPaymentAt, s.PaymentsMade,
            s.NextChargeAt, s.CurrentPeriodEnd, s.CancelAtPeriodEnd, s.CanceledAt, s.CancelReason, s.EndedAt,
            new SubscriptionDunningDto(s.FailedAttempts, s.LastDeclineCode, s.DunningStartedAt), new SubscriptionCardDto(s.CardBrand, s.CardLast4),
            d.Charges.Select(SellerRenewalChargeDto.From).ToList(),
            d.RenewalOrders.Select(o => new SellerRenewalOrderDto(o.Id, o.PaymentIndex + 1, Orders.OrderSearch.StatusName(o.Status), o.CreatedAt, o.PaidAt)).ToList(),
            d.Refunds.Select(OrdersApi.ToDto).ToList(),
            message);
    }
}

/// <summary>How to cancel: at the period's end (the default: access lasts until then), or now, optionally refunding the last payment.</summary>
public sealed record CancelSubscriptionRequest(bool? AtPeriodEnd, bool? RefundLastPayment);
