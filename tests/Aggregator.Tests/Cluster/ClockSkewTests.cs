using System.Net;
using System.Text.Json;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Cluster;

/// <summary>A cluster node whose clock is off: Quartz judges nodes alive by check-ins stamped with
/// each node's own clock, so a node three minutes ahead believed the others dead, took over their
/// claims and fetched their feeds a second time. It now claims nothing and says why (the log,
/// /readyz) while the others do the work. The clock is set off with libfaketime (Debian's
/// faketime), as a machine without NTP would have it.</summary>
public sealed class ClockSkewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string FakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

    [Fact]
    public async Task A_node_whose_clock_is_off_claims_no_work_and_says_so()
    {
        RequiredTool.Require(File.Exists(FakeTime), "libfaketime (apt-get install faketime)");
        using var temp = new TempFolder();
        var paths = Enumerable.Range(1, 6).Select(i => $"/f{i}.xml").ToArray();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            foreach (var path in paths)
                app.MapGet(path, () => Results.Text(LoopbackFeeds.BusyRss("Feed " + path), "application/rss+xml"));
        });
        var opml = temp.File("feeds.opml", $"""
            <opml version="2.0"><body>
            {string.Concat(paths.Select(p => $"<outline type=\"rss\" xmlUrl=\"{server.Url(p.TrimStart('/'))}\"/>\n"))}
            </body></opml>
            """);
        var env = await TestPostgres.EnvironmentAsync(Backend.Postgres);
        env["Aggregator__Sources__SubscriptionsFile"] = opml;
        env["Aggregator__Sources__DocumentFolders__0"] = temp.Sub("documents");
        env["Aggregator__Scheduling__PollTickSeconds"] = "5";
        var skewed = new Dictionary<string, string>(env)
        {
            ["LD_PRELOAD"] = FakeTime,
            ["FAKETIME"] = "+180s",
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
        };

        await using var ahead = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data-ahead"), skewed);
        await ahead.WaitUntilAsync(async () => (await ahead.Http.GetAsync("readyz", Ct)).StatusCode == HttpStatusCode.ServiceUnavailable, "not ready for its clock");
        var checks = JsonDocument.Parse(await (await ahead.Http.GetAsync("readyz", Ct)).Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks");
        Assert.Matches(@"^its clock is 1[78]\d(\.\d)? s ahead of the database server's", checks.GetProperty("clock").GetString());
        await ahead.WaitUntilAsync(() => Task.FromResult(ahead.Log.Contains("This node claims no feeds and no mail", StringComparison.Ordinal)), "said so in its log");
        await Task.Delay(TimeSpan.FromSeconds(6), Ct); // a tick: its feeds stay unfetched
        Assert.Empty(server.Requests);

        await using var node = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data-node"), env);
        await node.WaitUntilAsync(async () => (await node.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "ready");
        await node.WaitUntilAsync(() => Task.FromResult(paths.All(p => server.Count(p) > 0)), "every feed fetched");
        await Task.Delay(TimeSpan.FromSeconds(12), Ct); // two more ticks of both nodes
        Assert.All(paths, p => Assert.Equal(1, server.Count(p)));
    }
}
