using System.Net;
using System.Net.Sockets;

namespace Aggregator.Fetching;

/// <summary>Whether a redirect reaches from the internet into this machine's own networks. A
/// feed subscribed at a public address that redirects to a private one (loopback, RFC 1918,
/// link-local with the clouds' metadata services, unique-local) would have the service fetch
/// an internal page and republish it, in its feeds and its mail (a security audit's finding).
/// A feed subscribed at a private address is the operator's own choice and is left alone.</summary>
public static class NetworkReach
{
    /// <returns>Why the redirect is not followed, or null when it may be.</returns>
    public static async Task<string?> IntoPrivateAsync(Uri from, Uri to, CancellationToken ct) =>
        (await RedirectAsync(from, to, ct)).Refusal;

    /// <returns>Why the redirect is not followed (null when it may be), and whether it leaves a
    /// public host for another: then the fetch goes on through a client that connects to public
    /// addresses only (<see cref="ConnectPublicOnlyAsync"/>), because the target's name is
    /// looked up again when connecting, and a name whose owner answers with a public address to
    /// this check and a private one a moment later (DNS rebinding) would pass it.</returns>
    public static async Task<(string? Refusal, bool Guarded)> RedirectAsync(Uri from, Uri to, CancellationToken ct)
    {
        if (string.Equals(from.DnsSafeHost, to.DnsSafeHost, StringComparison.OrdinalIgnoreCase)) return (null, false);
        var origin = await AddressesAsync(from.DnsSafeHost, ct);
        // Private when all its addresses are: a public host given one private address as well
        // (by whoever keeps its DNS) is still on the internet.
        if (!origin.Any(IsPublic)) return (null, false);
        var target = await AddressesAsync(to.DnsSafeHost, ct);
        return target.FirstOrDefault(a => !IsPublic(a)) is { } inside
            ? ($"redirected from {from.Host}, a public address, to {to.Host}, a {Kind(inside)} address ({inside}): not followed (a feed on the internet may not reach into this network)", true)
            : (null, true);
    }

    /// <summary>SocketsHttpHandler's connect step for fetches a public feed redirected elsewhere:
    /// the name is resolved here, once, and only its public addresses are connected to. Through a
    /// proxy (the endpoint is not the request's host) the proxy is connected to as configured.</summary>
    public static async ValueTask<Stream> ConnectPublicOnlyAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        // An IPv6 literal comes bracketed ("[::1]"), as the request's host does not.
        var host = endpoint.Host is ['[', .. var inner, ']'] ? inner : endpoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var proxied = !string.Equals(context.InitialRequestMessage.RequestUri?.IdnHost.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase);
        var allowed = proxied ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
            throw addresses.FirstOrDefault() is { } inside
                ? new HttpRequestException(HttpRequestError.ConnectionError,
                    $"{endpoint.Host} is a {Kind(inside)} address ({inside}) when connecting: not connected (a feed on the internet redirected here, and may not reach into this network)")
                : new HttpRequestException(HttpRequestError.NameResolutionError, $"{endpoint.Host} has no address");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An address on the internet: none of the ranges kept for one machine or one site.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 // "this" network, private, loopback, multicast and reserved
                || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) // private
                || (b[0] == 169 && b[1] == 254) // link-local (metadata services)
                || (b[0] == 100 && b[1] is >= 64 and <= 127) // carrier-grade NAT
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 198 && b[1] is 18 or 19)); // benchmarking
        }
        var v6 = address.GetAddressBytes();
        // An IPv4 address carried in IPv6 (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4
        // 2002::/16) is judged as that address.
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
            return IsPublic(new IPAddress(v6.AsSpan(12, 4)));
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublic(new IPAddress(v6.AsSpan(12, 4)));
        if (v6[0] == 0x20 && v6[1] == 0x02)
            return IsPublic(new IPAddress(v6.AsSpan(2, 4)));
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC); // fc00::/7, unique-local
    }

    private static string Kind(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) ? "loopback"
        : address.ToString().StartsWith("169.254.", StringComparison.Ordinal) || address.IsIPv6LinkLocal ? "link-local"
        : "private";

    private static async Task<IPAddress[]> AddressesAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        try { return await Dns.GetHostAddressesAsync(host, ct); }
        catch (SocketException) { return []; } // unresolvable: the fetch says so itself
    }
}
