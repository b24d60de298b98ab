namespace Encore.Web.Payments.Stripe;

/// <summary>Stripe's keys and where to reach it, read from the environment (ENCORE_STRIPE_*).</summary>
public sealed record StripeSettings
{
    public required string SecretKey { get; init; }
    public string? PublishableKey { get; init; }
    public string? WebhookSecret { get; init; }

    /// <summary>Stripe's API address; only changed for tests (a fake Stripe on loopback).</summary>
    public string? ApiBase { get; init; }

    /// <summary>How often Stripe.net retries a call that failed on the network (always with the same idempotency key).</summary>
    public int MaxNetworkRetries { get; init; } = 2;

    public bool IsTestKey => SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_test_", StringComparison.Ordinal);
    public bool IsLiveKey => SecretKey.StartsWith("sk_live_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_live_", StringComparison.Ordinal);

    /// <summary>The settings when ENCORE_STRIPE_SECRET_KEY is set; null otherwise (the Sandbox gateway is used).</summary>
    public static StripeSettings? From(IConfiguration configuration)
    {
        var secret = configuration["ENCORE_STRIPE_SECRET_KEY"];
        if (string.IsNullOrWhiteSpace(secret)) return null;
        return new StripeSettings
        {
            SecretKey = secret.Trim(),
            PublishableKey = NullIfEmpty(configuration["ENCORE_STRIPE_PUBLISHABLE_KEY"]),
            WebhookSecret = NullIfEmpty(configuration["ENCORE_STRIPE_WEBHOOK_SECRET"]),
            ApiBase = NullIfEmpty(configuration["ENCORE_STRIPE_API_BASE"]),
            MaxNetworkRetries = configuration.GetValue("ENCORE_STRIPE_MAX_NETWORK_RETRIES", 2),
        };
    }

    /// <summary>
    /// Production takes only a live key, everything else only a test key, unless
    /// ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH=true: a test key in production takes no money, and a live key on a
    /// developer's machine takes real money.
    /// </summary>
    public void EnsureKeyModeFits(IConfiguration configuration, IHostEnvironment environment)
    {
        if (PublishableKey is { } publishable &&
            (publishable.StartsWith("pk_test_", StringComparison.Ordinal) != IsTestKey || publishable.StartsWith("pk_live_", StringComparison.Ordinal) != IsLiveKey))
            throw new InvalidOperationException(
                "ENCORE_STRIPE_PUBLISHABLE_KEY and ENCORE_STRIPE_SECRET_KEY are not of the same mode (pk_test_ goes with sk_test_, pk_live_ with sk_live_).");
        if (configuration.GetValue("ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH", false)) return;
        if (environment.IsProduction() && !IsLiveKey)
            throw new InvalidOperationException(
                "ENCORE_STRIPE_SECRET_KEY is not a live key (sk_live_…) but the environment is Production: a test key takes no real money. " +
                "Use a live key, or set ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH=true if this is deliberate.");
        if (!environment.IsProduction() && !IsTestKey)
            throw new InvalidOperationException(
                $"ENCORE_STRIPE_SECRET_KEY is not a test key (sk_test_…) but the environment is {environment.EnvironmentName}: a live key takes real money. " +
                "Use a test key, or set ENCORE_STRIPE_ALLOW_KEY_MODE_MISMATCH=true if this is deliberate.");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
