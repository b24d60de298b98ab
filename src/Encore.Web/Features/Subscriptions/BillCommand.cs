using System.Globalization;
using Encore.Web.Data;
using Encore.Web.Infrastructure;
using Encore.Web.Payments;
using Encore.Web.Payments.Sandbox;

namespace Encore.Web.Features.Subscriptions;

/// <summary>
/// <c>dotnet run --project src/Encore.Web -- bill [--as-of 2027-01-08T09:00:00Z]</c>: runs reminders, renewals and
/// dunning once, then settles what the gateway left unanswered. With <c>--as-of</c> it runs as if it were that time
/// (refused in Production, and with any gateway but the Sandbox), so a seller can watch a subscription's year in a minute.
/// </summary>
public static class BillCommand
{
    public const string Name = "bill";

    /// <summary>The moment <c>--as-of</c> names; null when absent. Throws with a readable message when it is malformed.</summary>
    public static DateTimeOffset? AsOf(string[] args)
    {
        var index = Array.IndexOf(args, "--as-of");
        if (index < 0) return null;
        if (index + 1 >= args.Length || !DateTimeOffset.TryParse(args[index + 1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var asOf))
            throw new ArgumentException("--as-of takes a date and time, e.g. --as-of 2027-01-08T09:00:00Z.");
        return asOf;
    }

    /// <summary>Puts the clock at <c>--as-of</c>, before the app is built.</summary>
    /// <returns>Why the command is refused (a malformed time, or time travel in Production); null when it may run.</returns>
    public static string? UseClock(WebApplicationBuilder builder, string[] args)
    {
        DateTimeOffset? asOf;
        try
        {
            asOf = AsOf(args);
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        if (asOf is null) return null;
        if (builder.Environment.IsProduction())
            return "bill --as-of is refused in Production: time travel is for trying things out on the Sandbox (ASPNETCORE_ENVIRONMENT=Development).";
        builder.Services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(asOf.Value));
        return null;
    }

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        await DatabaseSetup.MigrateAsync(app.Services, CancellationToken.None);
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (AsOf(args) is not null && services.GetRequiredService<IPaymentGateway>() is not SandboxGateway)
        {
            Console.Error.WriteLine("bill --as-of runs only with the Sandbox gateway: a real gateway's cards must not be charged ahead of time.");
            return 2;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var summary = await services.GetRequiredService<BillingRun>().RunOnceAsync(CancellationToken.None);
        var settled = await services.GetRequiredService<Reconciler>().RunOnceAsync(CancellationToken.None);
        Console.WriteLine($"Billing as of {now:yyyy-MM-dd HH:mm:ss} UTC: {summary.Charged} payment(s) attempted, {summary.Reminded} reminder(s) queued, " +
                          $"{summary.Ended} subscription(s) ended at their period's end, {settled} open charge(s) settled.");
        return 0;
    }
}
