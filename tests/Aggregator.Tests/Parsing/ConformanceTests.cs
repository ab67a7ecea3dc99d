using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Parsing.Feeds;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Parsing;

/// <summary>The parser over ../shared/conformance (2,138 feed files with feedparser's results),
/// scored by its compare.py. Fails on any crash, or on agreement below the level reached
/// (docs/conformance.md has the figures and the files where feedparser is judged wrong).</summary>
public sealed partial class ConformanceTests
{
    private const int FilesFullyAgreeing = 1776;
    private const double FieldAgreement = 99.1;

    [Fact]
    public async Task The_corpus_parses_without_a_crash_at_the_level_reached()
    {
        var corpus = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "conformance"));
        RequiredTool.Require(File.Exists(Path.Combine(corpus, "expected.jsonl")), "../shared/conformance beside the repository");
        using var temp = new TempFolder();
        var output = Path.Combine(temp.Path, "actual.jsonl");
        var crashes = new List<string>();
        await using (var stream = File.Create(output))
        {
            foreach (var file in Directory.EnumerateFiles(corpus, "*", SearchOption.AllDirectories).Where(f => f.Contains("/feedparser/", StringComparison.Ordinal) || f.Contains("/rss-parser/", StringComparison.Ordinal)))
            {
                var relative = Path.GetRelativePath(corpus, file).Replace('\\', '/');
                FeedParseResult result;
                try
                {
                    result = FeedParser.Parse(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
                }
                catch (Exception e)
                {
                    crashes.Add($"{relative}: {e.GetType().Name}: {e.Message}");
                    continue;
                }
                await using (var w = new Utf8JsonWriter(stream))
                    ConformanceRecord.Write(w, relative, result);
                stream.WriteByte((byte)'\n');
            }
        }
        Assert.Empty(crashes);

        var compare = await Processes.RunAsync(PythonFeedparser.Python, [Path.Combine(corpus, "compare.py"), Path.Combine(corpus, "expected.jsonl"), output]);
        var last = compare.Stdout.TrimEnd().Split('\n')[^1];
        var m = Summary().Match(last);
        Assert.True(m.Success, compare.Stdout + compare.Stderr);
        var files = int.Parse(m.Groups["files"].Value, CultureInfo.InvariantCulture);
        var fields = double.Parse(m.Groups["fields"].Value, CultureInfo.InvariantCulture);
        Assert.True(files >= FilesFullyAgreeing, last);
        Assert.True(fields >= FieldAgreement, last);
    }

    [GeneratedRegex(@"conformance: (?<files>\d+)/\d+ files fully agree \([\d.]+%\), field agreement (?<fields>[\d.]+)%")]
    private static partial Regex Summary();
}
