using System.Net;
using Aggregator.Fetching;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Fetching;

/// <summary>A redirect from the internet into this machine's networks is not followed. (The
/// tests' feeds are all on 127.0.0.1, which counts as the operator's own choice of address:
/// redirects among them are followed, RedirectTests.)</summary>
public sealed class NetworkReachTests
{
    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:93.184.216.34", true)]
    [InlineData("::127.0.0.1", false)] // IPv4-compatible
    [InlineData("64:ff9b::a9fe:a9fe", false)] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::5db8:d822", true)]
    [InlineData("2002:a9fe:a9fe::", false)] // 6to4 of 169.254.169.254
    [InlineData("2002:5db8:d822::1", true)]
    [InlineData("192.0.0.192", false)]
    [InlineData("198.18.0.1", false)]
    public void Addresses_kept_for_one_machine_or_site_are_not_public(string address, bool expected) =>
        Assert.Equal(expected, NetworkReach.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task From_a_public_address_into_a_private_one_is_refused_and_said()
    {
        var ct = TestContext.Current.CancellationToken;
        var refused = await NetworkReach.IntoPrivateAsync(new Uri("http://93.184.216.34/feed.xml"), new Uri("http://169.254.169.254/latest/meta-data/"), ct);
        Assert.NotNull(refused);
        Assert.Contains("169.254.169.254", refused, StringComparison.Ordinal);
        Assert.Contains("link-local", refused, StringComparison.Ordinal);
        Assert.Contains("not followed", refused, StringComparison.Ordinal);
        Assert.Contains("loopback", await NetworkReach.IntoPrivateAsync(new Uri("https://93.184.216.34/a"), new Uri("http://127.0.0.1:8080/admin"), ct), StringComparison.Ordinal);

        // Public to public, private to anything (the operator subscribed there), same host: followed.
        Assert.Null(await NetworkReach.IntoPrivateAsync(new Uri("http://93.184.216.34/a"), new Uri("http://8.8.8.8/b"), ct));
        Assert.Null(await NetworkReach.IntoPrivateAsync(new Uri("http://127.0.0.1:1/a"), new Uri("http://10.0.0.1/b"), ct));
        Assert.Null(await NetworkReach.IntoPrivateAsync(new Uri("http://10.0.0.1/a"), new Uri("http://10.0.0.1/b"), ct));
    }

    /// <summary>After a public feed redirects to another host, the fetch connects through a
    /// client that resolves the name itself and connects to public addresses only: the redirect
    /// check's own lookup may have been answered with a public address and the connect's with a
    /// private one (DNS rebinding). A proxy is connected to as configured.</summary>
    [Fact]
    public async Task The_public_only_client_refuses_to_connect_into_this_machine_but_goes_through_a_proxy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/feed.xml", () => Results.Text("<rss/>", "application/rss+xml")));
        using var direct = new HttpClient(new SocketsHttpHandler { ConnectCallback = NetworkReach.ConnectPublicOnlyAsync, UseProxy = false });

        var byAddress = await Assert.ThrowsAsync<HttpRequestException>(() => direct.GetStringAsync(server.Url("feed.xml"), ct));
        Assert.Contains("127.0.0.1 is a loopback address (127.0.0.1) when connecting: not connected", byAddress.Message, StringComparison.Ordinal);
        var byName = await Assert.ThrowsAsync<HttpRequestException>(() => direct.GetStringAsync($"http://localhost:{server.BaseUrl.Port}/feed.xml", ct));
        Assert.Contains("localhost is a loopback address", byName.Message, StringComparison.Ordinal);
        // IPv6 literals come bracketed to the connect step, and were taken for a proxy's address.
        foreach (var literal in new[] { "[::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]" })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => direct.GetStringAsync($"http://{literal}:9/feed.xml", ct));
            Assert.Contains("address", refused.Message, StringComparison.Ordinal);
            Assert.Contains("when connecting: not connected", refused.Message, StringComparison.Ordinal);
        }
        using var plain = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        Assert.Equal("<rss/>", await plain.GetStringAsync(server.Url("feed.xml"), ct)); // the server is there

        // The loopback server as an HTTP proxy for a public address: the proxy is the operator's.
        using var proxied = new HttpClient(new SocketsHttpHandler { ConnectCallback = NetworkReach.ConnectPublicOnlyAsync, Proxy = new WebProxy(server.BaseUrl), UseProxy = true });
        Assert.Equal("<rss/>", await proxied.GetStringAsync("http://93.184.216.34/feed.xml", ct));
    }

    [Fact]
    public async Task Only_a_redirect_from_a_public_host_to_another_is_guarded()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal((null, true), await NetworkReach.RedirectAsync(new Uri("http://93.184.216.34/a"), new Uri("http://8.8.8.8/b"), ct));
        Assert.Equal((null, false), await NetworkReach.RedirectAsync(new Uri("http://93.184.216.34/a"), new Uri("https://93.184.216.34/b"), ct));
        Assert.Equal((null, false), await NetworkReach.RedirectAsync(new Uri("http://127.0.0.1:1/a"), new Uri("http://10.0.0.1/b"), ct));
    }
}
