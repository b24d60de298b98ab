using Encore.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Delivery;

/// <summary>
/// A signed, expiring download link (<c>/d/{token}</c>): the file when the buyer's line still gives access, streamed
/// by Encore from the folder store (with range requests) or handed to the object store's presigned URL; otherwise a
/// page that says why (expired, altered, refunded, limit reached, the store out of reach) and where to get a fresh
/// link. A download is recorded only once the file is known to be there, just before it is served or redirected to.
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
        var counts = range.Length == 0 || range.StartsWith("bytes=0-", StringComparison.Ordinal);
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        try
        {
            // The object store: the browser is sent to a short-lived presigned URL once the file is known to be there,
            // and the download is recorded (and counted against the limit) before the redirect.
            if (await files.DirectDownloadAsync(file.StorageKey, file.FileName, file.ContentType, deliveries.DirectUrlLifetime, cancellationToken) is { } direct)
            {
                if (!await files.ExistsAsync(file.StorageKey, cancellationToken)) return Missing(file, line);
                if (counts && !await deliveries.RecordDownloadAsync(line, deliverable, file, ip, cancellationToken)) return LimitReached(deliverable, line);
                return Redirect(direct.ToString());
            }
            var stream = await files.OpenReadAsync(file.StorageKey, cancellationToken);
            if (stream is null) return Missing(file, line);
            bool recorded;
            try
            {
                recorded = !counts || await deliveries.RecordDownloadAsync(line, deliverable, file, ip, cancellationToken);
            }
            catch
            {
                await stream.DisposeAsync();
                throw;
            }
            if (!recorded)
            {
                await stream.DisposeAsync();
                return LimitReached(deliverable, line);
            }
            return new FileStreamResult(stream, file.ContentType) { FileDownloadName = file.FileName, EnableRangeProcessing = true };
        }
        catch (FileStoreUnavailableException exception)
        {
            logger.LogError(exception, "The file store did not serve stored file {FileId} ({Key})", file.Id, file.StorageKey);
            Refusal = "The file store cannot be reached right now, so this download has not started and has not been counted. Try again in a few minutes.";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
    }

    /// <summary>Simultaneous downloads raced for the last one the seller's limit allows, and another won it.</summary>
    private PageResult LimitReached(Data.Entities.Deliverable deliverable, Deliveries.OrderLineAccess line)
    {
        Refusal = Deliveries.LimitReached(deliverable.DownloadLimit ?? 0, line.SupportEmail);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    private PageResult Missing(Data.Entities.StoredFile file, Deliveries.OrderLineAccess line)
    {
        logger.LogError("Stored file {FileId} ({Key}) is missing from the file store", file.Id, file.StorageKey);
        Refusal = $"This file cannot be found right now. Nothing is lost on your side: write to {line.SupportEmail}.";
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Page();
    }
}
