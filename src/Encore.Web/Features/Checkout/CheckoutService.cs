using System.Net.Mail;
using Encore.Domain;
using Encore.Domain.PostPurchase;
using Encore.Domain.Subscriptions;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Funnels;
using Encore.Web.Features.Offers;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Operations;
using Encore.Web.Payments;

namespace Encore.Web.Features.Checkout;

/// <summary>What a buyer sends to pay for a funnel's main product and the bumps they ticked. Never a price.</summary>
public sealed record CheckoutCommand(
    string FunnelSlug,
    string? Email,
    string? Name,
    string? PaymentMethod,
    IReadOnlyList<Guid>? BumpIds,
    bool SavePaymentMethodForOffers,
    string? BrowserBindingHash,
    int? ExpectedVersion = null,
    ConsentContext? Consent = null,
    IReadOnlyList<string>? TermsShown = null);

public enum CheckoutOutcome
{
    Placed,
    Invalid,
    FunnelNotFound,
    Declined,
    GatewayUnavailable,
}

/// <summary>Where the buyer goes after a checkout that placed an order.</summary>
public enum CheckoutNext
{
    Offer,
    ThankYou,
    RequiresAction,
    Processing,
}

public sealed record CheckoutResult
{
    public required CheckoutOutcome Outcome { get; init; }
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();
    public Guid OrderId { get; init; }
    public string? SessionToken { get; init; }
    public string? ReceiptToken { get; init; }
    public CheckoutNext Next { get; init; }
    public Guid? NextStepId { get; init; }
    public string? ActionUrl { get; init; }
    public string? DeclineCode { get; init; }
    public string? Message { get; init; }
    public Money Total { get; init; }

    public static CheckoutResult Invalid(string field, string message) => new()
    {
        Outcome = CheckoutOutcome.Invalid,
        Errors = new Dictionary<string, string[]> { [field] = [message] },
    };
}

/// <summary>
/// Places an order: prices come from the published funnel version only; the order, its lines and the
/// charge attempt are recorded before the gateway is called; the gateway's answer is recorded after.
/// A recurring main product or bump keeps the card for its renewals (the page said so next to the Pay button, and
/// a consent record keeps those words); a free trial charges nothing today, so a checkout of trials alone only
/// saves the card (a charge of nothing that the gateway sets up).
/// </summary>
public sealed class CheckoutService(
    EncoreDbContext db,
    PublishedFunnels funnels,
    IPaymentGateway gateway,
    Charges charges,
    TimeProvider clock,
    ILogger<CheckoutService> logger)
{
    /// <summary>The Pay button's first word (the button reads "Pay $64.00"), which a recurring item's disclosure quotes.</summary>
    public const string PayLabel = "Pay";

    public async Task<CheckoutResult> PlaceOrderAsync(CheckoutCommand command, CancellationToken cancellationToken)
    {
        CheckoutResult result;
        try
        {
            result = await PlaceAsync(command, cancellationToken);
        }
        catch
        {
            EncoreMetrics.CheckoutFailed();
            throw;
        }
        EncoreMetrics.CheckoutDone(result);
        return result;
    }

    private async Task<CheckoutResult> PlaceAsync(CheckoutCommand command, CancellationToken cancellationToken)
    {
        var funnel = await funnels.FindBySlugAsync(command.FunnelSlug, cancellationToken);
        if (funnel is null) return new CheckoutResult { Outcome = CheckoutOutcome.FunnelNotFound };

        // The buyer agreed to the prices of the version they were shown; a publish since then must not change what they pay.
        if (command.ExpectedVersion is { } shown && shown != funnel.VersionNumber)
            return CheckoutResult.Invalid("version",
                "The seller updated this checkout after it was shown to you. Nothing was charged: please check the prices below and pay again.");

        var errors = Validate(command, funnel, out var email, out var name, out var bumps);
        if (errors.Count > 0) return new CheckoutResult { Outcome = CheckoutOutcome.Invalid, Errors = errors };

        // The words next to the Pay button are what the buyer agrees to: when the client says which it showed (their
        // SHA-256), each recurring item's must be today's, or the buyer reads them again (their dates move at midnight UTC).
        var now = clock.GetUtcNow();
        var recurringTerms = RecurringTermsToday(funnel, bumps, now);
        if (command.TermsShown is { } termsShown && recurringTerms.FirstOrDefault(t => !termsShown.Any(t.Disclosure.Matches)) is { Name: not null } stale)
            return CheckoutResult.Invalid("terms",
                $"The terms for {stale.Name} changed since the page was shown (their dates are today's). Nothing was charged: please read them again and pay.");

        var method = await gateway.DescribePaymentMethodAsync(command.PaymentMethod!, cancellationToken);
        if (method is null)
            return CheckoutResult.Invalid("paymentMethod", "This payment method is not known to the payment gateway.");

        var orderId = Guid.CreateVersion7();
        // Keep the card if the buyer agreed to offers and there is something to offer, or for a subscription's renewals.
        var forOffers = command.SavePaymentMethodForOffers && funnel.EntryStepId is not null;
        var recurring = funnel.Main.Price.IsRecurring || bumps.Any(b => b.Price.IsRecurring);
        var saveCard = forOffers || recurring;
        string? customerId = null;
        if (saveCard)
        {
            try
            {
                customerId = (await gateway.CreateCustomerAsync(
                    new CreateCustomerRequest(email, name, $"encore:customer:{orderId:N}"), cancellationToken)).Id;
            }
            catch (GatewayUnavailableException exception)
            {
                logger.LogWarning(exception, "Gateway unavailable while creating a customer; nothing was recorded");
                return new CheckoutResult { Outcome = CheckoutOutcome.GatewayUnavailable, Message = "The payment service is not answering. Nothing was charged; please try again." };
            }
        }

        // What is charged today: nothing for an item in its free trial.
        var total = funnel.Main.Price.DueToday() + Money.Sum(bumps.Select(b => b.Price.DueToday()), funnel.Currency);
        var receiptToken = SecretTokens.New();
        var sessionToken = forOffers ? SecretTokens.New() : null;
        var (order, charge) = NewOrder(funnel, orderId, email, name, bumps, method, total, receiptToken, customerId, now);
        db.Orders.Add(order);
        AddRecurringConsents(order, recurringTerms, method, command.Consent, now);
        if (sessionToken is not null)
        {
            db.PostPurchaseSessions.Add(new PostPurchaseSession
            {
                Id = Guid.CreateVersion7(),
                OrderId = orderId,
                FunnelVersionId = funnel.VersionId,
                TokenHash = SecretTokens.Hash(sessionToken),
                BrowserBindingHash = command.BrowserBindingHash ?? "",
                Status = SessionStatus.AwaitingPayment,
                ExpiresAt = now + funnel.Window,
                GatewayCustomerId = customerId!,
                CreatedAt = now,
            });
        }
        // Transaction 1: the attempt exists, with its key, before any money can move. Not cancellable:
        // a buyer leaving mid-commit must not leave us unsure whether the attempt was recorded.
        await db.SaveChangesAsync(CancellationToken.None);

        // The gateway's answer is recorded by the checkout settlement (transaction 2); if that fails, the charge stays
        // open for the reconciler and the buyer is told it is being confirmed. Nothing may escape from here: a
        // caller's retry would place a second order.
        var call = await charges.CallAsync(charge, new ChargeRequest
        {
            Amount = total.Amount,
            Currency = total.Currency,
            CustomerId = customerId,
            PaymentMethodId = command.PaymentMethod!,
            IdempotencyKey = charge.IdempotencyKey,
            SaveForOffSession = saveCard,
            Description = $"{funnel.SellerName}: {funnel.Main.Name}",
            ReturnUrl = BankReturn.UrlFor(charge.Id),
            Metadata = new Dictionary<string, string> { ["encore_order"] = orderId.ToString(), ["encore_charge"] = charge.Id.ToString() },
        });
        var answer = call.Answer;

        var placed = new CheckoutResult
        {
            Outcome = CheckoutOutcome.Placed,
            OrderId = orderId,
            ReceiptToken = receiptToken,
            SessionToken = sessionToken,
            Total = total,
        };
        return answer switch
        {
            { Result.Status: PaymentStatus.Succeeded } when sessionToken is not null && funnel.EntryStepId is { } entry =>
                placed with { Next = CheckoutNext.Offer, NextStepId = entry },
            { Result.Status: PaymentStatus.Succeeded } => placed with { Next = CheckoutNext.ThankYou },
            { Result.Status: PaymentStatus.RequiresAction } => placed with { Next = CheckoutNext.RequiresAction, ActionUrl = answer.Result.ActionUrl },
            { Result.Status: PaymentStatus.Failed } or { Refusal: not null } => new CheckoutResult
            {
                Outcome = CheckoutOutcome.Declined,
                OrderId = orderId,
                DeclineCode = answer.Result?.DeclineCode ?? answer.Refusal!.Code,
                Message = answer.Result?.FailureMessage ?? DeclineMessages.For(null),
                Total = total,
            },
            _ => placed with { Next = CheckoutNext.Processing },
        };
    }

    /// <summary>The order, its lines (each at what it costs today) and the charge attempt, with its key.</summary>
    private static (Order Order, Charge Charge) NewOrder(
        PublishedFunnel funnel, Guid orderId, string email, string name, List<BumpItem> bumps, SavedCard method, Money total,
        string receiptToken, string? customerId, DateTimeOffset now)
    {
        var charge = new Charge
        {
            Id = Guid.CreateVersion7(),
            OrderId = orderId,
            Kind = ChargeKind.Checkout,
            Amount = total.Amount,
            Currency = total.Currency,
            IdempotencyKey = $"encore:checkout:{orderId:N}",
            Status = ChargeStatus.Pending,
            CardBrand = method.Brand,
            CardLast4 = method.Last4,
            CreatedAt = now,
        };
        var order = new Order
        {
            Id = orderId,
            SellerId = funnel.SellerId,
            FunnelId = funnel.FunnelId,
            FunnelVersionId = funnel.VersionId,
            Email = email,
            BuyerName = name,
            Currency = funnel.Currency,
            Status = OrderStatus.Pending,
            ReceiptTokenHash = SecretTokens.Hash(receiptToken),
            GatewayCustomerId = customerId,
            CreatedAt = now,
        };
        order.Lines.Add(Line(order, OrderLineKind.Main, funnel.Main.ProductId, funnel.Main.Name, funnel.Main.Price, charge.Id, now));
        foreach (var bump in bumps)
        {
            var line = Line(order, OrderLineKind.Bump, bump.ProductId, bump.Name, bump.Price, charge.Id, now);
            line.BumpId = bump.Id;
            order.Lines.Add(line);
        }
        order.Charges.Add(charge);
        return (order, charge);
    }

    private sealed record RecurringItem(Guid? BumpId, string Name, Price Price, OfferDisclosure Disclosure);

    /// <summary>The recurring items of this checkout (main product, chosen bumps) with the words shown for them today.</summary>
    private static List<RecurringItem> RecurringTermsToday(PublishedFunnel funnel, List<BumpItem> bumps, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var items = new List<RecurringItem>();
        if (funnel.Main.Price.IsRecurring)
            items.Add(new(null, funnel.Main.Name, funnel.Main.Price, RecurringTermsAtCheckout(funnel, funnel.Main.Name, funnel.Main.Price, funnel.Main.Terms, today)));
        items.AddRange(bumps.Where(b => b.Price.IsRecurring)
            .Select(b => new RecurringItem(b.Id, b.Name, b.Price, RecurringTermsAtCheckout(funnel, b.Name, b.Price, b.Terms, today))));
        return items;
    }

    /// <summary>One consent record per recurring line: the exact words the page showed next to the Pay button.</summary>
    private void AddRecurringConsents(Order order, List<RecurringItem> items, SavedCard method, ConsentContext? context, DateTimeOffset now)
    {
        foreach (var item in items)
        {
            var line = order.Lines.First(l => l.BumpId == item.BumpId && (item.BumpId is not null || l.Kind == OrderLineKind.Main));
            var (price, disclosure) = (item.Price, item.Disclosure);
            db.ConsentRecords.Add(new ConsentRecord
            {
                Id = Guid.CreateVersion7(),
                SellerId = order.SellerId,
                OrderId = order.Id,
                OrderLineId = line.Id,
                DisclosureText = disclosure.Text,
                DisclosureSha256 = disclosure.Sha256,
                AcceptLabel = disclosure.AcceptLabel,
                Amount = price.Amount.Amount,
                Currency = price.Amount.Currency,
                Recurrence = price.Describe(),
                CardBrand = method.Brand,
                CardLast4 = method.Last4,
                Channel = context?.Channel ?? "api",
                IpAddress = context?.IpAddress,
                UserAgent = context?.UserAgent is { Length: > 1000 } ua ? ua[..1000] : context?.UserAgent,
                AgreedAt = now,
            });
        }
    }

    /// <summary>The words shown next to the Pay button for a recurring item: the schedule in full, how to cancel and the seller's terms.</summary>
    public static OfferDisclosure RecurringTermsAtCheckout(PublishedFunnel funnel, string productName, Price price, string? sellerTerms, DateOnly today) =>
        CheckoutDisclosure.For(funnel.SellerName, funnel.SupportEmail, productName, price, today, PayLabel, sellerTerms);

    private static OrderLine Line(Order order, OrderLineKind kind, Guid productId, string name, Price price, Guid chargeId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrderId = order.Id,
        Kind = kind,
        ProductId = productId,
        Name = name,
        Amount = price.DueToday().Amount,
        Currency = price.Amount.Currency,
        Interval = price.Recurrence?.Interval,
        IntervalCount = price.Recurrence?.IntervalCount ?? 1,
        ChargeId = chargeId,
        CreatedAt = now,
    };

    private static Dictionary<string, string[]> Validate(
        CheckoutCommand command, PublishedFunnel funnel, out string email, out string name, out List<BumpItem> bumps)
    {
        var errors = new Dictionary<string, string[]>();
        email = (command.Email ?? "").Trim();
        name = (command.Name ?? "").Trim();
        bumps = [];
        if (!IsEmail(email)) errors["email"] = ["Enter the e-mail address your receipt should go to, like name@example.com."];
        if (name.Length == 0) errors["name"] = ["Enter your name."];
        else if (name.Length > 200) errors["name"] = ["Your name can be at most 200 characters."];
        if (string.IsNullOrWhiteSpace(command.PaymentMethod) || command.PaymentMethod.Length > 200)
            errors["paymentMethod"] = ["A payment method is required."];
        foreach (var id in (command.BumpIds ?? []).Distinct())
        {
            var bump = funnel.Bumps.FirstOrDefault(b => b.Id == id);
            if (bump is null)
            {
                errors["bumps"] = [$"'{id}' is not an order bump of this funnel."];
                break;
            }
            bumps.Add(bump);
        }
        return errors;
    }

    internal static bool IsEmail(string email) =>
        email.Length is > 2 and <= 254 &&
        email.IndexOf('@') is > 0 and var at && at < email.Length - 1 &&
        MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
}
