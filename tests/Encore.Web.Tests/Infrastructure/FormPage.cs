using System.Net;
using System.Text.RegularExpressions;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>A server-rendered page as a browser without JavaScript sees it: its HTML and its antiforgery token.</summary>
public sealed partial class FormPage(HttpStatusCode status, string html)
{
    public HttpStatusCode Status { get; } = status;

    public string Html { get; } = html;

    public string AntiforgeryToken =>
        AntiforgeryPattern().Match(Html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");

    /// <summary>The value of the first hidden or text input with this name.</summary>
    public string Value(string name) =>
        Regex.Match(Html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : Regex.Match(Html, $"value=\"([^\"]*)\"[^>]*name=\"{Regex.Escape(name)}\"") is { Success: true } reversed
                ? WebUtility.HtmlDecode(reversed.Groups[1].Value)
                : throw new InvalidOperationException($"No input named {name} on the page.");

    public static async Task<FormPage> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return new FormPage(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var all = fields.Append(("__RequestVerificationToken", AntiforgeryToken))
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2));
        return client.PostAsync(url, new FormUrlEncodedContent(all));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
