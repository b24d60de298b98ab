using System.Text;
using System.Text.Encodings.Web;
using Encore.Domain;
using Encore.Domain.PostPurchase;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// Composes a subscription's mails when the sender sends them, from the subscription as it stands then: every one
/// names the amount, the date, the card and carries a fresh link to cancel or update the card in two clicks.
/// </summary>
public sealed class SubscriptionMail(EncoreDbContext db, ManageLinks links)
{
    public sealed record Composed(string To, string Subject, string Text, string Html);

    /// <returns>Null when the subscription no longer exists.</returns>
    public async Task<Composed?> ComposeAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (message.SubscriptionId is not { } id) return null;
        var s = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (s is null) return null;
        var seller = await db.Sellers.AsNoTracking().Where(x => x.Id == s.SellerId).Select(x => new { x.Name, x.SupportEmail }).SingleAsync(cancellationToken);
        var charge = message.Kind is EmailKind.RenewalReceipt or EmailKind.PaymentFailed or EmailKind.AuthenticationNeeded
            ? await db.Charges.AsNoTracking().Where(c => c.OrderId == message.OrderId && c.SubscriptionId == id)
                .OrderByDescending(c => c.Attempt).FirstOrDefaultAsync(cancellationToken)
            : null;
        var amount = new Money(s.Amount, s.Currency).Format();
        var card = $"{CardBrands.DisplayName(s.CardBrand)} ending in {s.CardLast4}";
        var manage = links.UrlFor(s.Id);
        var next = s.NextChargeAt is { } at ? Day(at) : null;
        var paragraphs = new List<string>();
        string subject;
        switch (message.Kind)
        {
            case EmailKind.RenewalReceipt:
                subject = $"Payment received: {s.ProductName}";
                var paid = charge is null ? amount : new Money(charge.Amount, charge.Currency).Format();
                var number = charge?.PaymentIndex is { } k ? $"payment {k + 1}{(s.Payments is { } n ? $" of {n}" : "")}" : "your payment";
                paragraphs.Add($"We charged {paid} to your {CardOf(charge, card)} for {s.ProductName} ({number}) on {Day(charge?.SettledAt ?? charge?.CreatedAt ?? s.CreatedAt)}.");
                paragraphs.Add(s.Status switch
                {
                    SubscriptionStatus.Ended => "That was the last payment of your plan: nothing more will be charged.",
                    SubscriptionStatus.Canceled => "Your subscription is cancelled: nothing more will be charged.",
                    _ when s.CancelAtPeriodEnd => $"Your subscription is cancelled: nothing more will be charged; access until {Day(s.CurrentPeriodEnd)}.",
                    _ when next is not null => $"Next payment: {amount} on {next}.",
                    _ => "No further payment is scheduled.",
                });
                break;
            case EmailKind.TrialReminder:
                subject = $"Your free trial of {s.ProductName} ends on {next}";
                paragraphs.Add($"Your free trial of {s.ProductName} ends on {next}. On that day we will charge {amount} to your {card}, " +
                               (s.Payments is { } plan ? $"the first of {plan} payments ({new Money(s.Amount * plan, s.Currency).Format()} in all)." : $"then {amount} {s.Recurrence.Describe()} until you cancel."));
                paragraphs.Add("If you do not want to continue, cancel before then and nothing will be charged.");
                break;
            case EmailKind.RenewalReminder:
                subject = $"{s.ProductName} renews on {next} for {amount}";
                paragraphs.Add($"Your subscription to {s.ProductName} renews on {next}: we will charge {amount} to your {card}, " +
                               (s.Payments is { } total
                                   ? $"payment {s.NextPayment + 1} of {total}{(s.NextPayment + 1 == total ? ", the last" : "")}."
                                   : $"then {amount} {s.Recurrence.Describe()} until you cancel."));
                paragraphs.Add("If you do not want to renew, cancel before then and nothing will be charged.");
                break;
            case EmailKind.PaymentFailed:
                subject = s.Status == SubscriptionStatus.PastDue ? $"Your payment for {s.ProductName} did not go through" : $"Your subscription to {s.ProductName} has stopped";
                paragraphs.Add($"We could not charge {amount} to your {CardOf(charge, card)} for {s.ProductName}: {Encore.Web.Payments.DeclineMessages.For(charge?.DeclineCode)}");
                paragraphs.Add(s.Status switch
                {
                    SubscriptionStatus.PastDue => $"We will try again on {next}. To pay now with another card, update your card: what is due is charged at once.",
                    SubscriptionStatus.Paused => "We will not try again: your subscription is paused. Update your card and the seller can resume it.",
                    _ => "We will not try again: your subscription is cancelled and nothing more will be charged.",
                });
                break;
            case EmailKind.AuthenticationNeeded:
                subject = $"Your bank asks you to confirm a payment for {s.ProductName}";
                paragraphs.Add($"Your bank asks you to confirm the payment of {amount} for {s.ProductName} on your {card}. " +
                               (charge?.ActionUrl is { } action ? $"Confirm it here: {links.PublicUrl}{action}" : "Open the link below to see what is due."));
                paragraphs.Add("Nothing is charged until you confirm. You can also update your card or cancel from the link below.");
                break;
            case EmailKind.SubscriptionCanceled:
                subject = $"Your subscription to {s.ProductName} is cancelled";
                paragraphs.Add(s.CancelAtPeriodEnd
                    ? $"Your subscription to {s.ProductName} is cancelled. No further charges; access until {Day(s.CurrentPeriodEnd)}."
                    : $"Your subscription to {s.ProductName} is cancelled. No further charges.");
                break;
            case EmailKind.ManageLink:
                subject = $"Your link to manage {s.ProductName}";
                paragraphs.Add($"Here is your link to manage your subscription to {s.ProductName}. It works for {ManageLinks.Lifetime.TotalDays:0} days.");
                break;
            default:
                return null;
        }
        paragraphs.Add($"Manage your subscription (cancel in two clicks, or update your card): {manage}");
        paragraphs.Add($"Questions? Write to {seller.SupportEmail}.");

        var text = new StringBuilder($"Hello {s.BuyerName},\n\n");
        foreach (var p in paragraphs) text.Append(p).Append("\n\n");
        text.Append($"{seller.Name}\n");
        var e = HtmlEncoder.Default;
        var html = new StringBuilder("<!DOCTYPE html><html><body>");
        html.Append($"<p>Hello {e.Encode(s.BuyerName)},</p>");
        foreach (var p in paragraphs.Take(paragraphs.Count - 2)) html.Append($"<p>{e.Encode(p)}</p>");
        html.Append($"<p><a href=\"{e.Encode(manage)}\">Manage your subscription</a>: cancel in two clicks, or update your card.</p>");
        html.Append($"<p>Questions? Write to <a href=\"mailto:{e.Encode(seller.SupportEmail)}\">{e.Encode(seller.SupportEmail)}</a>.</p>");
        html.Append($"<p>{e.Encode(seller.Name)}</p></body></html>");
        return new Composed(s.Email, subject, text.ToString(), html.ToString());
    }

    private static string CardOf(Charge? charge, string fallback) =>
        charge?.CardLast4 is { Length: > 0 } last4 ? $"{CardBrands.DisplayName(charge.CardBrand ?? "card")} ending in {last4}" : fallback;

    private static string Day(DateTimeOffset moment) => Encore.Domain.Subscriptions.RecurringSchedule.Long(moment);
}
