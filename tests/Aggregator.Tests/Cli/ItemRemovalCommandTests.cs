using Aggregator.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.Cli;

/// <summary>`items remove`, `items prune` and the retention setting, run as an operator runs them
/// (cron's `run-once` included, which has no service to prune hourly).</summary>
public sealed class ItemRemovalCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_operator_prunes_old_stories_and_removes_an_item_and_neither_comes_back_from_its_folder()
    {
        using var temp = new TempFolder();
        var (config, documents, common) = CliFolders.In(temp);
        await File.WriteAllTextAsync(Path.Combine(documents, "weather.txt"), "Rain in Reykjavik\n\nIt rained all week in Reykjavik and the ferries to the islands stopped.", Ct);
        await File.WriteAllTextAsync(Path.Combine(documents, "harvest.txt"), "Early harvest in Skåne\n\nThe harvest in Skåne came in early this year after a warm spring.", Ct);
        await File.WriteAllTextAsync(Path.Combine(documents, "cranes.txt"), "New cranes in Gdańsk\n\nThe port of Gdańsk put two new cranes to work on Monday.", Ct);
        Assert.Contains("3 new", (await Processes.AggregatorAsync(temp.Path, null, ["run-once", .. common])).Stdout, StringComparison.Ordinal);
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(temp.Path, "data", "aggregator.db")};Pooling=False"))
        {
            await db.OpenAsync(Ct);
            await using var age = db.CreateCommand();
            age.CommandText = "UPDATE items SET first_seen_at = '2024-01-10T08:00:00.0000000Z', updated_at = '2024-01-10T08:00:00.0000000Z' WHERE title = 'Rain in Reykjavik'";
            Assert.Equal(1, await age.ExecuteNonQueryAsync(Ct));
        }

        var unset = await Processes.AggregatorAsync(temp.Path, null, ["items", "prune", .. common]);
        Assert.Equal(2, unset.ExitCode);
        Assert.Contains("no retention set: give --days N, or set Aggregator:Retention:Days", unset.Stderr, StringComparison.Ordinal);
        var dryRun = await Processes.AggregatorAsync(temp.Path, null, ["items", "prune", "--days", "30", "--dry-run", .. common]);
        Assert.Contains("would remove 1 story(ies), 1 item(s): untouched (first seen and last changed) for more than 30 days, tagged ones kept", dryRun.Stdout, StringComparison.Ordinal);

        var retention = new Dictionary<string, string> { ["Aggregator__Retention__Days"] = "30" };
        var pruned = await Processes.AggregatorAsync(temp.Path, retention, ["run-once", .. common]);
        Assert.True(pruned.ExitCode == 0, pruned.Stdout + pruned.Stderr);
        Assert.Contains("retention: 1 item(s) of stories untouched for more than 30 days removed", pruned.Stdout, StringComparison.Ordinal);

        var listed = (await Processes.AggregatorAsync(temp.Path, null, ["items", .. common])).Stdout;
        Assert.DoesNotContain("Reykjavik", listed, StringComparison.Ordinal);
        var cranes = listed.Split('\n').SkipWhile(l => !l.Contains("New cranes in Gdańsk", StringComparison.Ordinal)).Skip(1).First().Trim();
        Assert.StartsWith("id: tag:", cranes, StringComparison.Ordinal);
        var removed = await Processes.AggregatorAsync(temp.Path, null, ["items", "remove", cranes["id: ".Length..], "tag:nowhere,2025:1", "--reason", "asked by the port", .. common]);
        Assert.Equal(1, removed.ExitCode); // one of the two was not found
        Assert.Contains("removed tag:", removed.Stdout, StringComparison.Ordinal);
        Assert.Contains("New cranes in Gdańsk", removed.Stdout, StringComparison.Ordinal);
        Assert.Contains("not removed: tag:nowhere,2025:1: no stored item has this entry id or link", removed.Stderr, StringComparison.Ordinal);

        // The files are still in the folder, and touched: read again, stored no more.
        foreach (var file in Directory.GetFiles(documents)) File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var again = await Processes.AggregatorAsync(temp.Path, null, ["run-once", .. common]);
        Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
        Assert.DoesNotContain("1 new", again.Stdout, StringComparison.Ordinal);
        listed = (await Processes.AggregatorAsync(temp.Path, null, ["items", .. common])).Stdout;
        Assert.Contains("Early harvest in Skåne", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Gdańsk", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Reykjavik", listed, StringComparison.Ordinal);
    }
}
