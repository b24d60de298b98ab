using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Features.Orders;
using Encore.Web.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Encore.Web.Features.Email;

/// <summary><c>Encore:Smtp</c>: where mail goes. Without a host, mail stays queued.</summary>
public sealed class SmtpSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Encore <no-reply@localhost>";
    /// <summary>TLS required: implicit on port 465, STARTTLS on any other port. False: plain SMTP (a local relay only).</summary>
    public bool UseTls { get; set; } = true;
}

/// <summary>
/// Sends queued mails over SMTP, each claimed first with a lease (a conditional update only one worker can
/// win) and composed then from its order; what was sent is kept on the row (a sign-in mail without its link). A final receipt waits while a
/// charge of its order still waits for the gateway's answer. A failed attempt (server down, refused) counts,
/// and the mail waits with back-off; an unreachable server never makes a mail give up, so an outage delays
/// mail and loses none.
/// </summary>
public sealed class EmailSender(
    EncoreDbContext db, ReceiptQuery receipts, Subscriptions.SubscriptionMail subscriptionMail, Subscriptions.ManageLinks manageLinks,
    Delivery.Deliveries deliveries, Buyers.BuyerSignInMail signInMail, Delivery.LicenceKeysMail keysMail, Sellers.Accounts.SellerAccountMail accountMail,
    Sellers.Team.TeamInviteMail inviteMail,
    Branding.SellerBrands brands,
    Microsoft.Extensions.Options.IOptionsMonitor<SmtpSettings> settings, IHostEnvironment environment, PaymentMode mode, TimeProvider clock,
    ILogger<EmailSender> logger)
{
    /// <summary>
    /// In Development without an SMTP server, mail is "delivered" to the development mailbox, <c>/dev/mail</c>: the row
    /// keeps the whole mail (sign-in links included, which a real send leaves out of the row) and nothing leaves the machine.
    /// </summary>
    public static bool UsesDevMailbox(SmtpSettings smtp, IHostEnvironment environment) => string.IsNullOrWhiteSpace(smtp.Host) && environment.IsDevelopment();

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken, int batch = 50)
    {
        var smtp = settings.CurrentValue;
        var devMailbox = UsesDevMailbox(smtp, environment);
        if (string.IsNullOrWhiteSpace(smtp.Host) && !devMailbox) return 0; // queued until a server is set (said once at start-up)
        var now = clock.GetUtcNow();
        var due = await OutboxRetry.DueAsync(db.EmailMessages, now, batch, cancellationToken);
        if (due.Count == 0) return 0;

        using var client = new SmtpClient { Timeout = 30_000 };
        var sent = 0;
        foreach (var id in due)
        {
            if (!await OutboxRetry.ClaimAsync(db.EmailMessages, id, clock.GetUtcNow(), cancellationToken)) continue;
            var message = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
            string to, subject, text, html;
            (string Text, string Html)? kept = null; // what the row keeps of the mail, when not all of it
            if (message.Kind == EmailKind.BuyerSignIn)
            {
                var (composed, refusal) = await signInMail.ComposeAsync(message, cancellationToken);
                if (composed is null)
                {
                    await RecordAsync(message, refusal, permanent: true, abandonNow: true);
                    continue;
                }
                (to, subject, text, html) = (composed.To, composed.Subject, composed.Text, composed.Html);
                kept = (composed.KeptText, composed.KeptHtml);
            }
            else if (message.Kind == EmailKind.LicenceKeysLow)
            {
                var (composed, refusal) = await keysMail.ComposeAsync(message, cancellationToken);
                if (composed is null)
                {
                    await RecordAsync(message, refusal, permanent: true, abandonNow: true);
                    continue;
                }
                (to, subject, text, html) = (composed.To, composed.Subject, composed.Text, composed.Html);
            }
            else if (Sellers.Accounts.SellerAccountMail.Composes(message.Kind))
            {
                var (composed, refusal) = await accountMail.ComposeAsync(message, cancellationToken);
                if (composed is null)
                {
                    await RecordAsync(message, refusal, permanent: true, abandonNow: true);
                    continue;
                }
                (to, subject, text, html) = (composed.To, composed.Subject, composed.Text, composed.Html);
                kept = (composed.KeptText, composed.KeptHtml);
            }
            else if (message.Kind == EmailKind.TeamInvite)
            {
                var (composed, refusal) = await inviteMail.ComposeAsync(message, cancellationToken);
                if (composed is null)
                {
                    await RecordAsync(message, refusal, permanent: true, abandonNow: true);
                    continue;
                }
                (to, subject, text, html) = (composed.To, composed.Subject, composed.Text, composed.Html);
                kept = (composed.KeptText, composed.KeptHtml);
            }
            else if (message.SubscriptionId is not null)
            {
                if (await subscriptionMail.ComposeAsync(message, cancellationToken) is not { } composed)
                {
                    await RecordAsync(message, $"Subscription {message.SubscriptionId} does not exist.", permanent: true, abandonNow: true);
                    continue;
                }
                (to, subject, text, html) = (composed.To, composed.Subject, composed.Text, composed.Html);
            }
            else
            {
                if (message.OrderId is not { } orderId || await receipts.ForOrderAsync(orderId, cancellationToken) is not { } receipt)
                {
                    await RecordAsync(message, $"Order {message.OrderId} does not exist.", permanent: true, abandonNow: true);
                    continue;
                }
                if (message.Kind == EmailKind.FinalReceipt && receipt.Charges.Any(c => c.Status.IsUnanswered()))
                {
                    await WaitForChargesAsync(message);
                    continue;
                }
                var delivered = await deliveries.ForOrderAsync(orderId, cancellationToken);
                (subject, text, html) = ReceiptMail.Compose(receipt, message.Kind, manageLinks.UrlFor, delivered, $"{manageLinks.PublicUrl}/account", deliveries.LinkLifetimeWords);
                to = receipt.Email;
            }
            // A buyer's mail wears the seller's branding (cached per seller, like the buyer's pages).
            if (Branding.BrandedMail.IsBuyerMail(message.Kind) && await brands.GetAsync(message.SellerId, cancellationToken) is { } brand)
            {
                html = Branding.BrandedMail.Wrap(html, brand, manageLinks.PublicUrl);
                if (kept is { } k) kept = (k.Text, Branding.BrandedMail.Wrap(k.Html, brand, manageLinks.PublicUrl));
            }
            if (!mode.IsLive)
            {
                (text, html) = TestModeMail.Mark(mode, text, html);
                if (kept is { } k) kept = TestModeMail.Mark(mode, k.Text, k.Html);
            }
            message.To = to;
            message.Subject = subject;
            message.TextBody = devMailbox ? text : kept?.Text ?? text;
            message.HtmlBody = devMailbox ? html : kept?.Html ?? html;
            string? error = null;
            var permanent = false;
            var invalidAddress = false;
            try
            {
                if (devMailbox)
                {
                    // Delivered: the development mailbox is the row itself.
                }
                else if (!client.IsConnected)
                {
                    await client.ConnectAsync(smtp.Host!, smtp.Port, !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls, cancellationToken);
                    if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
                }
                if (!devMailbox) await client.SendAsync(ToMime(smtp, message.Id, to, subject, text, html), cancellationToken);
            }
            catch (SmtpCommandException exception) when (exception.StatusCode is >= (SmtpStatusCode)500)
            {
                error = exception.Message;
                permanent = true;
            }
            catch (ParseException exception)
            {
                // An address no server will ever take: retrying cannot help.
                error = "Not a valid address: " + exception.Message;
                permanent = true;
                invalidAddress = true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = exception.Message;
                if (client.IsConnected) { try { await client.DisconnectAsync(false, CancellationToken.None); } catch (Exception) { /* it is gone */ } }
            }
            await RecordAsync(message, error, permanent, invalidAddress);
            if (error is null) sent++;
            else logger.LogWarning("Mail {MailId} not sent (attempt {Attempt}): {Error}", id, message.Attempts + 1, error);
        }
        if (client.IsConnected) { try { await client.DisconnectAsync(true, CancellationToken.None); } catch (Exception) { /* sent already */ } }
        return sent;
    }

    private Task RecordAsync(EmailMessage message, string? error, bool permanent, bool abandonNow)
    {
        var now = clock.GetUtcNow();
        var id = message.Id;
        if (error is null)
            return db.EmailMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.To, message.To)
                .SetProperty(m => m.Subject, message.Subject)
                .SetProperty(m => m.TextBody, message.TextBody)
                .SetProperty(m => m.HtmlBody, message.HtmlBody)
                .SetProperty(m => m.Status, DeliveryStatus.Delivered)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
        var attempts = message.Attempts + 1;
        var abandoned = abandonNow || (permanent && attempts >= OutboxRetry.MaxAttempts);
        var next = now + OutboxRetry.Delay(attempts);
        var lastError = OutboxRetry.Truncate(error, 2000);
        return db.EmailMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, abandoned ? DeliveryStatus.Abandoned : DeliveryStatus.Pending)
            .SetProperty(m => m.Attempts, m => m.Attempts + 1)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LastError, lastError)
            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
    }

    /// <summary>A final receipt whose order has a charge in flight: looked at again shortly, no attempt counted.</summary>
    private Task WaitForChargesAsync(EmailMessage message)
    {
        var id = message.Id;
        var next = clock.GetUtcNow() + OutboxRetry.Delay(1);
        return db.EmailMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
    }

    private static MimeMessage ToMime(SmtpSettings smtp, Guid id, string to, string subject, string text, string html)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(smtp.From));
        mime.To.Add(MailboxAddress.Parse(to));
        mime.Subject = subject;
        mime.MessageId = $"{id:N}@encore";
        mime.Headers.Add("X-Encore-Mail-Id", id.ToString());
        mime.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return mime;
    }
}

/// <summary>Every mail sent while the gateway takes no real money opens with a line saying so, in both parts.</summary>
public static class TestModeMail
{
    public static (string Text, string Html) Mark(PaymentMode mode, string text, string html)
    {
        var line = $"{PaymentMode.TestModeNotice} {mode.TestModeExplanation}";
        var e = System.Text.Encodings.Web.HtmlEncoder.Default;
        var paragraph = $"<p style=\"background:#fff3cd;padding:8px\"><strong>{e.Encode(PaymentMode.TestModeNotice)}</strong> {e.Encode(mode.TestModeExplanation)}</p>";
        var body = html.IndexOf("<body>", StringComparison.Ordinal);
        return ($"{line}\n\n{text}", body >= 0 ? html.Insert(body + "<body>".Length, paragraph) : paragraph + html);
    }
}

/// <summary>Runs the e-mail sender every few seconds.</summary>
public sealed class EmailSenderService(IServiceScopeFactory scopes, ILogger<EmailSenderService> logger, IConfiguration configuration)
    : PeriodicJob(scopes, logger, Every(configuration, "EmailSender", TimeSpan.FromSeconds(10)))
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<EmailSender>().RunOnceAsync(cancellationToken);
}
