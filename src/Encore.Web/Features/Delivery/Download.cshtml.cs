using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Delivery;

/// <summary>
/// A signed, expiring download link (<c>/d/{token}</c>): the file when the buyer's line still gives access, streamed
/// by Encore from the folder store (with range requests) or handed to the object store's presigned URL; otherwise a
/// page that says why (expired, altered, refunded, limit reached) and where to get a fresh link.
/// </summary>
public sealed class DownloadModel(Deliveries deliveries, IFileStore files, ILogger<DownloadModel> logger) : PageModel
{
    public string? Refusal { get; private set; }

    public bool Expired { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        var (check, lineId, deliverableId) = deliveries.ReadDownload(token);
        if (check != LinkCheck.Valid)
        {
            Expired = check == LinkCheck.Expired;
            Refusal = Expired
                ? $"This download link has expired. Links work for {deliveries.LinkLifetimeWords}; open your receipt or your purchases page for a fresh one."
                : "This download link is not valid. It may be incomplete or altered.";
            Response.StatusCode = Expired ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound;
            return Page();
        }
        var (file, deliverable, line, refusal) = await deliveries.AuthorizeDownloadAsync(lineId, deliverableId, cancellationToken);
        if (file is null || deliverable is null || line is null)
        {
            Refusal = refusal;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        // A player asking for a later part of the file is the same download, not another.
        var range = Request.Headers.Range.ToString();
        if ((range.Length == 0 || range.StartsWith("bytes=0-", StringComparison.Ordinal)) &&
            !await deliveries.RecordDownloadAsync(line, deliverable, file, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken))
        {
            Refusal = Deliveries.LimitReached(deliverable.DownloadLimit ?? 0, line.SupportEmail);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        if (files.DirectDownload(file.StorageKey, file.FileName, file.ContentType, TimeSpan.FromMinutes(5)) is { } direct)
            return Redirect(direct.ToString());
        var stream = await files.OpenReadAsync(file.StorageKey, cancellationToken);
        if (stream is null)
        {
            logger.LogError("Stored file {FileId} ({Key}) is missing from the file store", file.Id, file.StorageKey);
            Refusal = $"This file cannot be found right now. Nothing is lost on your side: write to {line.SupportEmail}.";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
        return new FileStreamResult(stream, file.ContentType) { FileDownloadName = file.FileName, EnableRangeProcessing = true };
    }
}
