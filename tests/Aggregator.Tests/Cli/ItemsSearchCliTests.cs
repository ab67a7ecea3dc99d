using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Cli;

/// <summary>`items` filtered as the river page filters (?q=, ?lang=, ?source=, ?since=): an analyst
/// at a terminal searches the same way, with the same checks on what they typed.</summary>
public sealed class ItemsSearchCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Items_are_searched_and_filtered_from_the_command_line()
    {
        using var temp = new TempFolder();
        var (config, documents, common) = CliFolders.In(temp);
        await File.WriteAllTextAsync(Path.Combine(documents, "ferry.txt"), "Ferry to Dalian resumes\n\nPublished: 2025-03-01\n\nThe ferry from Incheon to Dalian sailed again on Saturday after the THAAD dispute ended.", Ct);
        await File.WriteAllTextAsync(Path.Combine(documents, "radar.txt"), "サード（ＴＨＡＡＤ）配備で協議\n\nPublished: 2025-05-01\n\n日韓の外相が会談し、サードについて協議した。", Ct);
        await File.WriteAllTextAsync(Path.Combine(documents, "harvest.txt"), "Early harvest in Skåne\n\nPublished: 2025-06-01\n\nThe harvest in Skåne came in early this year after a warm spring.", Ct);
        Assert.Contains("3 new", (await Processes.AggregatorAsync(temp.Path, null, ["run-once", .. common])).Stdout, StringComparison.Ordinal);

        async Task<string[]> TitlesAsync(params string[] options)
        {
            var run = await Processes.AggregatorAsync(temp.Path, null, ["items", "--json", .. options, .. common]);
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            return [.. System.Text.Json.JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().Select(i => i.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(["Ferry to Dalian resumes", "サード（ＴＨＡＡＤ）配備で協議"], await TitlesAsync("--search", "THAAD")); // both widths
        Assert.Equal(["サード（ＴＨＡＡＤ）配備で協議"], await TitlesAsync("-q", "THAAD", "--lang", "jpn"));
        Assert.Equal(["Ferry to Dalian resumes"], await TitlesAsync("--search", "\"Incheon to Dalian\""));
        Assert.Empty(await TitlesAsync("--search", "\"Dalian to Incheon\""));
        Assert.Equal(["Early harvest in Skåne", "サード（ＴＨＡＡＤ）配備で協議"], await TitlesAsync("--since", "2025-04-01"));

        var badDate = await Processes.AggregatorAsync(temp.Path, null, ["items", "--since", "01.04.2025", .. common]);
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("--since must be an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (was \"01.04.2025\")", badDate.Stderr, StringComparison.Ordinal);
        var tooMany = await Processes.AggregatorAsync(temp.Path, null, ["items", "--search", "a b c d e f g h i", .. common]);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("--search has 9 words; a search takes at most 8", tooMany.Stderr, StringComparison.Ordinal);
    }
}
