using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Sellers.Audit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Webhooks;

public sealed record DeliveryLogEntry(WebhookDelivery Delivery, string EventType, IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>A seller's webhook endpoints and their delivery logs; every query is scoped by seller.</summary>
public sealed class WebhookEndpoints(EncoreDbContext db, IDataProtectionProvider protection, TimeProvider clock, WebhookNetworkSettings network)
{
    /// <summary>
    /// https to a public host; http, and loopback or private addresses, only where the network settings allow private
    /// networks (Development). Null when fine, else why not. A name is not resolved here: the dispatcher checks the
    /// address it dials on every delivery (a name can point elsewhere tomorrow).
    /// </summary>
    public string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
            return "Enter the full URL of your endpoint, e.g. https://example.com/hooks/encore.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The URL must not contain a user name or password.";
        if (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && network.AllowPrivateNetworks) return null;
        if (uri.Scheme != Uri.UriSchemeHttps)
            return network.AllowPrivateNetworks
                ? "The URL must start with https:// (http:// is allowed only for localhost while developing)."
                : "The URL must start with https://.";
        if (network.AllowPrivateNetworks) return null;
        if (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
            (System.Net.IPAddress.TryParse(uri.IdnHost, out var address) && !WebhookNetwork.IsPublic(address)))
            return "The URL must point to a public address: webhooks are not sent to localhost or private networks.";
        return null;
    }

    public Task<List<WebhookEndpoint>> ListAsync(Guid sellerId, CancellationToken cancellationToken) =>
        db.WebhookEndpoints.AsNoTracking().Where(e => e.SellerId == sellerId).OrderBy(e => e.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Creates an endpoint and returns it with its secret, the only time the secret is shown.</summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> CreateAsync(AuditActor actor, string url, IEnumerable<string> events, CancellationToken cancellationToken)
    {
        var sellerId = actor.SellerId;
        var secret = WebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(),
            SellerId = sellerId,
            Url = url.Trim(),
            SecretProtected = protection.CreateProtector(WebhookSignature.ProtectorPurpose).Protect(secret),
            Events = events.Where(WebhookOutbox.Types.Contains).Distinct().ToList(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.WebhookEndpoints.Add(endpoint);
        AuditLog.Add(db, actor, endpoint.CreatedAt, AuditActions.WebhookEndpointAdded, endpoint.Id.ToString(), new { endpoint.Url, endpoint.Events });
        await db.SaveChangesAsync(cancellationToken); // one transaction: the endpoint and its entry
        return (endpoint, secret);
    }

    public Task<WebhookEndpoint?> FindAsync(Guid sellerId, Guid endpointId, CancellationToken cancellationToken) =>
        db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId && e.SellerId == sellerId, cancellationToken);

    /// <summary>Disables (removes) the endpoint, audited; true when it is disabled now, false when the seller has no such endpoint.</summary>
    public async Task<bool> DisableAsync(AuditActor actor, Guid endpointId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sellerId = actor.SellerId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var url = await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.SellerId == sellerId).Select(e => e.Url).FirstOrDefaultAsync(cancellationToken);
        if (url is null) return false;
        if (await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.SellerId == sellerId && e.DisabledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.DisabledAt, now), cancellationToken) == 1)
        {
            AuditLog.Add(db, actor, now, AuditActions.WebhookEndpointRemoved, endpointId.ToString(), new { url });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return true; // disabled before: nothing changed, nothing recorded
    }

    public async Task<List<DeliveryLogEntry>> DeliveriesAsync(Guid sellerId, Guid endpointId, CancellationToken cancellationToken, int take = 100)
    {
        var deliveries = await (
                from d in db.WebhookDeliveries.AsNoTracking()
                join e in db.WebhookEvents on d.EventId equals e.Id
                where d.EndpointId == endpointId && d.SellerId == sellerId
                orderby d.CreatedAt descending
                select new { Delivery = d, e.Type })
            .Take(take)
            .ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Delivery.Id).ToList();
        var attempts = await db.WebhookAttempts.AsNoTracking()
            .Where(a => ids.Contains(a.DeliveryId) && a.SellerId == sellerId)
            .OrderBy(a => a.AttemptedAt)
            .ToListAsync(cancellationToken);
        var byDelivery = attempts.ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => new DeliveryLogEntry(d.Delivery, d.Type, byDelivery[d.Delivery.Id].ToList())).ToList();
    }

    /// <summary>Queues a delivery again (same event, same event id), due now. False when it is not this seller's on this endpoint.</summary>
    public async Task<bool> RedeliverAsync(Guid sellerId, Guid endpointId, Guid deliveryId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.EndpointId == endpointId && d.SellerId == sellerId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now), cancellationToken) == 1;
    }
}
