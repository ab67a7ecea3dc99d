using Aggregator.Evaluation;
using Aggregator.Processing.Tagging;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Processing;

/// <summary>The shipped rules against ../shared/tagging/dev.jsonl (labelled multilingual
/// documents written to the tag's definition): the targets of issue 4, measured on every run.</summary>
public sealed class TaggingQualityTests
{
    private static readonly IReadOnlyList<CompiledTopic> Topics =
        CompiledTopic.From(TopicRules.Load(Path.Combine(RepoPaths.Config, "topics.json")));

    private static string DevSet()
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tagging", "dev.jsonl"));
        RequiredTool.Require(File.Exists(path), "../shared/tagging/dev.jsonl beside the repository");
        return path;
    }

    [Fact]
    public void Korea_china_precision_and_recall_are_at_least_095_and_each_subtag_f1_at_least_09()
    {
        var report = TaggingEvaluation.Evaluate(Topics, "korea-china", LabelledDocument.ReadAll(DevSet()));
        var summary = TaggingEvaluation.Format(report);
        Assert.Equal(60, report.Outcomes.Count);
        Assert.True(report.Overall.Precision >= 0.95, summary);
        Assert.True(report.Overall.Recall >= 0.95, summary);
        foreach (var (subtag, counts) in report.PerSubtag)
            Assert.True(counts.F1 >= 0.9, $"{subtag}: {summary}");
    }

    /// <summary>A second set, written here to the same definition by a writer who had seen
    /// neither the rules nor dev.jsonl's documents (testdata/tagging/README.md): precision and
    /// recall held at 0.95 there too, so that a rule fitted to dev's examples shows.</summary>
    [Fact]
    public void On_the_second_set_precision_and_recall_are_at_least_095_too()
    {
        var report = TaggingEvaluation.Evaluate(Topics, "korea-china",
            LabelledDocument.ReadAll(Path.Combine(AppContext.BaseDirectory, "testdata", "tagging", "second-set.jsonl")));
        var summary = TaggingEvaluation.Format(report);
        Assert.Equal(90, report.Outcomes.Count);
        Assert.True(report.Overall.Precision >= 0.95, summary);
        Assert.True(report.Overall.Recall >= 0.95, summary);
        foreach (var (subtag, counts) in report.PerSubtag)
            Assert.True(counts.F1 >= 0.9, $"{subtag}: {summary}");
    }

    [Fact]
    public void Every_language_of_the_sources_is_in_the_set_and_scored()
    {
        var report = TaggingEvaluation.Evaluate(Topics, "korea-china", LabelledDocument.ReadAll(DevSet()));
        Assert.Equal(["de", "en", "es", "fr", "ja", "ko", "nl", "ru", "sv", "vi", "zh-Hans", "zh-Hant"],
            report.PerLanguage.Select(l => l.Language));
    }

    [Fact]
    public void A_broken_line_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "set.jsonl");
        File.WriteAllLines(path, ["""{"id":"a","lang":"en","title":"t","body":"b","labels":[]}""", "", """{"id":"b","title":"t"}"""]);
        var e = Assert.Throws<InvalidDataException>(() => LabelledDocument.ReadAll(path));
        Assert.Contains("set.jsonl:3", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"body\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Both sides in one sentence, but as two items in a list of countries: not a relation.
    [InlineData("Asian Games medal table", "Host China topped the table ahead of Japan, South Korea, India, Iran and Thailand. Weightlifting ends on Sunday. Swimming starts on Monday.")]
    // A headline joins them; a long body never does in one sentence.
    [InlineData("Beijing and Seoul lead the ranking", "Tsinghua in Beijing climbed two places. Seoul National University entered the top 30. Tokyo fell. The ranking is criticised for its method.")]
    public void Lists_and_headline_only_joins_are_not_tagged(string title, string body) =>
        Assert.Empty(Tagger.Tag(Topics, title, body));

    [Theory]
    // A feed summary: one sentence under a headline that names both sides.
    [InlineData("China and South Korea hold talks", "The foreign ministers met on Tuesday.")]
    // The sides outnumber a third party in the sentence that joins them.
    [InlineData("Trilateral summit", "China and South Korea agreed with Japan to hold a summit. Beijing and Seoul will prepare it. The date is open.")]
    public void A_short_summary_under_a_joint_headline_and_a_relation_beside_a_third_party_are_tagged(string title, string body) =>
        Assert.Contains(Tagger.Tag(Topics, title, body), t => t.Tag == "korea-china");

    [Theory]
    [InlineData("One. Two.", new[] { "One.", " Two." })]
    [InlineData("The D.P.R.K. and China met. Mr. Kim spoke.", new[] { "The D.P.R.K. and China met.", " Mr. Kim spoke." })]
    [InlineData("On Jan. 15 they met. Then left.", new[] { "On Jan. 15 they met.", " Then left." })]
    [InlineData("北韩与中国会谈。双方同意合作！", new[] { "北韩与中国会谈。", "双方同意合作！" })]
    [InlineData("First line\nSecond line", new[] { "First line\n", "Second line" })]
    public void Sentences_split_at_ends_not_at_initials_or_abbreviations(string text, string[] expected) =>
        Assert.Equal(expected, Sentences.Split(text).Select(s => text[s.Start..s.End]));
}
