using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Features.Refunds;
using Encore.Web.Features.Sellers.Orders;
using Encore.Web.Features.Shared;
using Encore.Web.Infrastructure.Idempotency;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers;

public sealed record SellerOrderSummaryDto(
    Guid Id, DateTimeOffset CreatedAt, string Email, Guid FunnelId, string Funnel, string Status, MoneyDto Charged, MoneyDto Refunded);

public sealed record SellerOrderListDto(IReadOnlyList<SellerOrderSummaryDto> Items, int Page, int PageSize, int Total);

public sealed record SellerOrderLineDto(
    Guid Id, string Kind, string Name, MoneyDto Amount, MoneyDto Refunded, MoneyDto Left, Guid ChargeId, Guid? StepId);

public sealed record SellerChargeDto(
    Guid Id, string Kind, string Status, MoneyDto Amount, string? CardBrand, string? CardLast4, string? GatewayPaymentId,
    string? DeclineCode, Guid? ConsentRecordId, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt);

public sealed record SellerConsentDto(
    Guid Id, Guid? StepId, string DisclosureText, string DisclosureSha256, string AcceptLabel, MoneyDto Amount, string? Recurrence,
    string CardBrand, string CardLast4, DateTimeOffset AgreedAt, string? IpAddress, string? UserAgent, string Channel);

public sealed record SellerRefundDto(
    Guid Id, Guid OrderId, Guid LineId, MoneyDto Amount, string Status, string Reason, string RequestedBy,
    string? GatewayRefundId, string? FailureMessage, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt);

/// <summary>
/// Charged is succeeded charges; refunded counts succeeded refunds and open ones (pending, unknown, requires_action: reserved);
/// failed and canceled refunds count nothing; net is charged − refunded.
/// </summary>
public sealed record SellerOrderTotalsDto(MoneyDto Charged, MoneyDto RefundedSucceeded, MoneyDto RefundedPending, MoneyDto Refunded, MoneyDto Net);

public sealed record SellerOrderDto(
    Guid Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset? PaidAt, string Email, string BuyerName, Guid FunnelId, string Funnel,
    int FunnelVersion, string Currency, IReadOnlyList<SellerOrderLineDto> Lines, IReadOnlyList<SellerChargeDto> Charges,
    IReadOnlyList<SellerConsentDto> ConsentRecords, IReadOnlyList<SellerRefundDto> Refunds, SellerOrderTotalsDto Totals);

/// <summary>Amount in minor units; omitted means everything still left on the line.</summary>
public sealed record RefundLineRequest(long? Amount, string? Reason);

/// <summary>The seller API's orders, refunds and consent records; every query scoped to the key's seller, another seller's ids are 404.</summary>
public static class OrdersApi
{
    public static IServiceCollection AddSellerOrders(this IServiceCollection services) =>
        services.AddScoped<SellerOrders>().AddScoped<RefundService>().AddScoped<RefundSettlement>()
            .AddScoped<Encore.Web.Payments.IOpenWork>(sp => sp.GetRequiredService<RefundSettlement>())
            .AddScoped<Encore.Web.Payments.IRefundSettlement>(sp => sp.GetRequiredService<RefundSettlement>());

    public static IEndpointRouteBuilder MapSellerOrdersApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/seller").WithTags("Seller orders").RequireAuthorization(SellerAuth.ApiPolicy);
        seller.MapGet("/orders", List).WithName("ListSellerOrders")
            .WithSummary("The seller's orders, newest first: search q (buyer e-mail or order id), from/to (yyyy-MM-dd, UTC, on the creation date), funnelId, status, page, pageSize (≤ 200).")
            .Produces<SellerOrderListDto>().ProducesValidationProblem().ProducesProblem(401);
        seller.MapGet("/orders/{orderId:guid}", Get).WithName("GetSellerOrder")
            .WithSummary("One order: lines with what is refunded and left, charges, consent records, refunds and totals (net = charged − refunded).")
            .Produces<SellerOrderDto>().ProducesProblem(401).ProducesProblem(404);
        seller.MapPost("/orders/{orderId:guid}/lines/{lineId:guid}/refunds", Refund).WithName("RefundSellerOrderLine")
            .WithSummary("Refunds one line, fully (amount omitted) or partly (amount in minor units), exactly once per Idempotency-Key.")
            .WithDescription("Requires an Idempotency-Key header. 400: amount not above zero, more than is left on the line, reason over 500 characters, or the line's payment has not succeeded; nothing is refunded. " +
                             "The refund's status is succeeded, failed (the gateway refused; nothing moved) or unknown (the answer was lost; it is settled in the background with the same key).")
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024))
            .Produces<SellerRefundDto>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        seller.MapGet("/refunds/{refundId:guid}", GetRefund).WithName("GetSellerRefund")
            .WithSummary("One refund and where it stands.").Produces<SellerRefundDto>().ProducesProblem(401).ProducesProblem(404);
        seller.MapGet("/consent-records/{consentId:guid}", GetConsent).WithName("GetSellerConsentRecord")
            .WithSummary("A one-click charge's consent record as evidence: the exact disclosure, its SHA-256 and how to verify it, who agreed, when, from where, and the charge.")
            .Produces(200, contentType: "application/json").ProducesProblem(401).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> List(
        HttpContext http, SellerOrders orders, string? q, string? from, string? to, string? funnelId, string? status, string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OrderSearch.TryParseDate(from, out var fromDate)) errors["from"] = ["Use a date like 2026-11-25."];
        if (!OrderSearch.TryParseDate(to, out var toDate)) errors["to"] = ["Use a date like 2026-11-25."];
        Guid? funnel = null;
        if (!string.IsNullOrWhiteSpace(funnelId))
        {
            if (Guid.TryParse(funnelId, out var parsed)) funnel = parsed;
            else errors["funnelId"] = ["Use a funnel id (a UUID)."];
        }
        if (!OrderSearch.TryParseStatus(status, out var orderStatus)) errors["status"] = ["Use pending, requires_action, paid or payment_failed."];
        var pageNumber = 1;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, out pageNumber) || pageNumber < 1 || pageNumber > 1_000_000))
            errors["page"] = ["Use a page number from 1."];
        var size = OrderSearch.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(pageSize) && (!int.TryParse(pageSize, out size) || size < 1 || size > OrderSearch.MaxPageSize))
            errors["pageSize"] = [$"Use a page size from 1 to {OrderSearch.MaxPageSize}."];
        if (q is { Length: > 320 }) errors["q"] = ["Search for an e-mail address or an order id."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var result = await orders.ListAsync(http.User.SellerId(),
            new OrderSearch(q, fromDate, toDate, funnel, orderStatus, pageNumber, size), http.RequestAborted);
        return TypedResults.Ok(new SellerOrderListDto(
            result.Items.Select(o => new SellerOrderSummaryDto(o.Id, o.CreatedAt, o.Email, o.FunnelId, o.FunnelName,
                OrderSearch.StatusName(o.Status), MoneyDto.From(o.Charged, o.Currency), MoneyDto.From(o.Refunded, o.Currency))).ToList(),
            result.Page, result.PageSize, result.Total));
    }

    private static async Task<IResult> Get(Guid orderId, HttpContext http, SellerOrders orders)
    {
        var order = await orders.FindAsync(http.User.SellerId(), orderId, http.RequestAborted);
        return order is null ? OrderNotFound() : TypedResults.Ok(ToDto(order));
    }

    private static async Task<IResult> Refund(Guid orderId, Guid lineId, RefundLineRequest? request, HttpContext http, RefundService refunds)
    {
        request ??= new RefundLineRequest(null, null);
        var (key, keyProblem) = IdempotentEndpoint.ReadKey(http, required: true);
        if (keyProblem is not null) return keyProblem;
        if (request.Amount is <= 0) return ApiProblems.Invalid("amount", "The amount to refund must be larger than zero (in minor units).");
        if (request.Reason is { Length: > RefundService.MaxReasonLength })
            return ApiProblems.Invalid("reason", $"The reason may be at most {RefundService.MaxReasonLength} characters.");
        var sellerId = http.User.SellerId();
        var requestedBy = "api key " + ApiKeyPrefix(http);
        return await IdempotentEndpoint.RunAsync(http, $"seller-refund:{sellerId:N}", key!,
            $"{orderId:N}|{lineId:N}|{request.Amount?.ToString() ?? "all"}|{request.Reason}", async () =>
            {
                var result = await refunds.RefundAsync(
                    new RefundCommand(sellerId, orderId, lineId, request.Amount, request.Reason, key!, requestedBy, Audit.AuditActor.Of(http)), CancellationToken.None);
                return result.Outcome switch
                {
                    RefundOutcome.NotFound => ApiResponse.Problem(404, "not_found", "Order line not found", "You have no order line with this id in this order."),
                    RefundOutcome.Invalid => new ApiResponse(400, new HttpValidationProblemDetails(new Dictionary<string, string[]> { [result.Field!] = [result.Message!] })
                    {
                        Status = 400,
                        Title = "The refund was refused",
                        Detail = result.Message,
                        Type = "https://httpstatuses.io/400",
                        Extensions = { ["code"] = result.Code },
                    }),
                    _ => new ApiResponse(201, ToDto(result.Refund!)),
                };
            });
    }

    private static async Task<IResult> GetRefund(Guid refundId, HttpContext http, Data.EncoreDbContext db)
    {
        var sellerId = http.User.SellerId();
        var refund = await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == refundId && r.SellerId == sellerId, http.RequestAborted);
        return refund is null
            ? ApiProblems.Problem(404, "not_found", "Refund not found", "You have no refund with this id.")
            : TypedResults.Ok(ToDto(refund));
    }

    private static async Task<IResult> GetConsent(Guid consentId, HttpContext http, SellerOrders orders)
    {
        var consent = await orders.FindConsentAsync(http.User.SellerId(), consentId, http.RequestAborted);
        return consent is null
            ? ApiProblems.Problem(404, "not_found", "Consent record not found", "You have no consent record with this id.")
            : TypedResults.Json(consent.ToJson());
    }

    private static IResult OrderNotFound() => ApiProblems.Problem(404, "not_found", "Order not found", "You have no order with this id.");

    internal static string ApiKeyPrefix(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        return key.Length >= 12 ? key[..12] + "…" : "";
    }

    internal static SellerRefundDto ToDto(Refund r) => new(
        r.Id, r.OrderId, r.OrderLineId, MoneyDto.From(r.Amount, r.Currency), RefundStatusName(r.Status), r.Reason, r.RequestedBy,
        r.GatewayRefundId, r.FailureMessage, r.CreatedAt, r.SettledAt);

    public static string RefundStatusName(RefundStatus status) => status.WireName();

    public static string KindName(OrderLineKind kind) => kind.ToString().ToLowerInvariant();

    internal static SellerOrderDto ToDto(OrderDetail d)
    {
        var o = d.Order;
        var currency = o.Currency;
        return new SellerOrderDto(
            o.Id, OrderSearch.StatusName(o.Status), o.CreatedAt, o.PaidAt, o.Email, o.BuyerName, o.FunnelId, d.FunnelName, d.VersionNumber, currency,
            d.Lines.Select(l => new SellerOrderLineDto(l.Id, KindName(l.Kind), l.Name, MoneyDto.From(l.Amount, l.Currency),
                MoneyDto.From(l.RefundedAmount, l.Currency), MoneyDto.From(l.Amount - l.RefundedAmount, l.Currency), l.ChargeId, l.StepId)).ToList(),
            d.Charges.Select(c => new SellerChargeDto(c.Id, c.Kind.ToString().ToLowerInvariant(), c.Status.WireName(),
                MoneyDto.From(c.Amount, c.Currency), c.CardBrand, c.CardLast4, c.GatewayPaymentId, c.DeclineCode, c.ConsentRecordId, c.CreatedAt, c.SettledAt)).ToList(),
            d.Consents.Select(c => new SellerConsentDto(c.Id, c.StepId, c.DisclosureText, c.DisclosureSha256, c.AcceptLabel,
                MoneyDto.From(c.Amount, c.Currency), c.Recurrence, c.CardBrand, c.CardLast4, c.AgreedAt, c.IpAddress, c.UserAgent, c.Channel)).ToList(),
            d.Refunds.Select(ToDto).ToList(),
            new SellerOrderTotalsDto(MoneyDto.From(d.Charged, currency), MoneyDto.From(d.RefundedSucceeded, currency),
                MoneyDto.From(d.RefundedPending, currency), MoneyDto.From(d.Refunded, currency), MoneyDto.From(d.Net, currency)));
    }
}
