using System.Net;
using System.Text.RegularExpressions;
using Encore.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Tests;

public abstract partial class SellerPagesTests<TApp>
{
    [Fact]
    public async Task The_editor_saves_the_whole_draft_with_one_save_and_a_remove_keeps_the_other_edits()
    {
        var (seller, _) = await app.SignUpAsync();
        var course = await AddProductAsync(seller, "Deep Sleep Course", "sleep", "47");
        var program = await AddProductAsync(seller, "Sleep audio program", "sleep", "97");
        var starter = await AddProductAsync(seller, "Sleep audio starter", "sleep", "37");
        var journal = await AddProductAsync(seller, "Sleep journal", "sleep", "9");
        var newPage = await FormPage.GetAsync(seller, "/seller/funnels/new");
        var editorUrl = (await newPage.PostAsync(seller, "/seller/funnels/new", ("Name", "Deep Sleep"), ("Slug", $"one-{Guid.NewGuid():N}"[..16]), ("MainPriceId", course.ToString()))).Headers.Location!.OriginalString;
        var funnelId = Guid.Parse(editorUrl.Split('/').Last());

        // One form, one Save, and a script that asks before leaving unsaved edits.
        var draft = await EditorForm.OpenAsync(seller, editorUrl);
        Assert.Single(Regex.Matches(draft.Html, "<form[^>]*id=\"draft\""));
        Assert.Single(Regex.Matches(draft.Html, ">Save draft</button>\\s*<span"));
        Assert.DoesNotMatch("handler=(settings|step|addStep|bump|addBump|entry)\"", draft.Html);
        Assert.Contains("data-unsaved-warning", draft.Html);
        Assert.Contains("beforeunload", await app.CreateClient().GetStringAsync("/js/seller.js"));

        // Edits to the checkout, a new bump and a new step: one POST saves them all.
        var first = await draft.Set("name", "Deep Sleep, better").Set("windowMinutes", "45").Set("mainDescription", "Seven nights.")
            .Set("bump-0-price", journal.ToString()).Set("bump-0-description", "Add the journal")
            .Set("new-step-id", "program").Set("new-step-price", program.ToString()).Set("new-step-headline", "Add the audio program")
            .SubmitAsync(seller);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var saved = await DraftAsync(funnelId);
        Assert.Equal(("Deep Sleep, better", 45, "Seven nights.", "Add the journal"), (saved.Name, saved.WindowMinutes, saved.Main!.Description, saved.Bumps![0].Description));
        Assert.Equal(("program", "Add the audio program", "program"), (saved.Steps![0]!.Id, saved.Steps[0]!.Headline, saved.EntryStepId));
        Assert.Contains("<div class=\"notice success\" role=\"status\">Saved.</div>", (await FormPage.GetAsync(seller, editorUrl)).Html);

        // Renaming a step, editing the bump and the window, and adding a downsell in one POST: the first offer follows the rename.
        draft = await EditorForm.OpenAsync(seller, editorUrl);
        var second = await draft.Set("step-0-id", "audio").Set("step-0-headline", "The whole program").Set("windowMinutes", "60")
            .Set("bump-0-description", "Add the sleep journal")
            .Set("new-step-id", "starter").Set("new-step-price", starter.ToString()).Set("new-step-accept", "program")
            .SubmitAsync(seller);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        saved = await DraftAsync(funnelId);
        Assert.Equal(60, saved.WindowMinutes);
        Assert.Equal("Add the sleep journal", saved.Bumps![0].Description);
        Assert.Equal(["audio", "starter"], saved.Steps!.Select(s => s!.Id));
        Assert.Equal(("The whole program", "audio", "audio"), (saved.Steps![0]!.Headline, saved.Steps[1]!.OnAccept, saved.EntryStepId));

        // Removing a step saves the edits made beside it.
        draft = await EditorForm.OpenAsync(seller, editorUrl);
        var removed = await draft.Set("step-0-headline", "Thirty nights of audio").Set("name", "Deep Sleep").SubmitAsync(seller, "remove-step:1");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        saved = await DraftAsync(funnelId);
        Assert.Equal(("Deep Sleep", "Thirty nights of audio"), (saved.Name, saved.Steps!.Single()!.Headline));

        // A refused save stores nothing and shows what was typed, next to the reason.
        draft = await EditorForm.OpenAsync(seller, editorUrl);
        var refused = await draft.Set("step-0-headline", "Kept on the page").Set("step-0-decline", "nowhere").SubmitAsync(seller);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("There is no step named", page);
        Assert.Contains("value=\"Kept on the page\"", page);
        Assert.Equal("Thirty nights of audio", (await DraftAsync(funnelId)).Steps!.Single()!.Headline);
    }

    private Task<Encore.Web.Features.Sellers.Funnels.FunnelDefinitionDto> DraftAsync(Guid funnelId) => app.QueryAsync(async db =>
    {
        var funnel = await db.Funnels.AsNoTracking().SingleAsync(f => f.Id == funnelId);
        var version = await db.FunnelVersions.AsNoTracking().Include(v => v.Steps).Include(v => v.Bumps)
            .Where(v => v.FunnelId == funnelId).OrderByDescending(v => v.Number).FirstAsync();
        return Encore.Web.Features.Sellers.Funnels.FunnelDrafts.ToDefinition(funnel, version);
    });
}
