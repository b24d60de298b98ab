using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;

namespace Encore.Web.Tests.Infrastructure;

public enum ChargeFault
{
    None,

    /// <summary>The gateway charges, then the answer is lost (a time-out after the charge).</summary>
    AnswerLostAfterCharging,

    /// <summary>The request never reaches the gateway (a time-out before the charge).</summary>
    NeverReached,

    /// <summary>The gateway takes the request and hangs, charging nothing, until the caller gives up (a stalled connection).</summary>
    Stalls,
}

/// <summary>The real Sandbox gateway with faults injected into charges on demand.</summary>
public sealed class FaultyGateway(SandboxGateway inner) : IPaymentGateway
{
    /// <summary>The fault for one-click (off-session) charges.</summary>
    public ChargeFault OffSessionFault { get; set; }

    /// <summary>The fault for checkout (on-session) charges.</summary>
    public ChargeFault OnSessionFault { get; set; }

    public string Name => inner.Name;

    public Task<SavedCard?> DescribePaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken) =>
        inner.DescribePaymentMethodAsync(paymentMethodId, cancellationToken);

    public Task<GatewayCustomer> CreateCustomerAsync(CreateCustomerRequest request, CancellationToken cancellationToken) =>
        inner.CreateCustomerAsync(request, cancellationToken);

    public async Task<PaymentResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var fault = request.OffSession ? OffSessionFault : OnSessionFault;
        if (fault == ChargeFault.NeverReached) throw new GatewayUnavailableException("Injected: the request never reached the gateway.");
        if (fault == ChargeFault.Stalls)
        {
            Interlocked.Increment(ref _stalled);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        var result = await inner.ChargeAsync(request, cancellationToken);
        if (fault == ChargeFault.AnswerLostAfterCharging) throw new GatewayUnavailableException("Injected: the answer was lost after charging.");
        return result;
    }

    public Task<PaymentResult?> FindPaymentByIdempotencyKeyAsync(string idempotencyKey, DateTimeOffset recordedAt, CancellationToken cancellationToken) =>
        inner.FindPaymentByIdempotencyKeyAsync(idempotencyKey, recordedAt, cancellationToken);

    public Task<PaymentResult> GetPaymentAsync(string paymentId, CancellationToken cancellationToken) =>
        inner.GetPaymentAsync(paymentId, cancellationToken);

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
        inner.RefundAsync(request, cancellationToken);

    public Task<RefundResult> GetRefundAsync(string refundId, CancellationToken cancellationToken) =>
        inner.GetRefundAsync(refundId, cancellationToken);

    public Task<IReadOnlyList<RefundResult>> ListRefundsAsync(string paymentId, CancellationToken cancellationToken) =>
        inner.ListRefundsAsync(paymentId, cancellationToken);

    /// <summary>Detaching can fail like any call: <see cref="DetachUnavailable"/> makes the gateway unreachable for it.</summary>
    public Task DetachPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken) =>
        DetachUnavailable ? throw new GatewayUnavailableException("The gateway is unreachable (test fault).") : inner.DetachPaymentMethodAsync(paymentMethodId, cancellationToken);

    public bool DetachUnavailable { get; set; }

    /// <summary>Calls that have stalled so far (<see cref="ChargeFault.Stalls"/>).</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    private int _stalled;
}
