using Encore.Web.Payments.Stripe;

namespace Encore.Web.Payments;

/// <summary>
/// Whether the gateway Encore runs on takes real money: only Stripe with a live key does. The Sandbox and Stripe's
/// test mode take none, and then every buyer and seller page shows a "Test mode: no real money" banner, every webhook
/// carries <c>"livemode": false</c> and every mail says so (docs/decisions/0013-…).
/// </summary>
public sealed record PaymentMode(bool IsLive, string Gateway)
{
    public const string AllowSandboxInProduction = "ENCORE_ALLOW_SANDBOX_IN_PRODUCTION";

    /// <summary>What the banner and the mails say when no real money is taken.</summary>
    public const string TestModeNotice = "Test mode: no real money.";

    public string TestModeExplanation => Gateway == "sandbox"
        ? "This shop runs on Encore's Sandbox payment gateway: no card is charged and nothing bought here is paid for."
        : "This shop runs on Stripe's test mode: no card is charged and nothing bought here is paid for.";

    public static PaymentMode From(IConfiguration configuration) =>
        StripeSettings.From(configuration) is { } stripe ? new PaymentMode(stripe.IsLiveKey, "stripe") : new PaymentMode(false, "sandbox");

    /// <summary>
    /// Why this start must not go on, or null: Production without Stripe's keys would take orders through the Sandbox,
    /// where anyone "pays" with a test card, unless the operator says <c>ENCORE_ALLOW_SANDBOX_IN_PRODUCTION=true</c>.
    /// </summary>
    public static string? ProductionRefusal(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction() || StripeSettings.From(configuration) is not null) return null;
        if (configuration.GetValue(AllowSandboxInProduction, false)) return null;
        return "Refusing to start: ASPNETCORE_ENVIRONMENT is Production but no payment gateway is configured " +
               "(ENCORE_STRIPE_SECRET_KEY is not set), so orders would be taken through the Sandbox gateway, which takes no real money: " +
               "anyone could \"pay\" with a test card and receive what they bought. " +
               "Set ENCORE_STRIPE_SECRET_KEY=sk_live_… and ENCORE_STRIPE_PUBLISHABLE_KEY=pk_live_… (and ENCORE_STRIPE_WEBHOOK_SECRET), " +
               $"or set {AllowSandboxInProduction}=true to run a test shop in Production on purpose (every page, mail and webhook then says it is in test mode).";
    }
}
