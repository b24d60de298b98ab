using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Encore.Web.Infrastructure;

/// <summary>
/// Per-client limits on the requests worth abusing: placing orders, one-click accepts, seller sign-in and buyers'
/// sign-in links (asking for one and using one; each address is limited on its own as well, see <c>BuyerSignIns</c>).
/// Each client address gets a fixed window; only POSTs count (reading a page is never limited). A refused
/// request answers 429 with <c>Retry-After</c>, problem details on the API and a readable page elsewhere,
/// and changes nothing. The limiter is per instance: it blunts abuse, it is not needed for correctness.
/// </summary>
public static class RateLimits
{
    public const string Checkout = "checkout";
    public const string Accept = "offer-accept";
    public const string SignIn = "seller-sign-in";
    public const string BuyerSignIn = "buyer-sign-in";

    public static IServiceCollection AddEncoreRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:RateLimits");
        var enabled = section.GetValue("Enabled", true);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
                {
                    await Results.Problem(statusCode: 429, title: "Too many requests",
                        detail: $"Too many requests from this client. Nothing was done; try again in {seconds} seconds.",
                        extensions: new Dictionary<string, object?> { ["code"] = "rate_limited" }).ExecuteAsync(context.HttpContext);
                }
                else
                {
                    response.ContentType = "text/html; charset=utf-8";
                    await response.WriteAsync(
                        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many attempts</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>" +
                        $"<body><main class=\"page\"><div class=\"card\"><h1>Too many attempts</h1><p>Nothing was done. Please wait {seconds} seconds and try again.</p></div></main></body></html>",
                        cancellationToken);
                }
            };
            Add(options, Checkout, enabled, section.GetValue("CheckoutPerMinute", 20));
            Add(options, Accept, enabled, section.GetValue("AcceptPerMinute", 60));
            Add(options, SignIn, enabled, section.GetValue("SignInPerMinute", 10));
            Add(options, BuyerSignIn, enabled, section.GetValue("BuyerSignInPerMinute", 10));
        });
        return services;
    }

    private static void Add(RateLimiterOptions options, string name, bool enabled, int perMinute) =>
        options.AddPolicy(name, context =>
        {
            if (!enabled || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                return RateLimitPartition.GetNoLimiter("free");
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter($"{name}:{client}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
}
