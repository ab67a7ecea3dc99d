using System.Collections.Concurrent;
using System.Xml.Linq;
using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Publishing;

/// <summary>The service as a WebSub publisher, against a hub the test runs on loopback.</summary>
public abstract class WebSubTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task New_items_are_announced_to_the_hub_with_retries_and_feeds_advertise_it()
    {
        var pings = new ConcurrentQueue<(string Mode, string Url)>();
        var attempts = 0;
        await using var hub = await LoopbackServer.StartAsync(app => app.MapPost("/hub", async (HttpContext http) =>
        {
            // The hub is down for the first two pings: the publisher must retry.
            if (Interlocked.Increment(ref attempts) <= 2) return Results.StatusCode(503);
            var form = await http.Request.ReadFormAsync();
            pings.Enqueue((form["hub.mode"].ToString(), form["hub.url"].ToString()));
            return Results.NoContent();
        }));
        using var temp = new TempFolder();
        var site = "https://monitor.example/k/";
        var env = new Dictionary<string, string>(await TestPostgres.EnvironmentAsync(backend))
        {
            ["Aggregator__Publishing__HubUrl"] = hub.Url("hub").AbsoluteUri,
            ["Aggregator__Publishing__BaseUrl"] = site,
        };

        var run = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--data", temp.Path);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);

        string[] expected = [.. new[] { "feeds/all", "feeds/tags/korea-china", "feeds/tags/dprk-china" }
            .SelectMany(stem => new[] { "atom", "rss", "json" }.Select(format => $"{site}{stem}.{format}"))];
        Assert.All(pings, p => Assert.Equal("publish", p.Mode));
        Assert.Equal(expected.Order(), pings.Select(p => p.Url).Order());
        Assert.True(attempts >= expected.Length + 2);

        // Nothing new: no ping.
        var again = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--data", temp.Path);
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        Assert.Equal(expected.Length, pings.Count);

        // Rules that tag nothing any more, applied by `retag`: the items left the tag feeds without
        // changing themselves, and every tag's feeds are announced.
        using var stricter = new TempFolder();
        File.WriteAllText(Path.Combine(stricter.Path, "topics.json"), File.ReadAllText(Path.Combine(RepoPaths.Config, "topics.json"))
            .Replace("\"minSideScore\": 2,", "\"minSideScore\": 1000,", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(stricter.Path, "aggregator.json"), "{}");
        var retag = await Processes.AggregatorAsync(RepoPaths.Root, env, "retag", "--config", stricter.Path, "--data", temp.Path);
        Assert.True(retag.ExitCode == 0, retag.Stderr + retag.Stdout);
        Assert.DoesNotContain(": 0 changed", retag.Stdout, StringComparison.Ordinal);
        string[] everyTag = [.. new[] { "feeds/all", "feeds/tags/korea-china", "feeds/tags/dprk-china", "feeds/tags/rok-china" }
            .SelectMany(stem => new[] { "atom", "rss", "json" }.Select(format => $"{site}{stem}.{format}"))];
        Assert.Equal(everyTag.Order(), pings.Skip(expected.Length).Select(p => p.Url).Order());

        using var export = new TempFolder();
        Assert.Equal(0, (await Processes.AggregatorAsync(RepoPaths.Root, env, "export", "--out", export.Path, "--data", temp.Path)).ExitCode);
        var atom = XDocument.Load(Path.Combine(export.Path, "feeds", "all.atom")).Root!;
        XNamespace a = "http://www.w3.org/2005/Atom";
        Assert.Contains(atom.Elements(a + "link"), l => (string?)l.Attribute("rel") == "hub" && (string?)l.Attribute("href") == hub.Url("hub").AbsoluteUri);
        Assert.Contains(atom.Elements(a + "link"), l => (string?)l.Attribute("rel") == "self" && (string?)l.Attribute("href") == site + "feeds/all.atom");
    }
}

public sealed class WebSubTestsOnSqlite() : WebSubTests(Backend.Sqlite);

public sealed class WebSubTestsOnPostgres() : WebSubTests(Backend.Postgres);
