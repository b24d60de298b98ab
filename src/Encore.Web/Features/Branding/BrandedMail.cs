using System.Text.Encodings.Web;
using Encore.Web.Data.Entities;

namespace Encore.Web.Features.Branding;

/// <summary>
/// The seller's branding on the mails a buyer gets (receipts, subscription mails, sign-in links): the logo by its absolute
/// address on Encore (mail clients fetch it; nothing is attached), a bar in the brand colour, and the support, terms and
/// privacy links at the foot. Inline styles only: mail clients drop stylesheets. The plain-text part is left as it is.
/// </summary>
public static class BrandedMail
{
    private static readonly HashSet<EmailKind> BuyerKinds =
    [
        EmailKind.CheckoutReceipt, EmailKind.FinalReceipt, EmailKind.RenewalReceipt, EmailKind.TrialReminder, EmailKind.RenewalReminder,
        EmailKind.PaymentFailed, EmailKind.AuthenticationNeeded, EmailKind.SubscriptionCanceled, EmailKind.ManageLink, EmailKind.BuyerSignIn,
    ];

    public static bool IsBuyerMail(EmailKind kind) => BuyerKinds.Contains(kind);

    /// <param name="publicUrl">Encore's public address (<c>Encore:PublicUrl</c>), for the logo's absolute URL.</param>
    public static string Wrap(string html, SellerBrand brand, string publicUrl)
    {
        var e = HtmlEncoder.Default;
        var color = brand.Color ?? "#1f6f5c";
        var header = $"<div style=\"border-top:6px solid {color};padding:16px 0 8px\">" +
                     (brand.LogoPath is { } logo
                         ? $"<img src=\"{e.Encode(publicUrl.TrimEnd('/') + logo)}\" alt=\"{e.Encode(brand.Name)}\" height=\"48\" style=\"height:48px;width:auto;vertical-align:middle;margin-right:10px\">"
                         : "") +
                     $"<strong style=\"font-size:18px;vertical-align:middle\">{e.Encode(brand.Name)}</strong></div>";
        var links = new List<string> { $"<a href=\"{e.Encode(brand.SupportHref)}\" style=\"color:{color}\">Support</a>" };
        if (brand.TermsUrl is { } terms) links.Add($"<a href=\"{e.Encode(terms)}\" style=\"color:{color}\">Terms</a>");
        if (brand.PrivacyUrl is { } privacy) links.Add($"<a href=\"{e.Encode(privacy)}\" style=\"color:{color}\">Privacy</a>");
        var footer = $"<p style=\"border-top:1px solid #d5dbe3;padding-top:8px;color:#4a5563;font-size:13px\">{string.Join(" · ", links)}</p>";
        var body = html.IndexOf("<body>", StringComparison.Ordinal);
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        if (body < 0 || end < body) return header + html + footer;
        return html[..(body + 6)] + header + html[(body + 6)..end] + footer + html[end..];
    }
}
