using Scalar.AspNetCore;

namespace Encore.Web.Infrastructure.Operations;

/// <summary>
/// The browsable API reference (Scalar) at <c>/api</c>, over the OpenAPI document at <c>/openapi/v1.json</c>. Its
/// script and styles are served by Encore itself (no CDN, no web fonts); "try it" sends requests from the browser to
/// this same Encore, with the seller API key (or a buyer's session token) typed into its authentication box, which is
/// kept only for the page's life.
/// </summary>
public static class ApiReference
{
    public const string Path = "/api";

    public static IEndpointRouteBuilder MapEncoreApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
                .WithTitle("Encore API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument("v1", "Encore API")
                .DisableDefaultFonts()
                // Nothing on the page talks to Scalar's own services (the CSP below would refuse it anyway).
                .HideDeveloperTools()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .WithNonce()
                .AddPreferredSecuritySchemes(OpenApiSecurity.SellerApiKey)
                .AddHttpAuthentication(OpenApiSecurity.SellerApiKey, scheme => scheme.Token = "")
                .AddHttpAuthentication(OpenApiSecurity.BuyerSession, scheme => scheme.Token = ""))
            .WithMetadata(new ApiReferencePolicy())
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The page's policy: Encore's own with Scalar's script tags allowed by their per-request nonce, inline styles (Scalar
    /// sets styles from script) and connections to this origin only (the document and "try it").
    /// </summary>
    private sealed class ApiReferencePolicy : IContentSecurityPolicy
    {
        public string For(HttpContext context)
        {
            var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] as string;
            var scripts = nonce is null ? "'self'" : $"'self' 'nonce-{nonce}'";
            return $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
                   "connect-src 'self'; worker-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
        }
    }
}
