using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Delivery;

/// <summary>
/// The seller's mail when a licence-key list runs low or out: which product, how many keys are left, and where to add
/// more; at none, that buyers are being told the seller will send their key. Sent to the seller's account address.
/// </summary>
public sealed class LicenceKeysMail(EncoreDbContext db, SignedLinks links)
{
    public sealed record Composed(string To, string Subject, string Text, string Html);

    /// <returns>The mail, or why there is nothing to send.</returns>
    public async Task<(Composed? Mail, string? Refusal)> ComposeAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var parts = message.Reference.Split(':');
        if (parts is not ["keys", var id, var count] || !Guid.TryParseExact(id, "N", out var deliverableId) || !int.TryParse(count, out var left))
            return (null, "Not a licence-key warning: " + message.Reference);
        var list = await (from d in db.Deliverables.AsNoTracking()
                          where d.Id == deliverableId && d.SellerId == message.SellerId
                          join p in db.Products on d.ProductId equals p.Id
                          select new { d.Title, d.ProductId, Product = p.Name }).SingleOrDefaultAsync(cancellationToken);
        if (list is null) return (null, "The licence-key list no longer exists.");
        var to = await db.Users.AsNoTracking().Where(u => u.SellerId == message.SellerId && u.Email != null)
            .OrderBy(u => u.Id).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        if (to is null) return (null, "The seller has no account address.");

        var page = $"{links.PublicUrl}/seller/products/{list.ProductId}";
        var subject = left == 0
            ? $"Licence keys for {list.Product} have run out"
            : $"Licence keys for {list.Product}: {left} left";
        var lines = new List<string>
        {
            left == 0
                ? $"The licence keys of \"{list.Title}\" ({list.Product}) have run out. Buyers who buy it now are told you will send their key; each such order shows it on its page."
                : $"Only {left} licence {(left == 1 ? "key is" : "keys are")} left of \"{list.Title}\" ({list.Product}). When they run out, buyers are told you will send theirs.",
            $"Add keys on the product page: {page}",
        };
        var e = HtmlEncoder.Default;
        var html = "<!DOCTYPE html><html><body>" + string.Concat(lines.Select(l => $"<p>{e.Encode(l)}</p>")) + "</body></html>";
        return (new Composed(to, subject, string.Join("\n\n", lines) + "\n", html), null);
    }
}
