using Aggregator.Processing;

namespace Aggregator.Tests.Processing;

public class EntryRulesTests
{
    private static readonly EntryFields Summit = new("Xi and Lee meet in Gyeongju", "https://www.yna.co.kr/view/AEN2025110100", "Kim Soo-yeon",
        ["Politics", "North Korea"], "Yonhap News Agency", "Chinese President Xi Jinping and South Korean President Lee Jae-myung met on Saturday.");

    private static readonly EntryFields Baseball = new("두산, 한국시리즈 진출", "https://www.yna.co.kr/sports/AKR2025110100", null,
        ["스포츠"], "연합뉴스", "프로야구 두산 베어스가 한국시리즈에 진출했다.");

    /// <summary>A bare rule is matched against the title, link, author and categories, never the
    /// text or the outlet (a word every article of a feed says, or its own name, would leave out
    /// the whole feed); a field name says which one.</summary>
    [Theory]
    [InlineData("gyeongju", true)] // the title, in any case
    [InlineData("/view/AEN", true)] // the link
    [InlineData("soo-yeon", true)] // the author
    [InlineData("^north korea$", true)] // a category, whole
    [InlineData("Jae-myung", false)] // only in the text
    [InlineData("Yonhap", false)] // only the outlet
    [InlineData("text:Jae-myung", true)]
    [InlineData("outlet:^yonhap", true)]
    [InlineData("title:yna", false)] // in the link, not the title
    [InlineData("link:yna\\.co\\.kr/view", true)]
    [InlineData("author:^kim", true)]
    [InlineData("category:^politics$", true)]
    [InlineData("category:^korea$", false)]
    [InlineData("TITLE: Xi and", true)] // the field's name in any case, spaces after the colon
    [InlineData("Title:Xi", true)]
    [InlineData("headline:Xi", false)] // not a field: the whole rule is the expression
    public void A_rule_matches_its_fields(string rule, bool matches)
    {
        Assert.Null(EntryRule.Problem(rule));
        Assert.Equal(matches, EntryRule.Parse(rule).Matches(Summit));
    }

    [Fact]
    public void Rules_match_in_every_script()
    {
        Assert.True(EntryRule.Parse("category:^스포츠$").Matches(Baseball));
        Assert.True(EntryRule.Parse("한국시리즈").Matches(Baseball));
        Assert.False(EntryRule.Parse("한국시리즈").Matches(Summit));
        Assert.True(EntryRule.Parse("ＸＩ|xi").Matches(Summit)); // case folds; width does not, so either is written
    }

    /// <summary>Block wins over keep; with keep rules, an entry must match one of them.</summary>
    [Fact]
    public void Block_rules_leave_out_and_keep_rules_let_in()
    {
        var blockSports = EntryRules.Of("category:스포츠|sports\ntitle:^weather", null)!;
        Assert.True(blockSports.Admits(Summit));
        Assert.False(blockSports.Admits(Baseball));

        var keepChina = EntryRules.Of(null, "text:chinese|china|중국")!;
        Assert.True(keepChina.Admits(Summit));
        Assert.False(keepChina.Admits(Baseball));

        var both = EntryRules.Of("author:kim", "text:chinese")!;
        Assert.False(both.Admits(Summit)); // kept by one rule, left out by the other: left out

        Assert.Null(EntryRules.Of(null, null));
        Assert.Null(EntryRules.Of("\n \n", ""));
    }

    [Fact]
    public void Rules_are_stored_one_per_line_without_blank_ones()
    {
        Assert.Equal("title:a\ncategory:b", EntryRules.Stored([" title:a ", "", "category:b", "  "]));
        Assert.Null(EntryRules.Stored(["", " "]));
        Assert.Equal(["title:a", "category:b"], EntryRules.Lines("title:a\n\n category:b \n"));
        Assert.Empty(EntryRules.Lines(null));
    }

    /// <summary>Rules come from subscription lists and command lines: one that cannot be used is
    /// refused with the reason. The engine never backtracks, so a pattern such as (a+)+$ cannot
    /// hold a poll for minutes; what that engine cannot do (lookarounds, backreferences) is refused.</summary>
    [Theory]
    [InlineData("title:[Seoul", "title:[Seoul")]
    [InlineData("(?<=Seoul)Beijing", "(?<=Seoul)Beijing")]
    [InlineData("(\\w+) \\1", "(\\w+) \\1")]
    [InlineData("category:", "no expression after category:")]
    [InlineData("  ", "no expression")]
    public void A_rule_that_cannot_be_used_is_refused_with_the_reason(string rule, string said)
    {
        var problem = EntryRule.Problem(rule);
        Assert.NotNull(problem);
        Assert.Contains(said, problem, StringComparison.Ordinal);
        if (rule.Trim().Length > 0 && !rule.EndsWith(':'))
            Assert.True(problem.Length > said.Length + 6, problem); // and why
    }

    [Fact]
    public void A_pattern_that_backtracks_for_ever_elsewhere_matches_at_once_here()
    {
        var evil = EntryRule.Parse("text:^(a+)+$");
        Assert.True(evil.Pattern.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        // A backtracking engine would not return from this within the age of the universe.
        Assert.False(evil.Matches(Summit with { Text = new string('a', 50_000) + "!" }));
    }

    [Fact]
    public void A_stored_rule_that_cannot_be_used_names_itself()
    {
        var error = Assert.Throws<InvalidDataException>(() => EntryRules.Of("title:ok", "link:(?=x)"));
        Assert.Contains("its keep rule \"link:(?=x)\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("feeds edit --keep", error.Message, StringComparison.Ordinal);
        // Cut short to its field: an empty expression would match every entry and leave the feed empty.
        var empty = Assert.Throws<InvalidDataException>(() => EntryRules.Of("category:", null));
        Assert.Contains("its block rule \"category:\": no expression after category:", empty.Message, StringComparison.Ordinal);
    }
}
