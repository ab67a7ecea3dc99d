using Aggregator.Evaluation;
using Aggregator.Processing.Stories;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Processing;

/// <summary>Story clustering against ../shared/tagging/neardup-dev.jsonl (labelled pairs), and the
/// rules it rests on.</summary>
public sealed class StoryMatchTests
{
    [Fact]
    public void The_labelled_pairs_score_at_the_target_with_no_different_events_merged()
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "tagging", "neardup-dev.jsonl"));
        RequiredTool.Require(File.Exists(path), "../shared/tagging/neardup-dev.jsonl beside the repository");
        var report = DedupEvaluation.Evaluate(LabelledPair.ReadAll(path));
        Assert.True(report.SameLanguage.F1 >= 0.95, DedupEvaluation.Format(report));
        Assert.Equal(0, report.FalseMergesOfDifferentEvents);
    }

    [Theory]
    [InlineData("Exports rose to 1,400 units", "1400")]
    [InlineData("a crowd of 75 000 people", "75000")]
    [InlineData("a crowd of 75 , 000 people", "75000")]
    [InlineData("Sept. 9, 2018", "9|2018")]
    [InlineData("the 70th anniversary in 2018", "70|2018")]
    [InlineData("their second summit, after the first in Bali", "2nd|1st")]
    [InlineData("firstly, the secondary school", "")]
    [InlineData("the 4th round on the 2nd, the 70th anniversary, 11th hour, the 4thly", "4th|2nd|70|11th|4")]
    [InlineData("fired on monday, said on sunday; mondays and sundayschool", "monday|sunday")]
    [InlineData("북한이 월요일 발사 · 中国外交部星期四表示 · 金曜日に", "monday|thursday|friday")]
    public void Numbers_are_read_with_thousands_separators(string text, string expected)
    {
        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), StoryFingerprint.NumbersIn(text));
    }

    [Fact]
    public void Different_numbers_on_both_sides_are_different_events_however_alike_the_text()
    {
        var a = StoryFingerprint.Of("", "Xi sent a message to Kim on the 70th anniversary of the founding of the republic, state media said on Sunday.", null);
        var b = StoryFingerprint.Of("", "Xi sent a message to Kim on the 75th anniversary of the founding of the republic, state media said on Sunday.", null);
        var match = StoryMatch.Decide(a, b);
        Assert.False(match.Same, match.Reason);
        Assert.Contains("different numbers", match.Reason);
    }

    /// <summary>A formula alert that differs only in its weekday is another occurrence: two
    /// launches, not one story. A weekday on one side only (a follow-up that adds the day) is not.</summary>
    [Fact]
    public void Different_weekdays_on_both_sides_are_different_events()
    {
        const string Alert = "North Korea fired a ballistic missile toward the East Sea on {0} morning, South Korea's Joint Chiefs of Staff said, adding that the military was analysing the launch with the United States.";
        var monday = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "Monday"), null);
        var thursday = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "Thursday"), null);
        var undated = StoryFingerprint.Of("(URGENT) N. Korea fires ballistic missile toward East Sea: JCS", string.Format(Alert, "this").Replace(" this morning", "", StringComparison.Ordinal), null);
        var apart = StoryMatch.Decide(monday, thursday);
        Assert.False(apart.Same, apart.Reason);
        Assert.Contains("different numbers (monday / thursday)", apart.Reason);
        Assert.True(StoryMatch.Decide(monday, undated).Same);
    }

    [Fact]
    public void Numbers_in_the_headline_count_even_when_its_words_do_not()
    {
        const string body = "Chinese President Xi Jinping sent a message to Kim Jong Un congratulating him on the anniversary of the founding of the republic, state media reported on Sunday, calling the two countries friendly neighbours.";
        var a = StoryFingerprint.Of("Xi congratulates Kim on 70th founding anniversary", body, null);
        var b = StoryFingerprint.Of("Xi congratulates Kim on 75th founding anniversary", body, null);
        Assert.False(StoryMatch.Decide(a, b).Same);
    }

    [Fact]
    public void Only_specific_figures_make_index_keys()
    {
        // Years, single digits and ordinal words are in nearly every story: keys made of them
        // would be shared by thousands of items.
        var common = StoryFingerprint.Of("", "In 2025 the second round of 3 talks began on the 1st day, officials said on Monday.", null);
        Assert.DoesNotContain(common.Keys, k => StoryKeys.KindOf(k) == KeyKind.Figures);
        var specific = StoryFingerprint.Of("", "The 120-tonne trawler was fishing about 80 kilometres southwest of the island in 2019.", null);
        Assert.Single(specific.Keys, k => StoryKeys.KindOf(k) == KeyKind.Figures);
    }

    [Fact]
    public void Copies_published_more_than_a_week_apart_are_different_events()
    {
        const string body = "The coast guard said about 300 Chinese fishing boats took shelter off the southwest coast as the typhoon approached on Monday.";
        var day = new DateTime(2022, 9, 5, 0, 0, 0, DateTimeKind.Utc);
        Assert.True(StoryMatch.Decide(StoryFingerprint.Of("", body, day), StoryFingerprint.Of("", body, day.AddDays(2))).Same);
        Assert.False(StoryMatch.Decide(StoryFingerprint.Of("", body, day), StoryFingerprint.Of("", body, day.AddDays(30))).Same);
    }
}
