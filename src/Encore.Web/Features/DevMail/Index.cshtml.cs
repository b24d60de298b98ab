using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.DevMail;

/// <summary>
/// The development mailbox (<c>/dev/mail</c>, like letter_opener): in Development without an SMTP server, every mail
/// Encore would send is kept whole on its outbox row and shown here, so a newcomer reads the receipt, the download links
/// and the sign-in link a buyer gets. Not there in any other environment (404).
/// </summary>
public sealed partial class IndexModel(EncoreDbContext db, IHostEnvironment environment) : PageModel
{
    public const int Shown = 50;

    public List<EmailMessage> Mails { get; private set; } = [];

    public EmailMessage? Mail { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return NotFound();
        Response.Headers.CacheControl = "no-cache, no-store";
        if (id is { } one)
        {
            Mail = await db.EmailMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == one, cancellationToken);
            return Mail is null ? NotFound() : Page();
        }
        Mails = await db.EmailMessages.AsNoTracking().OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(Shown).ToListAsync(cancellationToken);
        return Page();
    }

    /// <summary>The mail's HTML part as the recipient's mail program would show it, sandboxed: no script, nothing fetched but images.</summary>
    public async Task<IActionResult> OnGetHtmlAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return NotFound();
        var html = await db.EmailMessages.AsNoTracking().Where(m => m.Id == id).Select(m => m.HtmlBody).SingleOrDefaultAsync(cancellationToken);
        if (html is null) return NotFound();
        HttpContext.Items[Infrastructure.SecurityHeaders.PolicyItem] =
            "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'";
        return Content(html, "text/html; charset=utf-8");
    }

    /// <summary>The mail's text, HTML-encoded, with its web addresses made links (to open a download or sign in from here).</summary>
    public static string Linked(string text) =>
        Address().Replace(WebUtility.HtmlEncode(text), m => $"<a href=\"{m.Value}\" rel=\"noreferrer\">{m.Value}</a>");

    [GeneratedRegex(@"https?://[^\s<>""']+")]
    private static partial Regex Address();
}
