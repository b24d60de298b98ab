namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// A browser's cookies kept by hand (the client keeps none), so a test can copy them and send a copy later: the old
/// session cookie someone kept after its owner signed out.
/// </summary>
public sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public CookieJar Copy()
    {
        var copy = new CookieJar();
        foreach (var (name, value) in _cookies) copy._cookies[name] = value;
        return copy;
    }

    public bool Has(string name) => _cookies.ContainsKey(name);

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
            foreach (var header in values)
            {
                var pair = header.Split(';')[0];
                var at = pair.IndexOf('=');
                var (name, value) = (pair[..at], pair[(at + 1)..]);
                var deleted = value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (deleted) _cookies.Remove(name);
                else _cookies[name] = value;
            }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(HttpClient client, string url) => SendAsync(client, new HttpRequestMessage(HttpMethod.Get, url));

    public async Task<FormPage> PageAsync(HttpClient client, string url)
    {
        var response = await GetAsync(client, url);
        return new FormPage(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form of <paramref name="page"/> (its antiforgery token added) with this jar's cookies.</summary>
    public Task<HttpResponseMessage> PostAsync(HttpClient client, FormPage page, string url, params (string Name, string Value)[] fields) =>
        SendAsync(client, new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields.Append(("__RequestVerificationToken", page.AntiforgeryToken))
                .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))),
        });

    /// <summary>Signs in on the sign-in page; returns the answer.</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = await PageAsync(client, "/seller/sign-in");
        return await PostAsync(client, page, "/seller/sign-in", ("Email", email), ("Password", password));
    }
}
