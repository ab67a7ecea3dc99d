using Aggregator.Processing;

namespace Aggregator.Tests.Processing;

public sealed class SearchGramsTests
{
    [Theory]
    [InlineData("Korea", new[] { "kor", "ore", "rea" })]
    [InlineData("EU", new[] { "eu" })]
    [InlineData("韩", new[] { "韩" })]
    [InlineData("中韩关系", new[] { "中韩关", "韩关系" })]
    [InlineData("Korea-China", new[] { "kor", "ore", "rea", "chi", "hin", "ina" })]
    [InlineData("U.S.", new[] { "u", "s" })]
    [InlineData("--", new string[0])]
    public void A_word_needs_the_grams_of_its_runs(string word, string[] grams) =>
        Assert.Equal(grams, SearchGrams.OfWord(word));

    /// <summary>The property the index rests on: every substring of an item's text, in any case,
    /// needs only grams the item has. Checked over every substring of up to 12 characters.</summary>
    [Theory]
    [InlineData("Sydkoreas utrikesminister möter Kinapolitiken i Peking.")]
    [InlineData("韩国外交部长与中国外交部长在北京会谈，讨论中韩关系。")]
    [InlineData("한국과 중국의 외교장관이 베이징에서 만나 한중 관계를 논의했다.")]
    [InlineData("ＤＰＲＫ問題について2025年9月5日に協議した。STÄRKA banden!")]
    public void Every_substring_of_a_text_needs_only_grams_the_text_has(string text)
    {
        var grams = SearchGrams.OfItem("", text)!;
        for (var start = 0; start < text.Length; start++)
            for (var length = 1; length <= 12 && start + length <= text.Length; length++)
            {
                var word = text.Substring(start, length);
                foreach (var form in new[] { word, word.ToUpperInvariant(), word.ToLowerInvariant() })
                    Assert.All(SearchGrams.OfWord(form), g => Assert.Contains(g, grams));
            }
    }

    /// <summary>What PostgreSQL's ILIKE takes for the same letters, and .NET does not: glibc lowers
    /// İ to i, ICU lowers Σ to ς at a word's end and İ to i with a combining dot.</summary>
    [Theory]
    [InlineData("İsrail ve İran", "israil")]
    [InlineData("israil", "İsrail")]
    [InlineData("ısrail", "ISRAIL")]
    [InlineData("ΟΔΥΣΣΕΑΣ", "ας")]
    [InlineData("ο κόσμος", "ΌΣΜΟΣ")]
    [InlineData("i\u0307srail", "İsrail")]
    [InlineData("İsrail", "i\u0307srail")]
    public void Letters_a_database_lowers_otherwise_need_only_grams_the_text_has(string text, string word)
    {
        var grams = SearchGrams.OfItem("", text)!;
        Assert.All(SearchGrams.OfWord(word), g => Assert.Contains(g, grams));
    }

    [Fact]
    public void An_item_with_too_many_grams_is_not_indexed()
    {
        var body = Random(60_000);
        Assert.Null(SearchGrams.OfItem("title", body));
        Assert.NotNull(SearchGrams.OfItem("title", body[..2_000]));
    }

    /// <summary>Characters of CJK Extension A at random (seeded): about as many distinct grams as characters.</summary>
    public static string Random(int length)
    {
        var random = new Random(1);
        return new string(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x3400, 0x4DC0)).ToArray());
    }
}
