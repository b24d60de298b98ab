namespace Encore.Web.Infrastructure;

/// <summary>
/// Headers every response carries. Offer tokens live in URLs, so no page may leak its address in a
/// Referer; buyer pages load no inline script, so the CSP can forbid it.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    /// <summary>Pages that run Stripe.js (only when Stripe is the gateway) set this item to get <see cref="StripeContentSecurityPolicy"/>.</summary>
    public const string StripeJsItem = "Encore.StripeJs";

    /// <summary>A response that needs a stricter policy of its own (a mail shown sandboxed) puts it under this item.</summary>
    public const string PolicyItem = "Encore.ContentSecurityPolicy";

    /// <summary>Stripe's published CSP needs for Stripe.js: its script, its frames (3-D Secure), its API.</summary>
    public const string StripeContentSecurityPolicy =
        "default-src 'self'; script-src 'self' https://js.stripe.com; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self' https://api.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    /// <remarks>
    /// Set when the response starts, not when the request arrives: the API's exception handler clears the
    /// headers before it writes a problem (a malformed body), and those answers need them as much as any.
    /// </remarks>
    public static IApplicationBuilder UseEncoreSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers["Referrer-Policy"] = "no-referrer";
                headers["X-Content-Type-Options"] = "nosniff";
                headers["X-Frame-Options"] = "DENY";
                headers["Content-Security-Policy"] =
                    http.Items[PolicyItem] as string
                    ?? (http.GetEndpoint()?.Metadata.GetMetadata<IContentSecurityPolicy>() is { } own ? own.For(http)
                    : http.Items.ContainsKey(StripeJsItem) ? StripeContentSecurityPolicy
                    : ContentSecurityPolicy);
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
}

/// <summary>Endpoint metadata for a page that needs a policy of its own (the API reference's nonce); every other header stays.</summary>
public interface IContentSecurityPolicy
{
    string For(HttpContext context);
}
