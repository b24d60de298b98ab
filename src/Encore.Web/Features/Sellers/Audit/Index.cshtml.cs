using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Audit;

/// <summary><c>/seller/audit</c> (owners only): the audit log newest first, paged, filtered by action; CSV and JSON downloads.</summary>
public sealed class IndexModel(AuditQuery audit) : PageModel
{
    [FromQuery(Name = "action")] public string? ActionFilter { get; set; }
    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public AuditLogPageDto Result { get; private set; } = new([], 1, AuditQuery.DefaultPageSize, 0);
    public string? Error { get; private set; }

    public bool HasOlder => Result.Page * Result.PageSize < Result.Total;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        if (!AuditQuery.TryParseAction(ActionFilter, out var action))
        {
            Error = "There is no such action: choose one from the list.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        PageNumber = Math.Clamp(PageNumber, 1, 1_000_000);
        Result = await audit.PageAsync(User.SellerId(), action, PageNumber, AuditQuery.DefaultPageSize, cancellationToken);
    }

    /// <summary>Every entry (of the chosen action), as CSV or JSON.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, CancellationToken cancellationToken)
    {
        if (!AuditQuery.TryParseAction(ActionFilter, out var action) || format is not ("csv" or "json"))
        {
            Error = "Choose an action from the list, and CSV or JSON.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Response.Headers.CacheControl = "no-cache, no-store";
        var entries = await audit.AllAsync(User.SellerId(), action, cancellationToken);
        var name = $"audit-log-{DateTime.UtcNow:yyyyMMdd}{(action is null ? "" : "-" + action)}";
        return format == "csv"
            ? File(Encoding.UTF8.GetBytes(AuditQuery.Csv(entries)), "text/csv; charset=utf-8", name + ".csv")
            : File(AuditQuery.Json(entries), "application/json", name + ".json");
    }

    public string PageLink(int page) => $"/seller/audit?page={page}" + (ActionFilter is { Length: > 0 } a ? "&action=" + Uri.EscapeDataString(a) : "");

    public string ExportLink(string format) => $"/seller/audit?handler=export&format={format}" + (ActionFilter is { Length: > 0 } a ? "&action=" + Uri.EscapeDataString(a) : "");
}
