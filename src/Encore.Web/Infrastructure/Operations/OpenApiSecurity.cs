using Encore.Web.Features.Sellers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// What the OpenAPI document says about who may call what: the two bearer credentials as security schemes, each
/// operation's requirement read from its endpoint (the seller API's authorization policy, the buyer's session routes),
/// <c>[{}]</c> (anyone) on the public ones, the server URL without a trailing slash and a description for each tag.
/// Checked by <c>redocly lint</c> with its recommended rules (ApiReferenceTests).
/// </summary>
public static class OpenApiSecurity
{
    /// <summary>A seller's API key (<c>/seller/api-keys</c>), sent as <c>Authorization: Bearer enc_sk_…</c>.</summary>
    public const string SellerApiKey = "sellerApiKey";

    /// <summary>The buyer's session token from <c>POST /api/v1/checkouts</c>, sent as <c>Authorization: Bearer</c> with <c>current</c> as <c>{token}</c>.</summary>
    public const string BuyerSession = "buyerSession";

    private const string BuyerSessionRoute = "api/v1/offers/{token}";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Checkout"] = "A published funnel and its checkout: no credential; the client never sends a price.",
        ["Offers"] = "The buyer's post-purchase path: the current offer, one-click accept, decline, the order. Authenticated by the session token from the checkout.",
        ["Seller"] = "Products, prices, deliverables, funnels, analytics and the signing secret, with a seller API key.",
        ["Seller orders"] = "Orders, refunds and consent records, with a seller API key.",
        ["Seller subscriptions"] = "Subscriptions, their changes and analytics, with a seller API key.",
        ["Seller erase requests"] = "Buyers' requests to erase their data, with a seller API key.",
        ["Seller audit log"] = "Who did what for the seller (refunds, keys, webhooks, the team, buyers' data), with a seller API key.",
    };

    public static OpenApiOptions AddEncoreSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SellerApiKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "enc_sk_…",
                Description = "A seller API key, created on the seller's API keys page (/seller/api-keys) and shown once: " +
                              "`Authorization: Bearer enc_sk_…`. Every seller endpoint acts for the key's seller only.",
            };
            document.Components.SecuritySchemes[BuyerSession] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "session token",
                Description = "The `sessionToken` that `POST /api/v1/checkouts` answered: send `current` as `{token}` and the token as " +
                              "`Authorization: Bearer <token>`, which keeps it out of URLs (or put the token itself in the path and send no header).",
            };
            foreach (var server in document.Servers ?? [])
                if (server.Url is { Length: > 1 } url && url.EndsWith('/')) server.Url = url.TrimEnd('/');
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                if (tag.Name is { } name && tag.Description is null && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (policies.Contains(SellerAuth.ApiPolicy) && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [Requirement(SellerApiKey, context.Document)];
            }
            else if (context.Description.RelativePath?.StartsWith(BuyerSessionRoute, StringComparison.Ordinal) == true)
            {
                // The bearer header with `current` in the path, or the token in the path and no header.
                operation.Security = [Requirement(BuyerSession, context.Document), new OpenApiSecurityRequirement()];
            }
            else if (policies.Count == 0)
            {
                operation.Security = [new OpenApiSecurityRequirement()]; // anyone
            }
            // Any other policy is a credential this document does not describe yet: no requirement is written, which
            // redocly lint (and ApiReferenceTests) refuse, rather than a wrong one or a document that fails to render.
            return Task.CompletedTask;
        });
        return options;
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };
}
