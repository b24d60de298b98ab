using System.Net;
using Encore.Domain;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Email;
using Encore.Web.Features.Orders;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Encore.Web.Tests;

/// <summary>
/// Receipt mails from the outbox over real SMTP (an in-process server on a loopback port): written with the
/// payment and with the end of the path, sent once each, and kept through a mail server outage.
/// </summary>
public abstract class EmailTests<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime where TApp : EncoreApp
{
    private TestSmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        if (app.Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return;
        _smtp = new TestSmtpServer(app.SmtpPort);
        await _smtp.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private Task<List<EmailMessage>> MailsOfAsync(Guid orderId) =>
        app.QueryAsync(db => db.EmailMessages.Where(m => m.OrderId == orderId).OrderBy(m => m.Kind).ToListAsync());

    private Task<Guid> SellerOfAsync(Guid orderId) =>
        app.QueryAsync(db => db.Orders.Where(o => o.Id == orderId).Select(o => o.SellerId).SingleAsync());

    private List<MimeMessage> Received(Guid mailId) =>
        _smtp.Messages.Where(m => m.Headers["X-Encore-Mail-Id"] == mailId.ToString()).ToList();

    [Fact]
    public async Task Checkout_receipt_is_written_with_the_payment_and_sent_once()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        var mail = Assert.Single(await MailsOfAsync(buyer.OrderId)); // the path is still open: no final receipt yet
        Assert.Equal(EmailKind.CheckoutReceipt, mail.Kind);
        Assert.Equal(DeliveryStatus.Pending, mail.Status);
        Assert.Null(mail.TextBody); // queued by the payment's transaction, composed when sent

        await app.SendEmailsAsync();
        await app.SendEmailsAsync();

        var message = Assert.Single(Received(mail.Id));
        Assert.Equal("ann@example.com", message.To.Mailboxes.Single().Address);
        Assert.Equal("receipts@encore.test", message.From.Mailboxes.Single().Address);
        Assert.Contains("Calm Mind Coaching", message.Subject);
        Assert.Contains("Calm Your Anxiety", message.TextBody);
        // The seller's branding: the logo by its absolute address on Encore, the brand colour, the seller's links.
        var logo = await app.QueryAsync(db => db.Sellers.Where(s => s.Id == Encore.Web.Data.DemoSeed.SellerId).Select(s => s.LogoSha256).SingleAsync());
        Assert.Matches($"<img src=\"https?://[^\"/]+(:[0-9]+)?/media/{logo}\" alt=\"Calm Mind Coaching\"", message.HtmlBody);
        Assert.Contains("border-top:6px solid #2f5d8a", message.HtmlBody);
        Assert.Contains("href=\"https://calmmind.example/terms\"", message.HtmlBody);
        Assert.Contains("Printable calm-down worksheets", message.HtmlBody);
        Assert.Contains(buyer.OrderId.ToString(), message.TextBody);
        mail = Assert.Single(await MailsOfAsync(buyer.OrderId));
        Assert.Equal(DeliveryStatus.Delivered, mail.Status);
        Assert.Equal(1, mail.Attempts);
        Assert.NotNull(mail.SentAt);
        // The row keeps what was sent.
        Assert.Equal("ann@example.com", mail.To);
        Assert.Equal(message.Subject, mail.Subject);
        Assert.Equal(message.TextBody!.ReplaceLineEndings(), mail.TextBody!.ReplaceLineEndings());
    }

    [Fact]
    public async Task Final_receipt_after_an_accept_lists_every_line_and_charge()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        await buyer.AcceptCurrentAsync(Buyer.OfferStep); // no step after a yes: the path ends here

        var mails = await MailsOfAsync(buyer.OrderId);
        Assert.Equal([EmailKind.CheckoutReceipt, EmailKind.FinalReceipt], mails.Select(m => m.Kind));
        await app.SendEmailsAsync();

        var final = Assert.Single(Received(mails[1].Id));
        foreach (var body in new[] { final.TextBody, final.HtmlBody })
        {
            Assert.Contains("Calm Your Anxiety", body);
            Assert.Contains("Printable calm-down worksheets", body);
            Assert.Contains("4-week guided audio program", body);
            Assert.Contains("$97.00", body);
        }
        var charges = await app.QueryAsync(db => db.Charges.Where(c => c.OrderId == buyer.OrderId).ToListAsync());
        Assert.Equal(2, charges.Count);
        var total = charges.Where(c => c.Status == ChargeStatus.Succeeded).Sum(c => c.Amount);
        Assert.Contains($"Total paid: {new Money(total, "USD").Format()}", final.TextBody);

        // The checkout receipt, sent after the accept, still shows only what the checkout paid.
        var checkout = Assert.Single(Received(mails[0].Id));
        Assert.Contains("Printable calm-down worksheets", checkout.TextBody);
        Assert.DoesNotContain("4-week guided audio program", checkout.TextBody);
        var checkoutPaid = charges.Single(c => c.Kind == ChargeKind.Checkout).Amount;
        Assert.Contains($"Total paid: {new Money(checkoutPaid, "USD").Format()}", checkout.TextBody);
    }

    [Fact]
    public async Task A_final_receipt_waits_for_a_charge_whose_answer_was_lost_and_then_lists_it_as_paid()
    {
        await app.SendEmailsAsync(); // what earlier tests left
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync();
        app.Faults.OffSessionFault = ChargeFault.AnswerLostAfterCharging;
        try { Assert.Equal("processing", (await buyer.AcceptCurrentAsync(Buyer.OfferStep))["outcome"]!.GetValue<string>()); }
        finally { app.Faults.OffSessionFault = ChargeFault.None; }
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<EmailOutbox>().WriteFinalReceiptAsync(await SellerOfAsync(buyer.OrderId), buyer.OrderId, CancellationToken.None);

        await app.SendEmailsAsync();
        var mails = await MailsOfAsync(buyer.OrderId);
        Assert.Single(Received(mails[0].Id));
        var waiting = mails[1];
        Assert.Equal(EmailKind.FinalReceipt, waiting.Kind);
        Assert.Equal(DeliveryStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts); // waiting for the bank is not a failed attempt
        Assert.Null(waiting.LockedUntil);
        Assert.Empty(Received(waiting.Id));

        await app.ReconcileAsync(); // the charge settles as succeeded; its settlement's own final receipt is the same mail
        Assert.Equal(2, (await MailsOfAsync(buyer.OrderId)).Count);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.SendEmailsAsync();
        var final = Assert.Single(Received(waiting.Id));
        Assert.Contains("4-week guided audio program", final.TextBody);
        Assert.Equal(2, final.TextBody!.Split('\n').Count(l => l.Contains("Paid", StringComparison.Ordinal) && l.Contains("UTC", StringComparison.Ordinal)));
        Assert.DoesNotContain("Being confirmed", final.TextBody);
    }

    [Fact]
    public async Task Final_receipt_after_a_decline_and_a_downsell_lists_both_charges()
    {
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(withBump: false);
        Assert.Equal(HttpStatusCode.OK, (await buyer.DeclineAsync(Buyer.OfferStep)).StatusCode);
        Assert.Single(await MailsOfAsync(buyer.OrderId)); // the downsell is still to come
        await buyer.AcceptCurrentAsync(Buyer.DownsellStep);

        var mails = await MailsOfAsync(buyer.OrderId);
        Assert.Equal([EmailKind.CheckoutReceipt, EmailKind.FinalReceipt], mails.Select(m => m.Kind));
        await app.SendEmailsAsync();
        var final = Assert.Single(Received(mails[1].Id));
        Assert.Contains("7-day guided audio starter", final.TextBody);
        Assert.DoesNotContain("4-week guided audio program", final.TextBody);
        Assert.Equal(2, final.TextBody!.Split('\n').Count(l => l.Contains("Paid", StringComparison.Ordinal) && l.Contains("UTC", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Declining_everything_or_letting_the_window_close_ends_the_path_with_a_final_receipt()
    {
        var decliner = new Buyer(app.CreateClient());
        await decliner.CheckoutAsync();
        await decliner.DeclineAsync(Buyer.OfferStep);
        await decliner.DeclineAsync(Buyer.DownsellStep);
        Assert.Equal([EmailKind.CheckoutReceipt, EmailKind.FinalReceipt], (await MailsOfAsync(decliner.OrderId)).Select(m => m.Kind));

        var leaver = new Buyer(app.CreateClient());
        await leaver.CheckoutAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal("expired", (await leaver.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal("expired", (await leaver.GetOfferAsync())["status"]!.GetValue<string>());
        Assert.Equal([EmailKind.CheckoutReceipt, EmailKind.FinalReceipt], (await MailsOfAsync(leaver.OrderId)).Select(m => m.Kind));

        // Without a saved card there is no post-purchase path: the checkout receipt is the only mail.
        var noPath = new Buyer(app.CreateClient());
        await noPath.CheckoutAsync(saveCard: false);
        Assert.Equal([EmailKind.CheckoutReceipt], (await MailsOfAsync(noPath.OrderId)).Select(m => m.Kind));
    }

    [Fact]
    public async Task A_buyer_who_never_comes_back_gets_the_final_receipt_when_the_background_job_closes_the_window()
    {
        var leaver = new Buyer(app.CreateClient());
        await leaver.CheckoutAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        await app.ReconcileAsync();
        Assert.Equal(SessionStatus.Expired, await app.QueryAsync(db => db.PostPurchaseSessions.Where(s => s.OrderId == leaver.OrderId).Select(s => s.Status).SingleAsync()));
        var mails = await MailsOfAsync(leaver.OrderId);
        Assert.Equal([EmailKind.CheckoutReceipt, EmailKind.FinalReceipt], mails.Select(m => m.Kind));
        await app.ReconcileAsync();
        await app.SendEmailsAsync();
        Assert.Single(Received(mails[1].Id));
        Assert.Equal(2, (await MailsOfAsync(leaver.OrderId)).Count);
    }

    [Fact]
    public async Task A_mail_server_outage_delays_mail_and_loses_none_and_sends_none_twice()
    {
        await app.SendEmailsAsync(); // what earlier tests left
        await _smtp.StopAsync();
        var buyers = new List<Buyer>();
        for (var i = 0; i < 3; i++)
        {
            var buyer = new Buyer(app.CreateClient());
            await buyer.CheckoutAsync();
            buyers.Add(buyer);
        }
        await buyers[0].AcceptCurrentAsync(Buyer.OfferStep);
        var ids = new List<Guid>();
        foreach (var buyer in buyers) ids.AddRange((await MailsOfAsync(buyer.OrderId)).Select(m => m.Id));
        Assert.Equal(4, ids.Count);

        Assert.Equal(0, await app.SendEmailsAsync());
        var waiting = await app.QueryAsync(db => db.EmailMessages.Where(m => ids.Contains(m.Id)).ToListAsync());
        Assert.All(waiting, m =>
        {
            Assert.Equal(DeliveryStatus.Pending, m.Status);
            Assert.Equal(1, m.Attempts);
            Assert.False(string.IsNullOrEmpty(m.LastError));
            Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), m.NextAttemptAt);
            Assert.Null(m.LockedUntil);
        });

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, await app.SendEmailsAsync());
        Assert.All(await app.QueryAsync(db => db.EmailMessages.Where(m => ids.Contains(m.Id)).ToListAsync()), m => Assert.Equal(2, m.Attempts));

        await _smtp.StartAsync();
        Assert.Equal(0, await app.SendEmailsAsync()); // not due yet: the back-off doubled
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(4, await app.SendEmailsAsync());
        Assert.Equal(0, await app.SendEmailsAsync());
        app.Clock.Advance(TimeSpan.FromHours(7));
        await app.SendEmailsAsync();

        foreach (var id in ids) Assert.Single(Received(id));
        Assert.All(await app.QueryAsync(db => db.EmailMessages.Where(m => ids.Contains(m.Id)).ToListAsync()), m =>
        {
            Assert.Equal(DeliveryStatus.Delivered, m.Status);
            Assert.Equal(3, m.Attempts);
        });
    }

    [Fact]
    public async Task Two_senders_at_once_send_each_mail_once_and_a_second_write_is_refused_quietly()
    {
        await app.SendEmailsAsync();
        var buyers = new List<Buyer>();
        for (var i = 0; i < 4; i++)
        {
            var buyer = new Buyer(app.CreateClient());
            await buyer.CheckoutAsync(saveCard: false);
            buyers.Add(buyer);
        }
        // The receipt written again, by two writers at once: still one mail.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<EmailOutbox>().WriteCheckoutReceiptAsync(await SellerOfAsync(buyers[0].OrderId), buyers[0].OrderId, CancellationToken.None);
        })));
        var ids = new List<Guid>();
        foreach (var buyer in buyers) ids.Add(Assert.Single(await MailsOfAsync(buyer.OrderId)).Id);

        var sent = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(app.SendEmailsAsync)));
        await app.SendEmailsAsync();
        foreach (var id in ids) Assert.Single(Received(id));
        Assert.True(sent.Sum() <= 4);
    }

    [Fact]
    public async Task A_receipt_written_twice_inside_open_transactions_is_refused_by_the_index_and_the_transaction_goes_on()
    {
        Assert.SkipUnless(app.Kind == DatabaseKind.Postgres, "SQLite has one writer: a second open write transaction cannot get this far.");
        var buyer = new Buyer(app.CreateClient());
        await buyer.CheckoutAsync(saveCard: false);
        await app.QueryAsync(db => db.EmailMessages.Where(m => m.OrderId == buyer.OrderId).ExecuteDeleteAsync());

        var sellerId = await SellerOfAsync(buyer.OrderId);
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
        var secondDb = second.ServiceProvider.GetRequiredService<Encore.Web.Data.EncoreDbContext>();
        await using var firstTx = await firstDb.Database.BeginTransactionAsync();
        await using var secondTx = await secondDb.Database.BeginTransactionAsync();
        await first.ServiceProvider.GetRequiredService<EmailOutbox>().WriteCheckoutReceiptAsync(sellerId, buyer.OrderId, CancellationToken.None);
        // The second writer does not see the first's row yet; its insert waits on the index until the first commits.
        var secondWrite = second.ServiceProvider.GetRequiredService<EmailOutbox>().WriteCheckoutReceiptAsync(sellerId, buyer.OrderId, CancellationToken.None);
        await Task.Delay(200);
        await firstTx.CommitAsync();
        await secondWrite;
        // The second transaction is still usable: its other work commits.
        await secondDb.Orders.Where(o => o.Id == buyer.OrderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.BuyerName, "Ann B."));
        await secondTx.CommitAsync();

        Assert.Single(await MailsOfAsync(buyer.OrderId));
        Assert.Equal("Ann B.", await app.QueryAsync(db => db.Orders.Where(o => o.Id == buyer.OrderId).Select(o => o.BuyerName).SingleAsync()));
    }

    [Fact]
    public void The_html_part_encodes_what_the_buyer_and_seller_typed()
    {
        var receipt = new Receipt(
            Guid.NewGuid(), OrderStatus.Paid, "a@example.com", "<script>alert(1)</script>", "Tom & <Jerry>", "help@example.com", "USD",
            DateTimeOffset.UtcNow,
            [new ReceiptLine(OrderLineKind.Main, "<img src=x onerror=alert(1)>", new Money(1000, "USD"), null, 1, Guid.Empty)],
            [new ReceiptCharge(Guid.Empty, ChargeKind.Checkout, new Money(1000, "USD"), ChargeStatus.Succeeded, "visa", "4242", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)]);
        var (_, text, html) = ReceiptMail.Compose(receipt, EmailKind.FinalReceipt);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<Jerry>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("<img src=x onerror=alert(1)>", text); // plain text stays as typed
    }
}

public sealed class EmailTests_Sqlite(SqliteApp app) : EmailTests<SqliteApp>(app);

public sealed class EmailTests_Postgres(PostgresApp app) : EmailTests<PostgresApp>(app);
