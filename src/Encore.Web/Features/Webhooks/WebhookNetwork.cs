using System.Net;
using System.Net.Sockets;

namespace Encore.Web.Features.Webhooks;

/// <summary>
/// How webhook delivery reaches the network (<c>Encore:Webhooks:*</c>). <see cref="AllowPrivateNetworks"/>: connect to
/// loopback and private addresses too (default: in Development only). <see cref="Proxy"/>: an HTTP proxy to send
/// through (default: none; the process's <c>HTTP_PROXY</c>/<c>HTTPS_PROXY</c> are ignored).
/// </summary>
public sealed record WebhookNetworkSettings(bool AllowPrivateNetworks, Uri? Proxy)
{
    public static WebhookNetworkSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Encore:Webhooks");
        var proxy = section["Proxy"];
        Uri? proxyUri = null;
        if (!string.IsNullOrWhiteSpace(proxy) &&
            (!Uri.TryCreate(proxy.Trim(), UriKind.Absolute, out proxyUri) || proxyUri.Scheme != Uri.UriSchemeHttp || proxyUri.AbsolutePath != "/"))
            throw new InvalidOperationException($"Encore:Webhooks:Proxy \"{proxy}\" is not an HTTP proxy address like http://proxy.internal:3128.");
        return new WebhookNetworkSettings(section.GetValue("AllowPrivateNetworks", environment.IsDevelopment()), proxyUri);
    }
}

/// <summary>
/// Where webhooks may connect. A seller chooses the URL, so outside Development the dispatcher connects only to public
/// addresses, checked on the address actually dialled (after DNS, so a name that resolves to 10.0.0.5 or 169.254.169.254
/// is refused too): a seller cannot use Encore to reach its private network. The environment's proxy variables are not
/// used (a proxy would dial the address instead of Encore, past the check); an operator's proxy
/// (<c>Encore:Webhooks:Proxy</c>) is dialled as such, and then the target's name is resolved and checked before the
/// request is handed to it, every address it has having to be public.
/// </summary>
public static class WebhookNetwork
{
    public static HttpMessageHandler CreateHandler(bool allowPrivateNetworks, Uri? proxy = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = proxy is not null,
            Proxy = proxy is null ? null : new WebProxy(proxy) { BypassProxyOnLocal = false },
            ConnectCallback = allowPrivateNetworks ? null : (context, cancellationToken) => ConnectAsync(context, proxy, cancellationToken),
        };
        return proxy is null || allowPrivateNetworks ? sockets : new PublicTargetsOnly(sockets);
    }

    public static HttpMessageHandler CreateHandler(WebhookNetworkSettings settings) => CreateHandler(settings.AllowPrivateNetworks, settings.Proxy);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Uri? proxy, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var toProxy = proxy is not null && string.Equals(host, proxy.IdnHost, StringComparison.OrdinalIgnoreCase) && port == proxy.Port;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        // The operator's proxy may well be on a private address; everything else must be public.
        var allowed = toProxy ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"{host} has no public address; webhooks are sent to public addresses only.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Through a proxy, Encore dials only the proxy: the target's name is resolved here and checked first.</summary>
    private sealed class PublicTargetsOnly(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.IdnHost;
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException exception)
            {
                throw new HttpRequestException($"{host} could not be resolved to check that it is public ({exception.Message}); webhooks are sent to public addresses only.", exception);
            }
            if (addresses.Length == 0 || !addresses.All(IsPublic))
                throw new HttpRequestException($"{host} has an address that is not public; webhooks are sent to public addresses only.");
            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>False for loopback, private, link-local, shared, multicast, documentation and reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 ||
                     (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||
                     (b[0] == 169 && b[1] == 254) ||
                     (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                     (b[0] == 192 && b[1] == 168) ||
                     (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||
                     (b[0] == 198 && (b[1] == 18 || b[1] == 19)) ||
                     (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
                     (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal ||
            address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo || address.IsIPv4MappedToIPv6) return false;
        var v6 = address.GetAddressBytes();
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8) return false; // 2001:db8::/32, documentation
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b) return false; // 64:ff9b::/96, NAT64 to anything
        return (v6[0] & 0xe0) == 0x20; // 2000::/3, global unicast
    }
}
