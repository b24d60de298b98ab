using System.Globalization;
using Encore.Web.Data;
using Encore.Web.Data.Entities;
using Encore.Web.Features.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>
/// The seller's failed-payment and reminder settings as the settings page's form sends them: retry days as
/// "1, 3, 5, 7", what happens after the last retry (<c>cancel</c> or <c>pause</c>), and the reminder leads in days.
/// </summary>
public sealed record DunningSettingsForm(string? RetryDays, string? AfterLastRetry, string? TrialReminderDays, string? YearlyReminderDays)
{
    public const int MaxTrialReminderDays = 30;
    public const int MaxYearlyReminderDays = DunningPolicy.MaxReminderDays;

    public static DunningSettingsForm From(DunningSettings settings) => new(
        string.Join(", ", settings.Retries()),
        settings.PauseAfterLastRetry ? "pause" : "cancel",
        settings.TrialReminderDays.ToString(CultureInfo.InvariantCulture),
        settings.YearlyReminderDays.ToString(CultureInfo.InvariantCulture));

    /// <summary>The settings to save, or, field by field, what is wrong in words the seller can act on.</summary>
    public (DunningSettings? Settings, Dictionary<string, string[]> Errors) Validate(Guid sellerId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var retries = DunningSettings.ParseRetryDays(RetryDays);
        if (retries is null)
            errors["retryDays"] = ["Enter 1 to 10 days after the first failure, smallest first, separated by commas, each from 1 to 60: for example 1, 3, 5, 7."];
        var pause = AfterLastRetry switch { "pause" => (bool?)true, "cancel" => false, _ => null };
        if (pause is null) errors["afterLastRetry"] = ["Choose whether to cancel or to pause the subscription after the last retry."];
        var trial = Days(TrialReminderDays, MaxTrialReminderDays);
        if (trial is null) errors["trialReminderDays"] = [$"Enter a whole number of days from 0 (no reminder) to {MaxTrialReminderDays}."];
        var yearly = Days(YearlyReminderDays, MaxYearlyReminderDays);
        if (yearly is null) errors["yearlyReminderDays"] = [$"Enter a whole number of days from 0 (no reminder) to {MaxYearlyReminderDays}."];
        if (errors.Count > 0) return (null, errors);
        return (new DunningSettings
        {
            SellerId = sellerId,
            RetryDays = string.Join(",", retries!),
            PauseAfterLastRetry = pause!.Value,
            TrialReminderDays = trial!.Value,
            YearlyReminderDays = yearly!.Value,
            UpdatedAt = now,
        }, errors);
    }

    /// <summary>Writes the seller's one <c>dunning_settings</c> row: updates it, or inserts it the first time (a concurrent first save updates instead).</summary>
    public static async Task SaveAsync(EncoreDbContext db, DunningSettings settings, CancellationToken cancellationToken)
    {
        if (await UpdateAsync(db, settings, cancellationToken) > 0) return;
        db.DunningSettings.Add(settings);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            await UpdateAsync(db, settings, cancellationToken);
        }
    }

    private static Task<int> UpdateAsync(EncoreDbContext db, DunningSettings settings, CancellationToken cancellationToken) =>
        db.DunningSettings.Where(d => d.SellerId == settings.SellerId)
            .ExecuteUpdateAsync(d => d
                .SetProperty(x => x.RetryDays, settings.RetryDays)
                .SetProperty(x => x.PauseAfterLastRetry, settings.PauseAfterLastRetry)
                .SetProperty(x => x.TrialReminderDays, settings.TrialReminderDays)
                .SetProperty(x => x.YearlyReminderDays, settings.YearlyReminderDays)
                .SetProperty(x => x.UpdatedAt, settings.UpdatedAt), cancellationToken);

    private static int? Days(string? text, int max) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= max ? days : null;
}
