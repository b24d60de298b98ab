using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Encore.Web.Infrastructure;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed only from the proxies the operator lists in
/// <c>ENCORE_TRUSTED_PROXIES</c> (comma-separated addresses or CIDR networks: <c>127.0.0.1,10.0.0.0/8,::1</c>), none by
/// default: ASP.NET Core's defaults trust loopback, so a client reaching Encore directly on the same host (or through
/// anything that connects from loopback without rewriting the header) could choose the address that rate limits, sign-in
/// throttles and consent records see. Only the last hop is read (<c>ForwardLimit</c> 1): the proxy in front of Encore
/// must set the header, not append to what the client sent (Caddy and nginx's <c>$remote_addr</c> do; see the README).
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "ENCORE_TRUSTED_PROXIES";

    /// <summary>The listed proxies, or why the setting cannot be read (then Encore refuses to start).</summary>
    public static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks, string? Error) Parse(string? value)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (value ?? "").Split([',', ' ', ';', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/'))
            {
                if (!System.Net.IPNetwork.TryParse(entry, out var network) || !IPAddress.TryParse(entry[..entry.IndexOf('/')], out var start))
                    return ([], [], $"{Setting}: \"{entry}\" is not a network in CIDR notation (like 10.0.0.0/8 or fd00::/8).");
                // 10.0.0.1/8 is read as 10.0.0.0/8 by .NET: ambiguous (one proxy, or the whole network?), so refused.
                if (!start.Equals(network.BaseAddress))
                    return ([], [], $"{Setting}: \"{entry}\" is not a network's first address in CIDR notation (did you mean {network}, or the single address {start}?).");
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address)) proxies.Add(address);
            else return ([], [], $"{Setting}: \"{entry}\" is not an IP address or a CIDR network. List the proxies in front of Encore by address, comma-separated (host names are not accepted).");
        }
        return (proxies, networks, null);
    }

    /// <summary>
    /// ASP.NET Core's own switch, <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>, believes forwarded headers from any client
    /// (it clears the known proxies, and an empty list means everyone): refused, with what to set instead.
    /// </summary>
    public static string? RefuseTrustingEveryone(IConfiguration configuration) =>
        configuration.GetValue("ASPNETCORE_FORWARDEDHEADERS_ENABLED", false) || configuration.GetValue("FORWARDEDHEADERS_ENABLED", false)
            ? $"ASPNETCORE_FORWARDEDHEADERS_ENABLED=true makes ASP.NET Core believe X-Forwarded-For from any client. Remove it and list the proxies in front of Encore in {Setting} (e.g. {Setting}=127.0.0.1)."
            : null;

    /// <summary>
    /// Reads <c>X-Forwarded-For</c>/<c>-Proto</c> from the listed proxies only. Encore adds the middleware only when some
    /// proxy is listed: with both lists empty it would believe every client.
    /// </summary>
    public static void Configure(ForwardedHeadersOptions options, IReadOnlyList<IPAddress> proxies, IReadOnlyList<System.Net.IPNetwork> networks)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = 1;
        options.KnownProxies.Clear(); // the defaults trust loopback
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(proxy);
            // A proxy connecting over IPv4 to a dual-stack socket is seen as ::ffff:a.b.c.d.
            if (proxy.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) options.KnownProxies.Add(proxy.MapToIPv6());
        }
        foreach (var network in networks) options.KnownIPNetworks.Add(network);
    }
}
