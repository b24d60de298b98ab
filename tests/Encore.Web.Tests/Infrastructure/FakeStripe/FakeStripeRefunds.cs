using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Encore.Web.Tests.Infrastructure.FakeStripe;

/// <summary>A Refund in the fake's ledger, with the status Stripe gives it.</summary>
public sealed record FakeRefund(string Id, string PaymentIntent, long Amount, string Status = "succeeded", string? IdempotencyKey = null);

/// <summary>
/// Refunds: <c>POST /v1/refunds</c> (idempotent), <c>GET /v1/refunds/{id}</c> and the list <c>GET /v1/refunds</c>
/// (<c>payment_intent</c>, <c>limit</c>, <c>starting_after</c>). A refund starts in <see cref="NewRefundStatus"/> and moves
/// when the test says (<see cref="SettleRefund"/>), as Stripe's do: a pending one succeeds or fails, a requires_action one
/// is canceled, and even a succeeded one can fail later (Stripe's <c>pm_card_refundFail</c>). Each change makes Stripe's
/// events: <c>refund.created</c> and <c>charge.refunded</c> (its charge without the <c>refunds</c> list, as since API
/// version 2022-11-15), then <c>refund.updated</c>, <c>charge.refund.updated</c> and, when it failed, <c>refund.failed</c>.
/// A failed or canceled refund gives its amount back to the payment.
/// </summary>
public sealed partial class FakeStripeServer
{
    private sealed class RefundRow
    {
        public required string Id;
        public required Intent Intent;
        public long Amount;
        public string Status = "succeeded";
        public string? FailureReason;
        public Dictionary<string, string> Metadata = [];
        public long Created;
        public long Sequence;
    }

    private readonly Dictionary<string, RefundRow> _refunds = [];

    /// <summary>The status a new refund starts in: <c>succeeded</c> (most card refunds), <c>pending</c> or <c>requires_action</c>.</summary>
    public string NewRefundStatus { get; set; } = "succeeded";

    public IReadOnlyList<FakeRefund> Refunds
    {
        get
        {
            lock (_lock)
                return _refunds.Values.OrderBy(r => r.Sequence)
                    .Select(r => new FakeRefund(r.Id, r.Intent.Id, r.Amount, r.Status, r.Metadata.GetValueOrDefault("encore_idempotency_key"))).ToList();
        }
    }

    /// <summary>
    /// The refund's later fate: <c>succeeded</c>, <c>failed</c> (with Stripe's <c>failure_reason</c>) or <c>canceled</c>.
    /// A failed or canceled refund gives its amount back to the payment.
    /// </summary>
    public void SettleRefund(string refundId, string status, string failureReason = "expired_or_canceled_card")
    {
        if (status is not ("succeeded" or "failed" or "canceled")) throw new ArgumentOutOfRangeException(nameof(status));
        lock (_lock)
        {
            var refund = _refunds[refundId];
            if (refund.Status is "failed" or "canceled") throw new InvalidOperationException($"Refund {refundId} is already {refund.Status}.");
            refund.Status = status;
            if (status is "failed" or "canceled")
            {
                refund.Intent.AmountRefunded -= refund.Amount;
                refund.FailureReason = status == "failed" ? failureReason : null;
            }
            Emit("refund.updated", RefundJson(refund));
            Emit("charge.refund.updated", RefundJson(refund));
            if (status == "failed") Emit("refund.failed", RefundJson(refund));
        }
    }

    /// <summary>A refund the seller makes in Stripe's Dashboard, outside Encore: no Encore key in its metadata.</summary>
    public string RefundInDashboard(string paymentIntentId, long amount)
    {
        lock (_lock)
        {
            var intent = _intents[paymentIntentId];
            if (intent.Amount - intent.AmountRefunded < amount) throw new InvalidOperationException("More than is left on the payment.");
            return Refund(intent, amount, []).Id;
        }
    }

    private void MapRefunds(WebApplication app)
    {
        app.MapPost("/v1/refunds", context => Idempotent(context, form =>
        {
            var id = form.Value("payment_intent");
            if (id is null || !_intents.TryGetValue(id, out var intent))
                return (404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", param: "payment_intent"));
            if (intent.Status != "succeeded")
                return (400, Error("invalid_request_error", "charge_not_refundable", "This PaymentIntent has not succeeded."));
            var amount = form.Value("amount") is { } a ? long.Parse(a) : intent.Amount - intent.AmountRefunded;
            if (amount <= 0)
                return (400, Error("invalid_request_error", "parameter_invalid_integer", "Invalid positive integer", param: "amount"));
            if (intent.Amount - intent.AmountRefunded < amount)
                return (400, Error("invalid_request_error", "amount_too_large",
                    $"Refund amount ({amount}) is greater than unrefunded amount on charge ({intent.Amount - intent.AmountRefunded})", param: "amount"));
            return (200, RefundJson(Refund(intent, amount, form.Metadata())));
        }));
        app.MapGet("/v1/refunds/{id}", (HttpContext context, string id) =>
        {
            JsonObject? refund;
            lock (_lock) refund = _refunds.TryGetValue(id, out var r) ? RefundJson(r) : null;
            return refund is null
                ? WriteAsync(context, 404, Error("invalid_request_error", "resource_missing", $"No such refund: '{id}'", param: "id"))
                : WriteAsync(context, 200, refund);
        });
        app.MapGet("/v1/refunds", context =>
        {
            var q = QueryOf(context);
            var intentId = q.Value("payment_intent") ?? "";
            var limit = q.Value("limit") is { } l ? int.Parse(l) : 10;
            var after = q.Value("starting_after") ?? "";
            JsonArray data;
            bool more;
            lock (_lock)
            {
                var all = _refunds.Values.Where(r => intentId.Length == 0 || r.Intent.Id == intentId)
                    .OrderByDescending(r => r.Created).ThenByDescending(r => r.Sequence).ToList();
                if (after.Length > 0) all = all.SkipWhile(r => r.Id != after).Skip(1).ToList();
                more = all.Count > limit;
                data = [.. all.Take(limit).Select(r => (JsonNode)RefundJson(r))];
            }
            return WriteAsync(context, 200, new JsonObject { ["object"] = "list", ["url"] = "/v1/refunds", ["has_more"] = more, ["data"] = data });
        });
    }

    /// <summary>A new refund of the intent's charge, in <see cref="NewRefundStatus"/>, and Stripe's events for it (call holding the lock).</summary>
    private RefundRow Refund(Intent intent, long amount, Dictionary<string, string> metadata)
    {
        intent.AmountRefunded += amount;
        var refund = new RefundRow
        {
            Id = NewId("re"), Intent = intent, Amount = amount, Status = NewRefundStatus, Metadata = metadata, Created = Now(),
            Sequence = _refunds.Count,
        };
        _refunds[refund.Id] = refund;
        Emit("refund.created", RefundJson(refund));
        Emit("charge.refunded", ChargeJson(intent));
        return refund;
    }

    private static JsonObject RefundJson(RefundRow r) => new()
    {
        ["id"] = r.Id,
        ["object"] = "refund",
        ["amount"] = r.Amount,
        ["balance_transaction"] = null,
        ["charge"] = r.Intent.LatestCharge,
        ["created"] = r.Created,
        ["currency"] = r.Intent.Currency,
        ["failure_reason"] = r.FailureReason,
        ["metadata"] = new JsonObject(r.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        ["next_action"] = r.Status == "requires_action" ? new JsonObject { ["type"] = "display_details" } : null,
        ["payment_intent"] = r.Intent.Id,
        ["reason"] = null,
        ["status"] = r.Status,
    };

    /// <summary>A PaymentIntent's charge as <c>charge.refunded</c> carries it: no <c>refunds</c> list (API versions since 2022-11-15).</summary>
    private static JsonObject ChargeJson(Intent i) => new()
    {
        ["id"] = i.LatestCharge,
        ["object"] = "charge",
        ["amount"] = i.Amount,
        ["amount_captured"] = i.Amount,
        ["amount_refunded"] = i.AmountRefunded,
        ["captured"] = true,
        ["created"] = i.Created,
        ["currency"] = i.Currency,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["paid"] = true,
        ["payment_intent"] = i.Id,
        ["refunded"] = i.AmountRefunded >= i.Amount,
        ["status"] = "succeeded",
    };
}
