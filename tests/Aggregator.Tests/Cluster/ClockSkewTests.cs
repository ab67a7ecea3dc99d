using System.Net;
using System.Text.Json;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Cluster;

/// <summary>A cluster node whose clock is off: Quartz judges nodes alive by check-ins stamped with
/// each node's own clock, so a node three minutes ahead believed the others dead, took over their
/// claims and fetched their feeds a second time; even standing by, its Quartz went on checking
/// in and declared the running nodes dead (an audit's finding). Such a node now does not start,
/// and one whose clock goes off while it runs shuts its share of the cluster's scheduler down and
/// says why (the log, /readyz) while the others do the work. The clock is set off with
/// libfaketime (Debian's faketime), as a machine without NTP would have it.</summary>
public sealed class ClockSkewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string FakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

    [Fact]
    public async Task A_node_whose_clock_is_off_does_no_cluster_work_and_says_so()
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
        Dictionary<string, string> Skewed(string clock) => new(env)
        {
            ["LD_PRELOAD"] = FakeTime,
            ["FAKETIME_TIMESTAMP_FILE"] = clock,
            ["FAKETIME_NO_CACHE"] = "1",
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
        };

        await using var node = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data-node"), env);
        await node.WaitUntilAsync(async () => (await node.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "ready");
        await node.WaitUntilAsync(() => Task.FromResult(paths.All(p => server.Count(p) > 0)), "every feed fetched");

        // Three minutes ahead at start: it does not start, and says why.
        var ahead = temp.File("ahead.faketime", "+180s\n");
        var refused = await Processes.AggregatorAsync(RepoPaths.Root, Skewed(ahead), "serve", "--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}",
            "--config", RepoPaths.Config, "--data", temp.Sub("data-ahead"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Matches(@"error: this node does not start: its clock is 1[78]\d(\.\d)? s ahead of the database server's", refused.Stderr);

        // Right at start, three minutes ahead later: its share of the scheduler is shut down.
        var drifting = temp.File("drifting.faketime", "+0s\n");
        await using var drifted = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data-drifted"), Skewed(drifting));
        await drifted.WaitUntilAsync(async () => (await drifted.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "ready while its clock agrees");
        await File.WriteAllTextAsync(drifting, "+180s\n", Ct);
        await drifted.WaitUntilAsync(() => Task.FromResult(drifted.Log.Contains("Imports, mail and digests are stopped on this node", StringComparison.Ordinal)), "said so in its log", 90);
        var checks = JsonDocument.Parse(await (await drifted.Http.GetAsync("readyz", Ct)).Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("checks");
        Assert.Equal("shutdown", checks.GetProperty("scheduler").GetString());
        await drifted.WaitUntilAsync(() => Task.FromResult(drifted.Log.Contains("claims no feeds and no mail", StringComparison.Ordinal)), "said at its next tick that it claims nothing");

        await Task.Delay(TimeSpan.FromSeconds(12), Ct); // two more ticks of both nodes
        Assert.All(paths, p => Assert.Equal(1, server.Count(p)));
        Assert.True((await node.Http.GetAsync("readyz", Ct)).IsSuccessStatusCode, "the node with the right clock stays ready");
    }
}
