using Aggregator.Publishing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Aggregator.Tests.Publishing;

/// <summary>A listing's filters as a reader writes them in a link: what is read, what is refused
/// with a reason, and the canonical query string paging links keep.</summary>
public sealed class ListingQueryTests
{
    private static (ListingQuery Listing, string? Error) Parse(string name, string value)
    {
        var listing = ListingQuery.Parse(new QueryCollection(new Dictionary<string, StringValues> { [name] = value }), null, out var error);
        return (listing, error);
    }

    [Theory]
    [InlineData("2026-11-10", "2026-11-10T00:00:00")]
    [InlineData("2026-11-10T08:30", "2026-11-10T08:30:00")]
    [InlineData("2026-11-10T08:30:00Z", "2026-11-10T08:30:00")]
    [InlineData("2026-11-10 17:30+09:00", "2026-11-10T08:30:00")]
    [InlineData("2026-11-10T17:30 09:00", "2026-11-10T08:30:00")] // "+09:00" unescaped in a link: a + is a space
    public void Since_takes_ISO_8601_dates_and_times(string since, string utc)
    {
        var (listing, error) = Parse("since", since);
        Assert.Null(error);
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), listing.Filter.Since);
        Assert.Equal(DateTimeKind.Utc, listing.Filter.Since!.Value.Kind);
    }

    /// <summary>Read as 11 October in the United States and 10 November in Sweden or Germany: refused, not guessed.</summary>
    [Theory]
    [InlineData("10.11.2026")]
    [InlineData("10/11/2026")]
    [InlineData("11/10")]
    [InlineData("yesterday")]
    public void Since_refuses_dates_read_differently_in_different_countries(string since)
    {
        var (_, error) = Parse("since", since);
        Assert.Equal($"since must be an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (was \"{since}\").", error);
    }

    [Theory]
    [InlineData("kor", "ko")]
    [InlineData("zho", "zh")]
    [InlineData("chi", "zh")]
    [InlineData("JPN", "ja")]
    [InlineData("swe", "sv")]
    [InlineData("ko", "ko")]
    [InlineData("en-US", "en")]
    [InlineData("zh-TW", "zh-Hant")] // Chinese keeps its script: traditional characters
    [InlineData("zh-hk", "zh-Hant")]
    [InlineData("zh-Hant-TW", "zh-Hant")]
    [InlineData("zh_CN", "zh-Hans")]
    [InlineData("zh-Hans", "zh-Hans")]
    [InlineData("zho-TW", "zh-Hant")]
    public void Three_letter_language_codes_are_the_stored_two_letter_ones(string lang, string stored)
    {
        var (listing, error) = Parse("lang", lang);
        Assert.Null(error);
        Assert.Equal(stored, listing.Filter.Language);
        Assert.Equal("?lang=" + stored, listing.QueryString);
    }

    [Theory]
    [InlineData("english")]
    [InlineData("1")]
    public void A_language_that_is_no_code_is_refused(string lang)
    {
        var (_, error) = Parse("lang", lang);
        Assert.Equal($"lang must be a language code such as en, zh, zh-TW, ko (was \"{lang}\").", error);
    }

    [Fact]
    public void More_words_than_a_search_takes_are_refused_not_dropped()
    {
        var (_, error) = Parse("q", "China Korea South and the in to of zzzznotthere");
        Assert.Equal("q has 9 words; a search takes at most 8 (a phrase in quotes counts as one).", error);

        // A phrase counts once.
        var (listing, phraseError) = Parse("q", "\"the Ministry of Trade, Industry and Energy\" Korea");
        Assert.Null(phraseError);
        Assert.Equal(2, listing.Filter.TextForms().Count);
    }

    [Theory]
    [InlineData("THAAD\u0001", "THAAD")]
    [InlineData("\u200BTHAAD\u00AD", "THAAD")]
    [InlineData("THAAD\0", "THAAD")]
    [InlineData("x\uFFFE", "x")]
    public void Invisible_and_control_characters_are_dropped_from_a_search(string q, string kept)
    {
        var (listing, error) = Parse("q", q);
        Assert.Null(error);
        Assert.Equal(kept, listing.Filter.Text);
        Assert.Equal("?q=" + kept, listing.QueryString);
        Assert.NotEmpty(listing.Filter.TextForms()); // U+FFFE threw in normalization: a 500
    }

    [Theory]
    [InlineData("\"Korea\"", "Korea")]
    [InlineData("  Korea   China ", "Korea China")]
    [InlineData("“Yoon  Suk Yeol\" THAAD", "\"Yoon Suk Yeol\" THAAD")]
    [InlineData("「尹錫悦」", "尹錫悦")]
    public void A_search_is_kept_in_one_canonical_form(string q, string canonical)
    {
        var (listing, error) = Parse("q", q);
        Assert.Null(error);
        Assert.Equal(canonical, listing.Filter.Text);
        Assert.Equal("?q=" + Uri.EscapeDataString(canonical), listing.QueryString);
    }

    [Theory]
    [InlineData("\u200B\u00AD")]
    [InlineData("\"")]
    [InlineData("“ ”")]
    public void A_search_of_invisible_characters_or_quotes_alone_is_no_search(string q)
    {
        var (listing, error) = Parse("q", q);
        Assert.Null(error);
        Assert.Null(listing.Filter.Text);
        Assert.Equal("", listing.QueryString);
    }

    [Fact]
    public void A_term_matches_in_a_bounded_number_of_forms() =>
        Assert.InRange(Aggregator.Storage.SearchTerms.Forms("Ｘ0ｑ'ｚ’ド").Count, 1, Aggregator.Storage.SearchTerms.MaxForms);
}
