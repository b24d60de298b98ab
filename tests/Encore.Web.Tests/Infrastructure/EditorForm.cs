using System.Net;
using System.Text.RegularExpressions;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// The funnel editor's one form as a browser posts it: every field in page order with what the page shows, changed
/// where the test types (by the field's id), plus the button pressed.
/// </summary>
public sealed partial class EditorForm
{
    private readonly List<(string? Id, string Name, string Value)> _fields;
    private readonly FormPage _page;
    private readonly string _url;

    private EditorForm(FormPage page, string url)
    {
        _page = page;
        _url = url;
        var form = Regex.Match(page.Html, "<form[^>]*id=\"draft\".*?</form>", RegexOptions.Singleline).Value;
        if (form.Length == 0) throw new InvalidOperationException("No draft form on the page.");
        _fields = Field().Matches(form).Select(m =>
        {
            var attributes = m.Groups["attributes"].Value;
            string? Attribute(string name) => Regex.Match(attributes, $"\\b{name}=\"([^\"]*)\"") is { Success: true } a ? WebUtility.HtmlDecode(a.Groups[1].Value) : null;
            var value = m.Groups["tag"].Value switch
            {
                "textarea" => WebUtility.HtmlDecode(m.Groups["inner"].Value),
                "select" => Regex.Match(m.Groups["inner"].Value, "<option value=\"([^\"]*)\"[^>]*selected") is { Success: true } s
                    ? WebUtility.HtmlDecode(s.Groups[1].Value)
                    : Regex.Match(m.Groups["inner"].Value, "<option value=\"([^\"]*)\"") is { Success: true } first ? WebUtility.HtmlDecode(first.Groups[1].Value) : "",
                _ => Attribute("value") ?? "",
            };
            return (Attribute("id"), Attribute("name") ?? "", value);
        }).Where(f => f.Item2.Length > 0 && f.Item2 != "__RequestVerificationToken").ToList();
    }

    public static async Task<EditorForm> OpenAsync(HttpClient client, string editorUrl) => new(await FormPage.GetAsync(client, editorUrl), editorUrl);

    public string Html => _page.Html;

    /// <summary>Types into (or chooses in) the field with this id.</summary>
    public EditorForm Set(string id, string value)
    {
        var index = _fields.FindIndex(f => f.Id == id);
        if (index < 0) throw new InvalidOperationException($"No field #{id} in the draft form.");
        _fields[index] = _fields[index] with { Value = value };
        return this;
    }

    /// <summary>Presses a button of the form: Save (<c>save</c>), or a remove or move button's command.</summary>
    public Task<HttpResponseMessage> SubmitAsync(HttpClient client, string command = "save") =>
        _page.PostAsync(client, _url + "?handler=save", [.. _fields.Select(f => (f.Name, f.Value)), ("command", command)]);

    [GeneratedRegex("<(?<tag>input|select|textarea)\\b(?<attributes>[^>]*)>(?:(?<inner>.*?)</\\k<tag>>)?", RegexOptions.Singleline)]
    private static partial Regex Field();
}
