using System.Security.Cryptography;
using Encore.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Encore.Web.Payments.Sandbox;

/// <summary>
/// The built-in test gateway: real code with its own ledger in the database (it survives restarts and is
/// shared by every instance), Stripe's test payment methods, idempotency keys and an authentication step.
/// It never sees a card number: the checkout page maps a typed test number to its payment method first.
/// </summary>
public sealed class SandboxGateway(IDbContextFactory<EncoreDbContext> databases, TimeProvider clock) : IPaymentGateway
{
    public const string AuthenticationPath = "/sandbox/authenticate/";

    public string Name => "sandbox";

    public Task<SavedCard?> DescribePaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken) =>
        Task.FromResult(SandboxTestCards.ByPaymentMethod(paymentMethodId) is { } card
            ? new SavedCard(card.PaymentMethod, card.Brand, card.Last4)
            : null);

    public async Task<GatewayCustomer> CreateCustomerAsync(CreateCustomerRequest request, CancellationToken cancellationToken)
    {
        // Insert first: the unique index on the key answers "seen before" in the rare replay, so the usual
        // first call costs one statement instead of a look-up and an insert.
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var customer = new SandboxCustomer
        {
            Id = NewId("cus"),
            IdempotencyKey = request.IdempotencyKey,
            Email = request.Email,
            CreatedAt = clock.GetUtcNow(),
        };
        db.SandboxCustomers.Add(customer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new GatewayCustomer(customer.Id);
        }
        catch (DbUpdateException)
        {
            await using var again = await databases.CreateDbContextAsync(cancellationToken);
            var winner = await again.SandboxCustomers.AsNoTracking()
                .SingleAsync(c => c.IdempotencyKey == request.IdempotencyKey, cancellationToken);
            return new GatewayCustomer(winner.Id);
        }
    }

    public async Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint(request);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsNpgsql() && SandboxTestCards.ByPaymentMethod(request.PaymentMethodId) is null &&
            await ChargeSavedMethodAsync(db, request, fingerprint, cancellationToken) is { } charged)
            return charged;
        // A key seen before is found by the unique index when the insert below fails (then the first answer is
        // replayed), not by a look-up first: a retry is rare, every charge would pay for the look-up.
        (SandboxPaymentMethod Method, bool IsNew) resolved;
        try
        {
            resolved = await ResolveMethodAsync(db, request, cancellationToken);
        }
        catch (GatewayRequestException)
        {
            // A replay answers what the first call answered, even if the method has since become unusable.
            if (await db.SandboxPaymentIntents.AsNoTracking().FirstOrDefaultAsync(i => i.IdempotencyKey == request.IdempotencyKey, cancellationToken) is { } first)
                return await ReplayAsync(db, first, fingerprint, cancellationToken);
            throw;
        }
        var (method, newMethod) = resolved;
        var card = SandboxTestCards.ByPaymentMethod(method.TestMethod)!;
        var now = clock.GetUtcNow();
        var intent = new SandboxPaymentIntent
        {
            Id = NewId("pi"),
            IdempotencyKey = request.IdempotencyKey,
            RequestFingerprint = fingerprint,
            Amount = request.Amount,
            Currency = request.Currency,
            CustomerId = request.CustomerId ?? "",
            PaymentMethodId = method.Id,
            OffSession = request.OffSession,
            ReturnUrl = request.ReturnUrl,
            CreatedAt = now,
        };
        (intent.Status, intent.DeclineCode) = Decide(card.PaymentMethod, request);
        if (intent.Status == SandboxIntentStatus.Succeeded) intent.SucceededAt = now;

        if (newMethod) db.SandboxPaymentMethods.Add(method);
        db.SandboxPaymentIntents.Add(intent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent call with the same key got there first: answer what it answered.
            await using var again = await databases.CreateDbContextAsync(cancellationToken);
            var winner = await again.SandboxPaymentIntents.AsNoTracking()
                .SingleAsync(i => i.IdempotencyKey == request.IdempotencyKey, cancellationToken);
            return await ReplayAsync(again, winner, fingerprint, cancellationToken);
        }
        return ToResult(intent, Card(method));
    }

    /// <summary>
    /// The usual charge of a saved method (every renewal, every one-click offer) on PostgreSQL in one statement instead of
    /// a look-up and an insert: the method is read, the bank's decision taken and the payment inserted together. The
    /// decision is still <see cref="Decide"/>'s, made here for every test method and joined on the saved one. Null, having
    /// written nothing, when there is nothing to insert (no such method, not this customer's, or the key seen before):
    /// the general path then gives the error or replays the first answer. SQLite has no round trip to save and keeps
    /// that path.
    /// The statement commits without waiting for its WAL flush (<c>synchronous_commit</c> off for its own transaction
    /// only, decision 0026): the Sandbox stands in for a gateway whose ledger is not Encore's database, and Encore's next
    /// commit that depends on this answer (the charge's settlement, or the reconciler's) flushes the WAL up to and past
    /// it. Only a crash of PostgreSQL itself before then loses the payment, and with it every trace of the answer: the
    /// charge stays open, and the reconciler, finding no payment under its key, settles it as never received.
    /// </summary>
    private async Task<PaymentResult?> ChargeSavedMethodAsync(EncoreDbContext db, ChargeRequest request, string fingerprint, CancellationToken cancellationToken)
    {
        var decisions = SandboxTestCards.All.Select(card => (card.PaymentMethod, Decision: Decide(card.PaymentMethod, request))).ToList();
        var id = NewId("pi");
        var now = clock.GetUtcNow();
        var succeeded = SandboxIntentStatus.Succeeded.ToString();
        NpgsqlParameter Parameter(string name, object? value) => new(name, value ?? DBNull.Value);
        var rows = await db.Database.SqlQueryRaw<SavedMethodCharge>(
                """
                WITH method AS (
                    SELECT m."Id", m."Brand", m."Last4", d.status AS "Status", d.decline AS "DeclineCode"
                    FROM sandbox_payment_methods m
                    JOIN unnest(@methods, @statuses, @declines) AS d(test_method, status, decline) ON d.test_method = m."TestMethod"
                    WHERE m."Id" = @method AND m."CustomerId" = @customer AND m."CustomerId" <> ''),
                intent AS (
                    INSERT INTO sandbox_payment_intents ("Id", "IdempotencyKey", "RequestFingerprint", "Amount", "Currency", "CustomerId",
                        "PaymentMethodId", "OffSession", "Status", "DeclineCode", "ReturnUrl", "AmountRefunded", "CreatedAt", "SucceededAt")
                    SELECT @id, @key, @fingerprint, @amount, @currency, @customer, method."Id", @offSession, method."Status", method."DeclineCode",
                        @returnUrl, 0, @now, CASE WHEN method."Status" = @succeeded THEN @now END
                    FROM method
                    ON CONFLICT ("IdempotencyKey") DO NOTHING
                    RETURNING 1),
                lazy AS (SELECT set_config('synchronous_commit', 'off', true))
                SELECT method."Id", method."Brand", method."Last4", method."Status", method."DeclineCode" FROM method, intent, lazy
                """,
                Parameter("methods", decisions.Select(d => d.PaymentMethod).ToArray()),
                Parameter("statuses", decisions.Select(d => d.Decision.Status.ToString()).ToArray()),
                Parameter("declines", decisions.Select(d => d.Decision.DeclineCode).ToArray()),
                Parameter("method", request.PaymentMethodId), Parameter("customer", request.CustomerId ?? ""),
                Parameter("id", id), Parameter("key", request.IdempotencyKey), Parameter("fingerprint", fingerprint),
                Parameter("amount", request.Amount), Parameter("currency", request.Currency), Parameter("offSession", request.OffSession),
                Parameter("returnUrl", request.ReturnUrl), Parameter("now", now), Parameter("succeeded", succeeded))
            .ToListAsync(cancellationToken);
        if (rows is not [var row]) return null;
        var intent = new SandboxPaymentIntent
        {
            Id = id, IdempotencyKey = request.IdempotencyKey, RequestFingerprint = fingerprint, Amount = request.Amount,
            Currency = request.Currency, CustomerId = request.CustomerId ?? "", PaymentMethodId = row.Id, OffSession = request.OffSession,
            Status = Enum.Parse<SandboxIntentStatus>(row.Status), DeclineCode = row.DeclineCode, ReturnUrl = request.ReturnUrl, CreatedAt = now,
        };
        return ToResult(intent, new SavedCard(row.Id, row.Brand, row.Last4));
    }

    /// <summary>What <see cref="ChargeSavedMethodAsync"/>'s statement answers: the method charged and the bank's decision.</summary>
    private sealed class SavedMethodCharge
    {
        public required string Id { get; init; }
        public required string Brand { get; init; }
        public required string Last4 { get; init; }
        public required string Status { get; init; }
        public string? DeclineCode { get; init; }
    }

    public async Task<PaymentResult?> FindPaymentByIdempotencyKeyAsync(string idempotencyKey, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var intent = await db.SandboxPaymentIntents.AsNoTracking()
            .FirstOrDefaultAsync(i => i.IdempotencyKey == idempotencyKey, cancellationToken);
        return intent is null ? null : await ResultWithMethodAsync(db, intent, cancellationToken);
    }

    public async Task<PaymentResult> GetPaymentAsync(string paymentId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var intent = await db.SandboxPaymentIntents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == paymentId, cancellationToken)
            ?? throw new GatewayRequestException("resource_missing", $"No such payment: '{paymentId}'.");
        return await ResultWithMethodAsync(db, intent, cancellationToken);
    }

    /// <summary>How long a refund of a payment made with <see cref="SandboxTestCards.RefundFail"/> stays pending before it fails.</summary>
    public static readonly TimeSpan RefundFailsAfter = TimeSpan.FromMinutes(1);

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var existing = await db.SandboxRefunds.AsNoTracking()
            .FirstOrDefaultAsync(r => r.IdempotencyKey == request.IdempotencyKey, cancellationToken);
        if (existing is not null) return ToResult(existing);
        if (request.Amount <= 0) throw new GatewayRequestException("parameter_invalid_integer", "A refund must be larger than zero.");

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var refunded = await db.SandboxPaymentIntents
            .Where(i => i.Id == request.PaymentId && i.Status == SandboxIntentStatus.Succeeded && i.Amount - i.AmountRefunded >= request.Amount)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AmountRefunded, i => i.AmountRefunded + request.Amount), cancellationToken);
        if (refunded == 0)
            return new RefundResult("", 0, GatewayRefundStatus.Failed, "The payment has not succeeded or has less left to refund than asked.")
            {
                PaymentId = request.PaymentId, IdempotencyKey = request.IdempotencyKey,
            };
        var method = await (from intent in db.SandboxPaymentIntents
                            join m in db.SandboxPaymentMethods on intent.PaymentMethodId equals m.Id
                            where intent.Id == request.PaymentId
                            select m.TestMethod).SingleAsync(cancellationToken);
        var refund = new SandboxRefund
        {
            Id = NewId("re"),
            IdempotencyKey = request.IdempotencyKey,
            PaymentIntentId = request.PaymentId,
            Amount = request.Amount,
            Status = method == SandboxTestCards.RefundFail ? GatewayRefundStatus.Pending : GatewayRefundStatus.Succeeded,
            CreatedAt = clock.GetUtcNow(),
        };
        db.SandboxRefunds.Add(refund);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToResult(refund);
    }

    /// <summary>A refund as it stands; a pending one whose time has come fails now (once), giving its amount back to the payment.</summary>
    public async Task<RefundResult> GetRefundAsync(string refundId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var refund = await db.SandboxRefunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == refundId, cancellationToken)
            ?? throw new GatewayRequestException("resource_missing", $"No such refund: '{refundId}'.");
        if (refund.Status == GatewayRefundStatus.Pending && clock.GetUtcNow() - refund.CreatedAt >= RefundFailsAfter)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.SandboxRefunds.Where(r => r.Id == refundId && r.Status == GatewayRefundStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, GatewayRefundStatus.Failed), cancellationToken) == 1)
                await db.SandboxPaymentIntents.Where(i => i.Id == refund.PaymentIntentId)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.AmountRefunded, i => i.AmountRefunded - refund.Amount), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            refund = await db.SandboxRefunds.AsNoTracking().SingleAsync(r => r.Id == refundId, cancellationToken);
        }
        return ToResult(refund);
    }

    public async Task<IReadOnlyList<RefundResult>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var refunds = await db.SandboxRefunds.AsNoTracking().Where(r => r.PaymentIntentId == paymentId).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        return refunds.Select(ToResult).ToList();
    }

    /// <summary>Detached, a saved method no longer belongs to a customer, so an off-session charge on it is refused as on Stripe.</summary>
    public async Task DetachPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.SandboxPaymentMethods.Where(m => m.Id == paymentMethodId && m.CustomerId != "")
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CustomerId, ""), cancellationToken);
    }

    private static RefundResult ToResult(SandboxRefund refund) =>
        new(refund.Id, refund.Amount, refund.Status, refund.Status == GatewayRefundStatus.Failed ? "The bank could not return the money (sandbox: refund_fail card)." : null)
        {
            PaymentId = refund.PaymentIntentId, IdempotencyKey = refund.IdempotencyKey,
        };

    /// <summary>
    /// The Sandbox bank's answer to an authentication: completes or fails a payment that requires action,
    /// exactly once, and says where to send the buyer back to.
    /// </summary>
    public async Task<SandboxAuthentication?> CompleteAuthenticationAsync(string paymentId, bool approve, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.SandboxPaymentIntents
            .Where(i => i.Id == paymentId && i.Status == SandboxIntentStatus.RequiresAction)
            .ExecuteUpdateAsync(s =>
            {
                if (approve)
                    s.SetProperty(i => i.Status, SandboxIntentStatus.Succeeded).SetProperty(i => i.SucceededAt, now).SetProperty(i => i.DeclineCode, (string?)null);
                else
                    s.SetProperty(i => i.Status, SandboxIntentStatus.RequiresPaymentMethod).SetProperty(i => i.DeclineCode, "authentication_failed");
            }, cancellationToken);
        return await FindAuthenticationAsync(paymentId, cancellationToken);
    }

    /// <summary>What the bank page shows about a payment; null when there is no such payment.</summary>
    public async Task<SandboxAuthentication?> FindAuthenticationAsync(string paymentId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var intent = await db.SandboxPaymentIntents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == paymentId, cancellationToken);
        if (intent is null) return null;
        return new SandboxAuthentication(intent.Id, intent.Amount, intent.Currency, intent.Status, SafeReturnUrl(intent.ReturnUrl));
    }

    /// <summary>What the test card does to a charge (an amount of 0 is a card setup: it saves the card and moves no money).</summary>
    private static (SandboxIntentStatus Status, string? DeclineCode) Decide(string testMethod, ChargeRequest request) => testMethod switch
    {
        SandboxTestCards.ChargeDeclined => (SandboxIntentStatus.RequiresPaymentMethod, "generic_decline"),
        SandboxTestCards.InsufficientFunds => (SandboxIntentStatus.RequiresPaymentMethod, "insufficient_funds"),
        SandboxTestCards.CustomerFail when request.Amount > 0 => (SandboxIntentStatus.RequiresPaymentMethod, "generic_decline"),
        SandboxTestCards.DeclinedOffSession when request.OffSession => (SandboxIntentStatus.RequiresPaymentMethod, "generic_decline"),
        SandboxTestCards.AuthenticationRequired => (SandboxIntentStatus.RequiresAction, "authentication_required"),
        _ => (SandboxIntentStatus.Succeeded, null),
    };

    private async Task<(SandboxPaymentMethod Method, bool IsNew)> ResolveMethodAsync(
        EncoreDbContext db, ChargeRequest request, CancellationToken cancellationToken)
    {
        if (SandboxTestCards.ByPaymentMethod(request.PaymentMethodId) is { } card)
        {
            if (request.OffSession)
                throw new GatewayRequestException("payment_method_not_attached", "An off-session charge needs a saved payment method.");
            return (new SandboxPaymentMethod
            {
                Id = NewId("pm"),
                CustomerId = request.SaveForOffSession ? request.CustomerId ?? "" : "",
                TestMethod = card.PaymentMethod,
                Brand = card.Brand,
                Last4 = card.Last4,
                CreatedAt = clock.GetUtcNow(),
            }, true);
        }

        var saved = await db.SandboxPaymentMethods.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == request.PaymentMethodId, cancellationToken)
            ?? throw new GatewayRequestException("resource_missing", $"No such payment method: '{request.PaymentMethodId}'.");
        if (saved.CustomerId.Length == 0 || saved.CustomerId != request.CustomerId)
            throw new GatewayRequestException("payment_method_not_attached", "The payment method is not saved to this customer.");
        return (saved, false);
    }

    private async Task<PaymentResult> ReplayAsync(EncoreDbContext db, SandboxPaymentIntent intent, string fingerprint, CancellationToken cancellationToken)
    {
        if (intent.RequestFingerprint != fingerprint)
            throw new GatewayRequestException("idempotency_error", "This idempotency key was used with other parameters.");
        return await ResultWithMethodAsync(db, intent, cancellationToken);
    }

    private static async Task<PaymentResult> ResultWithMethodAsync(EncoreDbContext db, SandboxPaymentIntent intent, CancellationToken cancellationToken)
    {
        var method = await db.SandboxPaymentMethods.AsNoTracking().SingleAsync(m => m.Id == intent.PaymentMethodId, cancellationToken);
        return ToResult(intent, Card(method));
    }

    private static SavedCard Card(SandboxPaymentMethod method) => new(method.Id, method.Brand, method.Last4);

    private static PaymentResult ToResult(SandboxPaymentIntent intent, SavedCard card) => new()
    {
        PaymentId = intent.Id,
        Status = intent.Status switch
        {
            SandboxIntentStatus.Succeeded => PaymentStatus.Succeeded,
            SandboxIntentStatus.RequiresAction => PaymentStatus.RequiresAction,
            _ => PaymentStatus.Failed,
        },
        Amount = intent.Amount,
        Currency = intent.Currency,
        DeclineCode = intent.Status is SandboxIntentStatus.RequiresPaymentMethod or SandboxIntentStatus.Canceled ? intent.DeclineCode : null,
        FailureMessage = intent.Status is SandboxIntentStatus.RequiresPaymentMethod ? DeclineMessages.For(intent.DeclineCode) : null,
        ActionUrl = intent.Status == SandboxIntentStatus.RequiresAction ? AuthenticationPath + intent.Id : null,
        Card = card,
    };

    private static string Fingerprint(ChargeRequest request) =>
        $"{request.Amount}|{request.Currency}|{request.CustomerId}|{request.PaymentMethodId}|{request.OffSession}|{request.SaveForOffSession}";

    /// <summary>Only a path on this site: the bank page must never become an open redirect.</summary>
    internal static string SafeReturnUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\')
            ? url
            : "/";

    private static string NewId(string prefix) =>
        $"{prefix}_sbx_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}

public sealed record SandboxAuthentication(string PaymentId, long Amount, string Currency, SandboxIntentStatus Status, string ReturnUrl);
