using Encore.Web.Payments.Sandbox;
using Encore.Web.Payments.Stripe;

namespace Encore.Web.Payments;

public static class PaymentsRegistration
{
    /// <summary>
    /// The payment gateway: Stripe when ENCORE_STRIPE_SECRET_KEY is set (its key mode checked against the
    /// environment), the built-in Sandbox otherwise. The Sandbox stays registered either way for its own pages.
    /// </summary>
    public static IServiceCollection AddEncorePayments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton<SandboxGateway>();
        services.AddSingleton(PaymentMode.From(configuration));
        if (PaymentMode.ProductionRefusal(configuration, environment) is { } refusal) throw new InvalidOperationException(refusal);
        var stripe = StripeSettings.From(configuration);
        if (stripe is null)
        {
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxGateway>());
            return services;
        }
        stripe.EnsureKeyModeFits(configuration, environment);
        services.AddSingleton(stripe);
        services.AddSingleton<StripeGateway>(sp => new StripeGateway(sp.GetRequiredService<StripeSettings>(), logger: sp.GetRequiredService<ILogger<StripeGateway>>()));
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<StripeGateway>());
        return services;
    }
}
