using Aggregator.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.Ingestion;

/// <summary>A running service tagged new items with the rules it had started with: after the
/// topics file was edited and `aggregator retag` had recorded the new version, a restart did not
/// retag either, so those items stayed wrong. The service now takes the file's rules when it
/// changes, before its next cycle.</summary>
public sealed class RulesReloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_running_service_tags_with_the_topics_file_as_edited_after_a_retag_from_the_command_line()
    {
        using var temp = new TempFolder();
        var config = temp.Sub("config");
        var topics = Path.Combine(config, "topics.json");
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), topics);
        await File.WriteAllTextAsync(Path.Combine(config, "aggregator.json"), """{"Aggregator":{"Sources":{"DocumentFolders":[]}}}""", Ct);
        string[] common = ["--config", config, "--data", temp.Sub("data")];
        await using var feed = await LoopbackServer.StartAsync(app => app.MapGet("/air.xml", () => Results.Text("""
            <rss version="2.0"><channel><title>Air</title>
            <item><title>Seoul and Ulaanbaatar open a new air route</title><guid>air-1</guid>
            <description>Seoul and Ulaanbaatar opened a new air route on Monday. Officials from Seoul and Ulaanbaatar met at Incheon.</description></item>
            </channel></rss>
            """, "application/rss+xml")));
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, config, temp.Path + "/data",
            new Dictionary<string, string> { ["Aggregator__Scheduling__PollTickSeconds"] = "5" });

        // The rules now count Ulaanbaatar as China's side (a mistake, but the user's), recorded by `retag`.
        var text = await File.ReadAllTextAsync(topics, Ct);
        var edited = text.Replace("\"en\": [\"China\",", "\"en\": [\"Ulaanbaatar\", \"China\",", StringComparison.Ordinal)
            .Replace("\"version\": \"", "\"version\": \"reloaded-", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);
        await File.WriteAllTextAsync(topics, edited, Ct);
        var retag = await Processes.AggregatorAsync(temp.Path, null, ["retag", .. common]);
        Assert.True(retag.ExitCode == 0, retag.Stdout + retag.Stderr);

        // A feed added now is polled by the service at its next tick, with the rules as edited.
        Assert.Equal(0, (await Processes.AggregatorAsync(temp.Path, null, ["feeds", "add", feed.Url("air.xml").ToString(), .. common])).ExitCode);
        await service.WaitUntilAsync(async () =>
            (await Processes.AggregatorAsync(temp.Path, null, ["items", "--json", .. common])).Stdout.Contains("Ulaanbaatar", StringComparison.Ordinal), "the feed is polled");
        var tagged = await Processes.AggregatorAsync(temp.Path, null, ["items", "--tag", "korea-china", "--json", .. common]);
        Assert.Contains("Seoul and Ulaanbaatar open a new air route", tagged.Stdout, StringComparison.Ordinal);
        Assert.Contains("Topic rules file changed (now reloaded-", service.Log, StringComparison.Ordinal);
    }
}
