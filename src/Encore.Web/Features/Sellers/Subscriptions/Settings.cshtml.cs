using Encore.Web.Data;
using Encore.Web.Features.Subscriptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Encore.Web.Features.Sellers.Subscriptions;

/// <summary>The seller's failed-payment (dunning) and reminder settings; nothing is saved unless every field is right.</summary>
public sealed class SettingsModel(EncoreDbContext db, TimeProvider clock) : PageModel
{
    public DunningSettingsForm Form { get; private set; } = null!;
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [FromQuery(Name = "saved")] public bool Saved { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Form = DunningSettingsForm.From(await DunningPolicy.ForSellerAsync(db, User.SellerId(), cancellationToken));
    }

    public async Task<IActionResult> OnPostAsync(
        string? retryDays, string? afterLastRetry, string? trialReminderDays, string? yearlyReminderDays, CancellationToken cancellationToken)
    {
        Form = new DunningSettingsForm(retryDays, afterLastRetry, trialReminderDays, yearlyReminderDays);
        var (settings, errors) = Form.Validate(User.SellerId(), clock.GetUtcNow());
        if (settings is null)
        {
            Errors = errors;
            Saved = false;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await DunningSettingsForm.SaveAsync(db, settings, cancellationToken);
        return Redirect("/seller/subscriptions/settings?saved=true");
    }
}
