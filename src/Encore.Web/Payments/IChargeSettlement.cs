using Encore.Web.Data.Entities;

namespace Encore.Web.Payments;

/// <summary>
/// Records a gateway's answer for one kind of charge (checkout, one-click offer, renewal), in one transaction, each
/// move conditional on the charge still being open, so the same answer applied twice changes things once. The
/// features implement it and register it keyed by its <see cref="ChargeKind"/>; <see cref="Charges"/> and the
/// <see cref="Reconciler"/> call it without knowing the kind.
/// </summary>
public interface IChargeSettlement
{
    Task ApplyAsync(Charge charge, PaymentResult result, CancellationToken cancellationToken);
}
