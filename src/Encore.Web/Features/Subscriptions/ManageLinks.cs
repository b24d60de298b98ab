using Encore.Web.Infrastructure;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// The buyer's key to one subscription's "Manage your subscription" page: a link signed and encrypted with the app's
/// data-protection keys (kept in the database, so every instance reads every link), single purpose (it opens that
/// page for that subscription and nothing else), expiring after <see cref="Lifetime"/>. Every mail carries a fresh one;
/// an expired link is refreshed by entering the e-mail address on <c>/s</c>. Nothing is stored per link.
/// </summary>
public sealed class ManageLinks(SignedLinks links)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(45);

    private const string Purpose = "Encore.Subscriptions.Manage.v1";

    /// <summary>Where links point: <c>Encore:PublicUrl</c> (ENCORE_PUBLIC_URL), e.g. https://shop.example.com.</summary>
    public string PublicUrl => links.PublicUrl;

    public string TokenFor(Guid subscriptionId) => links.Protect(Purpose, links.Now + Lifetime, subscriptionId);

    public string UrlFor(Guid subscriptionId) => $"{PublicUrl}/s/{TokenFor(subscriptionId)}";

    /// <summary>The subscription a link opens; <see cref="LinkCheck.Expired"/> or <see cref="LinkCheck.Invalid"/> otherwise.</summary>
    public (LinkCheck Check, Guid SubscriptionId) Read(string? token) =>
        links.Read(Purpose, token, 1) is var (check, ids) && check != LinkCheck.Invalid ? (check, ids[0]) : (LinkCheck.Invalid, Guid.Empty);
}
