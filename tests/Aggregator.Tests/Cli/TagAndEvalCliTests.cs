using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Cli;

/// <summary>`aggregator tag`, `aggregator eval tagging` and `aggregator eval dedup`, run as users run them.</summary>
public sealed class TagAndEvalCliTests
{
    [Fact]
    public async Task Tag_prints_the_decision_score_and_each_matched_term_with_its_position()
    {
        var seed = Directory.GetFiles(RepoPaths.Seeds).Order(StringComparer.Ordinal).First();
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "tag", seed);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("korea-china: TAGGED  score ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("dprk-china: score ", result.Stdout, StringComparison.Ordinal);
        Assert.Matches("\"[^\"]+\"\\s+china\\s+(title|body)@\\d+", result.Stdout);
        Assert.Matches("\"[^\"]+\"\\s+dprk\\s+(title|body)@\\d+", result.Stdout);
    }

    [Fact]
    public async Task Tag_reads_standard_input_and_says_why_a_passing_mention_is_not_tagged()
    {
        var result = await Processes.RunAsync("dotnet", [RepoPaths.ProgramDll, "tag", "-"], RepoPaths.Root,
            stdin: "Markets close higher\n\nShares rose in Tokyo and Seoul.\n\nIn Beijing, officials met bankers.\n");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("korea-china: not tagged", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"Seoul\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_names_a_missing_file()
    {
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "tag", "no/such/file.txt");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no/such/file.txt", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_tagging_prints_precision_recall_and_f1_overall_per_subtag_and_per_language()
    {
        var set = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tagging", "dev.jsonl"));
        RequiredTool.Require(File.Exists(set), "../shared/tagging/dev.jsonl beside the repository");
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "eval", "tagging", set);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"korea-china\s+P \d\.\d{3}\s+R \d\.\d{3}\s+F1 \d\.\d{3}", result.Stdout);
        Assert.Matches(@"dprk-china\s+P \d\.\d{3}", result.Stdout);
        Assert.Matches(@"rok-china\s+P \d\.\d{3}", result.Stdout);
        Assert.Matches(@"zh-Hant\s+P \d\.\d{3}", result.Stdout);
        Assert.Matches(@"wrong: \d+", result.Stdout);
    }

    [Fact]
    public async Task Eval_dedup_prints_scores_per_kind_and_the_pairs_it_got_wrong()
    {
        var set = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tagging", "neardup-dev.jsonl"));
        RequiredTool.Require(File.Exists(set), "../shared/tagging/neardup-dev.jsonl beside the repository");
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "eval", "dedup", set);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"same-language kinds\s+P \d\.\d{3}\s+R \d\.\d{3}\s+F1 \d\.\d{3}", result.Stdout);
        Assert.Matches(@"translation \(cross-language\)\s+P", result.Stdout);
        Assert.Matches(@"same-topic-different-event\s+P \d\.\d{3}", result.Stdout);
        Assert.Contains("different events merged: 0", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"wrong: \d+", result.Stdout);
    }

    [Fact]
    public async Task Eval_dedup_names_the_file_and_line_of_a_broken_pair()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "pairs.jsonl");
        await File.WriteAllTextAsync(file, """
            {"id": "x-1", "a": {"title": "A", "body": "one"}, "b": {"title": "B", "body": "two"}, "same_story": false, "kind": "exact"}
            {"id": "x-2", "a": {"title": "A"}, "same_story": true}
            """, TestContext.Current.CancellationToken);
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "eval", "dedup", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pairs.jsonl:2:", result.Stderr, StringComparison.Ordinal);
    }
}
