using System.Net;
using Aggregator.Fetching;

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
}
