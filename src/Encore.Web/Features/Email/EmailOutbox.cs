using System.Text;
using System.Text.Encodings.Web;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Email;

/// <summary>
/// Queues receipt mails on the caller's DbContext, inside the caller's transaction: one row naming the order
/// and the kind, nothing read. The sender composes the mail from the order when it sends it, so the buyer's
/// transaction neither reads the order back nor renders anything. One mail of each kind per order: the
/// unique (OrderId, Kind) index refuses a second one, and that refusal is taken as "already queued".
/// </summary>
public sealed class EmailOutbox(EncoreDbContext db, TimeProvider clock, ILogger<EmailOutbox> logger)
{
    private const string MailSavepoint = "encore_mail";

    /// <summary>The receipt of what was paid at checkout.</summary>
    public Task WriteCheckoutReceiptAsync(Guid sellerId, Guid orderId, CancellationToken cancellationToken) =>
        WriteAsync(sellerId, orderId, EmailKind.CheckoutReceipt, cancellationToken);

    /// <summary>
    /// The final receipt of an order whose post-purchase path has ended. Sent once no charge of the order is
    /// still waiting for the gateway's answer (the sender waits for that), so it never lists a charge as unknown.
    /// </summary>
    public Task WriteFinalReceiptAsync(Guid sellerId, Guid orderId, CancellationToken cancellationToken) =>
        WriteAsync(sellerId, orderId, EmailKind.FinalReceipt, cancellationToken);

    /// <summary>The seller's "resend access e-mail": the full receipt again with fresh links (each resend its own mail).</summary>
    public Task WriteAccessResendAsync(Guid sellerId, Guid orderId, CancellationToken cancellationToken) =>
        WriteAsync(sellerId, orderId, EmailKind.FinalReceipt, cancellationToken, reference: $"resend:{Guid.CreateVersion7():N}");

    /// <summary>
    /// A subscription's mail (renewal receipt, reminder, failed payment, authentication, cancellation), once per
    /// order, kind and reference (the payment or attempt it is about). Composed by the sender from the subscription
    /// as it stands then, with a fresh link to the buyer's manage page.
    /// </summary>
    public Task WriteSubscriptionMailAsync(Subscription subscription, Guid orderId, EmailKind kind, string reference, CancellationToken cancellationToken) =>
        WriteAsync(subscription.SellerId, orderId, kind, cancellationToken, subscription.Id, reference);

    /// <summary>
    /// A sign-in link to the buyer's page, on the address's most recent order (the outbox needs one), once per link. The
    /// sender composes it from the link's row, with a token made then.
    /// </summary>
    public Task WriteBuyerSignInAsync(Guid sellerId, Guid orderId, Guid linkId, CancellationToken cancellationToken) =>
        WriteAsync(sellerId, orderId, EmailKind.BuyerSignIn, cancellationToken, reference: linkId.ToString("N"));

    /// <summary>To the seller: the licence keys of a deliverable are running low (or out), on the order that took one.</summary>
    public Task WriteLicenceKeysLowAsync(Guid sellerId, Guid orderId, Guid deliverableId, int left, CancellationToken cancellationToken) =>
        WriteAsync(sellerId, orderId, EmailKind.LicenceKeysLow, cancellationToken, reference: $"keys:{deliverableId:N}:{left}");

    /// <summary>
    /// The same mail added to the caller's unit of work, written by the caller's own save: for a writer that alone can
    /// write this (order, kind, reference) in its transaction (the settlement that moved a payment's charge to succeeded),
    /// so no refusal has to be survived and the insert rides in the caller's batch, without a savepoint.
    /// </summary>
    public void AddSubscriptionMail(Subscription subscription, Guid orderId, EmailKind kind, string reference) =>
        db.EmailMessages.Add(NewMessage(subscription.SellerId, orderId, kind, subscription.Id, reference));

    private EmailMessage NewMessage(Guid sellerId, Guid? orderId, EmailKind kind, Guid? subscriptionId, string reference)
    {
        var now = clock.GetUtcNow();
        return new EmailMessage
        {
            Id = Guid.CreateVersion7(now), SellerId = sellerId, OrderId = orderId, Kind = kind,
            SubscriptionId = subscriptionId, Reference = reference,
            Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        };
    }

    private async Task WriteAsync(Guid sellerId, Guid? orderId, EmailKind kind, CancellationToken cancellationToken, Guid? subscriptionId = null, string reference = "")
    {
        var message = NewMessage(sellerId, orderId, kind, subscriptionId, reference);
        db.EmailMessages.Add(message);
        // Inside the caller's transaction a refused insert must not abort it: a savepoint of our own (set with the
        // next statement on PostgreSQL, no round trip), rolled back to on refusal and otherwise left to the commit,
        // instead of EF Core's automatic one, which costs a release round trip after every save.
        var transaction = db.Database.CurrentTransaction;
        var automatic = db.Database.AutoSavepointsEnabled;
        if (transaction is not null)
        {
            await transaction.CreateSavepointAsync(MailSavepoint, cancellationToken);
            db.Database.AutoSavepointsEnabled = false;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception)
        {
            // Another writer got there first: the unique (OrderId, Kind) index kept it to one mail.
            if (transaction is not null) await transaction.RollbackToSavepointAsync(MailSavepoint, CancellationToken.None);
            db.Entry(message).State = EntityState.Detached;
            logger.LogInformation(exception, "The {Kind} mail of order {OrderId} was already queued", kind, orderId);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = automatic;
        }
    }
}

/// <summary>The receipt as a mail: a plain-text part and an HTML part, everything from the order HTML-encoded.</summary>
public static class ReceiptMail
{
    /// <param name="manageUrl">The buyer's link to a subscription's manage page (each mail gets a fresh one).</param>
    /// <param name="deliveries">What each bought product delivers, with fresh download links.</param>
    /// <param name="purchasesUrl">The buyer's purchases page, where fresh links always are.</param>
    /// <param name="linkLifetime">How long the download links in this mail work, in words ("24 hours").</param>
    public static (string Subject, string Text, string Html) Compose(
        Receipt receipt, EmailKind kind, Func<Guid, string>? manageUrl = null, IReadOnlyList<Delivery.ProductDelivery>? deliveries = null, string? purchasesUrl = null,
        string linkLifetime = "24 hours")
    {
        var final = kind == EmailKind.FinalReceipt;
        var subject = final ? $"Your receipt from {receipt.SellerName}" : $"Order confirmed: {receipt.SellerName}";
        var intro = final
            ? "Thank you for your order. This is your final receipt: every item and every charge of your order."
            : "Thank you for your order. Your payment was received.";
        // The checkout receipt shows what was paid at checkout, even when it is sent after an accepted offer:
        // the receipt narrowed to the checkout's charge, whose paid lines and total then follow.
        if (!final) receipt = receipt with { Charges = receipt.Charges.Where(c => c.Kind == ChargeKind.Checkout).ToList() };
        var lines = receipt.PaidLines.ToList();

        var text = new StringBuilder();
        text.AppendLine($"Hello {receipt.BuyerName},").AppendLine().AppendLine(intro).AppendLine();
        text.AppendLine($"Order {receipt.OrderId}").AppendLine();
        var open = (deliveries ?? []).Where(d => d.Access == Delivery.DeliveryAccess.Open && d.Items.Count > 0).ToList();
        if (open.Count > 0)
        {
            text.AppendLine($"Your purchases (download links work for {linkLifetime}; fresh ones are always on your purchases page):");
            foreach (var product in open)
            {
                text.AppendLine($"  {product.ProductName}");
                foreach (var item in product.Items) text.AppendLine($"    {DeliveryText(item)}");
            }
            if (purchasesUrl is not null) text.AppendLine($"  Your purchases page: {purchasesUrl}");
            text.AppendLine();
        }
        text.AppendLine("What you bought:");
        foreach (var line in lines) text.AppendLine($"  {line.Name} ({KindLabel(line.Kind)}): {line.Amount.Format()}{Every(line)}");
        text.AppendLine().AppendLine("Charges:");
        foreach (var charge in receipt.Charges)
            text.AppendLine($"  {charge.CreatedAt:yyyy-MM-dd HH:mm} UTC  {Card(charge)}  {StatusLabel(charge.Status)}  {charge.Amount.Format()}");
        text.AppendLine().AppendLine($"Total paid: {receipt.TotalPaid.Format()}").AppendLine();
        foreach (var subscription in receipt.StartedSubscriptions)
            text.AppendLine($"Subscription: {subscription.ProductName}: {subscription.Terms}.")
                .AppendLine($"  Manage or cancel (two clicks, no password): {manageUrl?.Invoke(subscription.Id)}").AppendLine();
        text.AppendLine($"Questions about this order? Write to {receipt.SupportEmail}.");

        var e = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body>");
        html.Append($"<p>Hello {e.Encode(receipt.BuyerName)},</p><p>{e.Encode(intro)}</p>");
        html.Append($"<p>Order <code>{e.Encode(receipt.OrderId.ToString())}</code> · {e.Encode(receipt.SellerName)}</p>");
        if (open.Count > 0)
        {
            html.Append("<h2>Your purchases</h2>");
            foreach (var product in open)
            {
                html.Append($"<h3>{e.Encode(product.ProductName)}</h3><ul>");
                foreach (var item in product.Items) html.Append($"<li>{DeliveryHtml(item, e)}</li>");
                html.Append("</ul>");
            }
            html.Append($"<p>Download links work for {e.Encode(linkLifetime)}");
            if (purchasesUrl is not null) html.Append($"; <a href=\"{e.Encode(purchasesUrl)}\">your purchases page</a> always has fresh ones");
            html.Append(".</p>");
        }
        html.Append("<table><caption>What you bought</caption><thead><tr><th>Item</th><th>Type</th><th>Amount</th></tr></thead><tbody>");
        foreach (var line in lines)
            html.Append($"<tr><td>{e.Encode(line.Name)}</td><td>{e.Encode(KindLabel(line.Kind))}</td><td>{e.Encode(line.Amount.Format() + Every(line))}</td></tr>");
        html.Append($"</tbody><tfoot><tr><td colspan=\"2\">Total paid</td><td>{e.Encode(receipt.TotalPaid.Format())}</td></tr></tfoot></table>");
        html.Append("<table><caption>Charges</caption><thead><tr><th>When</th><th>Card</th><th>Status</th><th>Amount</th></tr></thead><tbody>");
        foreach (var charge in receipt.Charges)
            html.Append($"<tr><td>{e.Encode(charge.CreatedAt.ToString("yyyy-MM-dd HH:mm"))} UTC</td><td>{e.Encode(Card(charge))}</td><td>{e.Encode(StatusLabel(charge.Status))}</td><td>{e.Encode(charge.Amount.Format())}</td></tr>");
        html.Append("</tbody></table>");
        foreach (var subscription in receipt.StartedSubscriptions)
            html.Append($"<p>Subscription: <strong>{e.Encode(subscription.ProductName)}</strong>: {e.Encode(subscription.Terms)}. " +
                        $"<a href=\"{e.Encode(manageUrl?.Invoke(subscription.Id) ?? "")}\">Manage or cancel</a> (two clicks, no password).</p>");
        html.Append($"<p>Questions about this order? Write to <a href=\"mailto:{e.Encode(receipt.SupportEmail)}\">{e.Encode(receipt.SupportEmail)}</a>.</p>");
        html.Append("</body></html>");
        return (subject, text.ToString(), html.ToString());
    }

    private static string Card(ReceiptCharge charge) => $"{charge.CardBrand} {charge.CardLast4}".Trim();

    private static string DeliveryText(Delivery.DeliveryItem item) => item.Kind switch
    {
        DeliverableKind.File or DeliverableKind.Link => $"{item.Title}: {item.Href}",
        DeliverableKind.LicenceKey => $"{item.Title}: {item.Key ?? "the seller will send your key by e-mail"}{(item.Text is { } note ? $" ({note})" : "")}",
        _ => $"{item.Title}: {item.Text}",
    };

    private static string DeliveryHtml(Delivery.DeliveryItem item, HtmlEncoder e) => item.Kind switch
    {
        DeliverableKind.File => $"<a href=\"{e.Encode(item.Href ?? "")}\">Download {e.Encode(item.Title)}</a> ({e.Encode(item.FileName ?? "")})",
        DeliverableKind.Link => $"<a href=\"{e.Encode(item.Href ?? "")}\">{e.Encode(item.Title)}</a>",
        DeliverableKind.LicenceKey => $"{e.Encode(item.Title)}: <code>{e.Encode(item.Key ?? "the seller will send your key by e-mail")}</code>{(item.Text is { } note ? $"<br>{e.Encode(note)}" : "")}",
        _ => $"<strong>{e.Encode(item.Title)}</strong><br>{e.Encode(item.Text ?? "")}",
    };

    /// <summary>A recurring line's amount is what was charged today; the schedule is in the subscriptions part.</summary>
    private static string Every(ReceiptLine line) => line.Interval is not null ? " today" : "";

    private static string KindLabel(OrderLineKind kind) => kind switch
    {
        OrderLineKind.Main => "Product",
        OrderLineKind.Bump => "Order bump",
        OrderLineKind.Offer => "One-time offer",
        OrderLineKind.Renewal => "Subscription payment",
        _ => "Downsell",
    };

    private static string StatusLabel(ChargeStatus status) => status switch
    {
        ChargeStatus.Succeeded => "Paid",
        ChargeStatus.Failed => "Declined: nothing charged",
        ChargeStatus.RequiresAction => "Waiting for your bank",
        _ => "Being confirmed",
    };
}
