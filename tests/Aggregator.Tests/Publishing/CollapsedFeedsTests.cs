using System.Text.Json;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Publishing;

/// <summary>The served feeds show one entry per story, the other copies listed as "also reported
/// by", and every copy with ?collapse=false.</summary>
public abstract class CollapsedFeedsTests(Backend backend)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Story = """
        Chinese EV brand opens first Seoul showroom

        SEOUL, April 2, 2025 — A Chinese electric-vehicle maker opened its first showroom in South Korea on Wednesday in the Gangnam district, joining BYD in testing a market long dominated by Hyundai and Kia.

        The company said it would begin deliveries of a mid-sized electric SUV in the spring and planned ten sales outlets by the end of the year, with software designed for Korean drivers.
        """;

    [Fact]
    public async Task Copies_of_a_story_are_one_entry_unless_collapse_is_false()
    {
        using var temp = new TempFolder();
        var documents = temp.Sub("documents");
        await File.WriteAllTextAsync(Path.Combine(documents, "northeast-times.txt"), "NORTHEAST TIMES — English Edition\nMenu | World | Asia | Sign in\n\n" + Story + "\n© 2025 Northeast Times Media Group. Terms of use", Ct);
        await File.WriteAllTextAsync(Path.Combine(documents, "global-briefing.txt"), "GLOBAL BRIEFING\nLatest | Markets | Politics | Tech\n\n" + Story.Replace("opened its first", "has opened its first") + "\nGlobal Briefing is an independent publication. © 2025 All rights reserved.", Ct);
        File.Copy(Directory.GetFiles(RepoPaths.Seeds).Order().First(), Path.Combine(documents, "other.txt"));
        await using var service = await ServiceProcess.StartAsync(RepoPaths.Root, RepoPaths.Config, temp.Sub("data"),
            new Dictionary<string, string>(await TestPostgres.EnvironmentAsync(backend)) { ["Aggregator__Sources__DocumentFolders__0"] = documents });

        JsonElement[] Items(JsonDocument feed) => [.. feed.RootElement.GetProperty("items").EnumerateArray()];
        await service.WaitUntilAsync(async () =>
            Items(JsonDocument.Parse(await service.Http.GetStringAsync("feeds/all.json?collapse=false", Ct))).Length == 3, "three documents imported");

        var collapsed = Items(JsonDocument.Parse(await service.Http.GetStringAsync("feeds/all.json", Ct)));
        Assert.Equal(2, collapsed.Length);
        var story = Assert.Single(collapsed, i => i.GetProperty("title").GetString()!.Contains("EV brand"));
        var also = story.GetProperty("_aggregator").GetProperty("also_reported_by").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Single(also);
        Assert.Contains("Also reported by", story.GetProperty("content_html").GetString());

        var atom = await service.Http.GetStringAsync("feeds/all.atom", Ct);
        Assert.Equal(2, atom.Split("<entry").Length - 1);
        var every = await service.Http.GetStringAsync("feeds/all.atom?collapse=false", Ct);
        Assert.Equal(3, every.Split("<entry").Length - 1);
    }
}

public sealed class CollapsedFeedsTestsOnSqlite() : CollapsedFeedsTests(Backend.Sqlite);

public sealed class CollapsedFeedsTestsOnPostgres() : CollapsedFeedsTests(Backend.Postgres);
