using System.Globalization;
using System.Security.Claims;
using Encore.Domain;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Refunds;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Orders;

/// <summary>One order as the seller sees it: lines, charges, consent records, refunds and totals; a refund form per line.</summary>
public sealed class OrderModel(SellerOrders orders, RefundService refunds, Delivery.DeliverableCatalog deliverables, Email.EmailOutbox mail) : PageModel
{
    public OrderDetail Detail { get; private set; } = null!;

    /// <summary>What the order's products deliver: downloads per line, keys handed out.</summary>
    public List<Delivery.OrderDeliveryRow> Delivery { get; private set; } = [];

    [FromQuery(Name = "resent")] public bool Resent { get; set; }

    /// <summary>A fresh key per render: submitting the same rendered form twice refunds once.</summary>
    public string RefundKey { get; } = Guid.NewGuid().ToString("N");

    public Guid? ErrorLineId { get; private set; }
    public string? Error { get; private set; }
    public string? FormAmount { get; private set; }
    public string? FormReason { get; private set; }

    [FromQuery(Name = "refund")] public Guid? JustRefunded { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var detail = await orders.FindAsync(User.SellerId(), orderId, cancellationToken);
        if (detail is null) return NotFound();
        Detail = detail;
        Delivery = await deliverables.ForOrderAsync(User.SellerId(), orderId, cancellationToken);
        return Page();
    }

    /// <summary>Sends the buyer the full receipt again, with fresh download links.</summary>
    public async Task<IActionResult> OnPostResendAsync(Guid orderId, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(User.SellerId(), orderId, cancellationToken) is null) return NotFound();
        await mail.WriteAccessResendAsync(User.SellerId(), orderId, cancellationToken);
        return Redirect($"/seller/orders/{orderId}?resent=true#delivery");
    }

    public async Task<IActionResult> OnPostRefundAsync(
        Guid orderId, Guid lineId, string? amount, string? reason, string? key, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var sellerId = User.SellerId();
        var detail = await orders.FindAsync(sellerId, orderId, cancellationToken);
        var line = detail?.Lines.FirstOrDefault(l => l.Id == lineId);
        if (detail is null || line is null) return NotFound();

        string? error = null;
        long? minor = null;
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100) error = "The form has expired. Reload the page and try again.";
        else if (!TryParseAmount(amount, detail.Currency, out var parsed)) error = $"Enter the amount as a number like {ExampleAmount(detail.Currency)}.";
        else if (parsed <= 0) error = "The amount to refund must be larger than zero.";
        else minor = parsed;
        if (error is null && reason is { Length: > RefundService.MaxReasonLength }) error = $"The reason may be at most {RefundService.MaxReasonLength} characters.";

        if (error is null)
        {
            var requestedBy = User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "seller";
            var result = await refunds.RefundAsync(new RefundCommand(sellerId, orderId, lineId, minor, reason, key!, requestedBy, Audit.AuditActor.Of(HttpContext)), CancellationToken.None);
            if (result.Outcome == RefundOutcome.NotFound) return NotFound();
            if (result.Outcome != RefundOutcome.Invalid)
                return Redirect($"/seller/orders/{orderId}?refund={result.Refund!.Id}#refunds");
            error = result.Message;
        }

        Detail = (await orders.FindAsync(sellerId, orderId, cancellationToken))!;
        Delivery = await deliverables.ForOrderAsync(sellerId, orderId, cancellationToken);
        ErrorLineId = lineId;
        Error = error;
        FormAmount = amount;
        FormReason = reason;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>Reads an amount typed in the order's currency into minor units, exactly (see <see cref="Money.TryParseMajor"/>).</summary>
    public static bool TryParseAmount(string? text, string currencyCode, out long minor)
    {
        var ok = Money.TryParseMajor(text, currencyCode, out var money);
        minor = money.Amount;
        return ok;
    }

    /// <summary>Minor units as the form shows them: "17.00" for USD, "1200" for JPY.</summary>
    public static string FormatAmount(long minor, string currencyCode) => new Money(minor, currencyCode).FormatMajor();

    private static string ExampleAmount(string currencyCode) => FormatAmount(1750, currencyCode);

    public static string RefundStatusLabel(RefundStatus status) => status switch
    {
        RefundStatus.Pending => "Pending",
        RefundStatus.Unknown => "Being confirmed",
        RefundStatus.RequiresAction => "Waiting for the buyer",
        RefundStatus.Succeeded => "Succeeded",
        RefundStatus.Failed => "Failed",
        RefundStatus.Canceled => "Canceled",
        _ => status.ToString(),
    };

    public static string RefundBadge(RefundStatus status) => status switch
    {
        RefundStatus.Succeeded => "badge ok",
        RefundStatus.Failed or RefundStatus.Canceled => "badge bad",
        _ => "badge warn",
    };

    public static string ChargeBadge(ChargeStatus status) => status switch
    {
        ChargeStatus.Succeeded => "badge ok",
        ChargeStatus.Failed => "badge bad",
        _ => "badge warn",
    };
}
