using System.Globalization;
using System.Security.Claims;
using Encore.Domain;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Refunds;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Orders;

/// <summary>One order as the seller sees it: lines, charges, consent records, refunds and totals; a refund form per line.</summary>
public sealed class OrderModel(SellerOrders orders, RefundService refunds) : PageModel
{
    public OrderDetail Detail { get; private set; } = null!;

    /// <summary>A fresh key per render: submitting the same rendered form twice refunds once.</summary>
    public string RefundKey { get; } = Guid.NewGuid().ToString("N");

    public Guid? ErrorLineId { get; private set; }
    public string? Error { get; private set; }
    public string? FormAmount { get; private set; }
    public string? FormReason { get; private set; }

    [FromQuery(Name = "refund")] public Guid? JustRefunded { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var detail = await orders.FindAsync(User.SellerId(), orderId, cancellationToken);
        if (detail is null) return NotFound();
        Detail = detail;
        return Page();
    }

    public async Task<IActionResult> OnPostRefundAsync(
        Guid orderId, Guid lineId, string? amount, string? reason, string? key, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
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
            var result = await refunds.RefundAsync(new RefundCommand(sellerId, orderId, lineId, minor, reason, key!, requestedBy), CancellationToken.None);
            if (result.Outcome == RefundOutcome.NotFound) return NotFound();
            if (result.Outcome != RefundOutcome.Invalid)
                return Redirect($"/seller/orders/{orderId}?refund={result.Refund!.Id}#refunds");
            error = result.Message;
        }

        Detail = (await orders.FindAsync(sellerId, orderId, cancellationToken))!;
        ErrorLineId = lineId;
        Error = error;
        FormAmount = amount;
        FormReason = reason;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>
    /// Parses a decimal amount typed in the order's currency ("17", "17.5", "17.50"; "1200" for JPY) into
    /// minor units, exactly: no floating point, no more decimals than the currency has, no thousands separators.
    /// </summary>
    public static bool TryParseAmount(string? text, string currencyCode, out long minor)
    {
        minor = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var digits = Currency.Get(currencyCode).MinorDigits;
        var value = text.Trim();
        var parts = value.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || parts[0].Length > 15 || !parts[0].All(char.IsAsciiDigit)) return false;
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (parts.Length == 2 && (fraction.Length == 0 || fraction.Length > digits || !fraction.All(char.IsAsciiDigit))) return false;
        var whole = long.Parse(parts[0], CultureInfo.InvariantCulture);
        long scale = 1;
        for (var i = 0; i < digits; i++) scale *= 10;
        var fractionMinor = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(digits, '0'), CultureInfo.InvariantCulture);
        minor = checked(whole * scale + fractionMinor);
        return true;
    }

    /// <summary>Minor units as the form shows them: "17.00" for USD, "1200" for JPY, no symbol, no separators.</summary>
    public static string FormatAmount(long minor, string currencyCode)
    {
        var digits = Currency.Get(currencyCode).MinorDigits;
        decimal scale = 1;
        for (var i = 0; i < digits; i++) scale *= 10;
        return (minor / scale).ToString("F" + digits, CultureInfo.InvariantCulture);
    }

    private static string ExampleAmount(string currencyCode) => FormatAmount(1750, currencyCode);

    public static string RefundStatusLabel(RefundStatus status) => status switch
    {
        RefundStatus.Pending => "Pending",
        RefundStatus.Unknown => "Being confirmed",
        _ => status.ToString(),
    };

    public static string RefundBadge(RefundStatus status) => status switch
    {
        RefundStatus.Succeeded => "badge ok",
        RefundStatus.Failed => "badge bad",
        _ => "badge warn",
    };

    public static string ChargeBadge(ChargeStatus status) => status switch
    {
        ChargeStatus.Succeeded => "badge ok",
        ChargeStatus.Failed => "badge bad",
        _ => "badge warn",
    };
}
