using System.Text;
using System.Text.Json;
using Aggregator.Parsing.Feeds;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Parsing;

/// <summary>Table-driven over real feed files in testdata/feeds, named after the quirk they
/// carry; testdata/feeds/expected.json says what a reader should get from each.</summary>
public sealed class FeedParsingTests
{
    public static TheoryData<string> Files() => new(Expected().Select(e => e.GetProperty("file").GetString()!));

    [Theory]
    [MemberData(nameof(Files))]
    public void Reads_the_feed(string file)
    {
        var expected = Expected().Single(e => e.GetProperty("file").GetString() == file);
        var url = expected.TryGetProperty("url", out var u) ? new Uri(u.GetString()!) : null;
        // The charset a server sends with it, where the file is about that label.
        var charset = expected.TryGetProperty("httpCharset", out var c) ? c.GetString() : null;
        var result = FeedParser.Parse(File.ReadAllBytes(RepoPaths.TestData("feeds", file)), url, charset);

        if (expected.TryGetProperty("error", out var error))
        {
            Assert.Null(result.Feed);
            Assert.Contains(error.GetString()!, result.Error, StringComparison.Ordinal);
            Assert.Equal(expected.GetProperty("alternates").EnumerateArray().Select(a => a.GetString()), result.Alternates);
            return;
        }
        var feed = result.Feed ?? throw new Xunit.Sdk.XunitException(result.Error);
        Assert.Equal(expected.GetProperty("format").GetString(), feed.Format);
        Assert.True(expected.GetProperty("bozo").GetBoolean() == feed.Bozo, "bozo: " + string.Join("; ", feed.Problems));
        if (expected.TryGetProperty("problem", out var problem))
            Assert.Contains(problem.GetString(), feed.Problems);
        Assert.Equal(expected.GetProperty("title").GetString(), feed.Title?.Plain);
        Check(expected, "link", feed.Link);
        Check(expected, "language", feed.Language);
        if (expected.TryGetProperty("minimumIntervalMinutes", out var minutes))
            Assert.Equal(TimeSpan.FromMinutes(minutes.GetInt32()), feed.MinimumInterval);

        var entries = expected.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(entries.Count, feed.Entries.Count);
        foreach (var (want, got) in entries.Zip(feed.Entries))
        {
            Check(want, "id", got.Id);
            Check(want, "title", got.Title?.Plain);
            Check(want, "link", got.Link);
            Check(want, "published", Iso(got.Published));
            Check(want, "updated", Iso(got.Updated));
            Check(want, "author", got.Author);
            Check(want, "summary", got.Summary?.Plain);
            Check(want, "content", got.Content?.Plain);
            if (want.TryGetProperty("categories", out var categories))
                Assert.Equal(categories.EnumerateArray().Select(c => c.GetString()), got.Categories);
        }
    }

    /// <summary>An encoding override set for a feed that mislabelled its EUC-KR as UTF-8 turned
    /// every entry into mojibake once the site was fixed, and overwrote the good items stored
    /// before. Bytes that are valid UTF-8 and not valid in the override, or that begin with a
    /// byte order mark, are read as UTF-8 with a warning that names the override.</summary>
    /// <summary>Shift_JIS's NEC-selected IBM extensions (lead bytes ED, EE), which .NET's code page
    /// 932 leaves undecoded and browsers read: 髙 and 﨑 of Japanese surnames and company names came
    /// out as U+FFFD. The same characters at their IBM code points (FA–FC) read the same.</summary>
    [Fact]
    public void Shift_JIS_reads_the_NEC_selected_IBM_extensions_as_browsers_do()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        byte[] Sjis(string text) => Encoding.GetEncoding(932).GetBytes(text);
        byte[] head = Sjis("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><rss version=\"2.0\"><channel><title>天気</title><item><title>");
        byte[] tail = Sjis("</title><description>晴れ</description></item></channel></rss>");
        // 髙島屋前 山﨑 ⅰ ＂ 浯, with 髙 as EE E0 (not FB FC), 﨑 as ED 95, ⅰ as EE EF, ＂ as EE FC, 浯 as ED E0.
        byte[] title = [0xEE, 0xE0, .. Sjis("島屋前 山"), 0xED, 0x95, 0x20, 0xEE, 0xEF, 0x20, 0xEE, 0xFC, 0x20, 0xED, 0xE0];
        var result = FeedParser.Parse([.. head, .. title, .. tail]);
        var entry = Assert.Single(result.Feed!.Entries);
        Assert.Equal("髙島屋前 山﨑 ⅰ ＂ 浯", entry.Title!.Plain);
        Assert.DoesNotContain(result.Feed.Problems, p => p.Contains("not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void An_encoding_override_gives_way_to_a_feed_fixed_since()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        const string Rss = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>연합뉴스</title><item><guid>1</guid><title>한국 중국 외교 관계 첫 기사</title></item></channel></rss>""";
        var mislabelled = FeedParser.Parse(Encoding.GetEncoding("euc-kr").GetBytes(Rss), null, "utf-8", "euc-kr").Feed!;
        Assert.Equal("한국 중국 외교 관계 첫 기사", mislabelled.Entries[0].Title?.Plain);
        Assert.False(mislabelled.Bozo, string.Join("; ", mislabelled.Problems));

        var fixedSince = FeedParser.Parse(Encoding.UTF8.GetBytes(Rss), null, "utf-8", "euc-kr").Feed!;
        Assert.Equal("한국 중국 외교 관계 첫 기사", fixedSince.Entries[0].Title?.Plain);
        Assert.Contains(fixedSince.Problems, p => p.StartsWith("the encoding override euc-kr no longer fits: the bytes are valid UTF-8 and not valid EUC-KR (CP949); read as UTF-8", StringComparison.Ordinal));

        var withBom = FeedParser.Parse([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Rss)], null, null, "euc-kr").Feed!;
        Assert.Equal("한국 중국 외교 관계 첫 기사", withBom.Entries[0].Title?.Plain);
        Assert.Contains("the encoding override euc-kr was not used: the document begins with a UTF-8 byte order mark", withBom.Problems);

        // An override that makes the feed unreadable says it was used.
        var wrong = FeedParser.Parse(Encoding.UTF8.GetBytes(Rss), null, null, "utf-16");
        Assert.Null(wrong.Feed);
        Assert.EndsWith("(read with the feed's encoding override, utf-16; `aggregator feeds edit URL --encoding \"\"` removes it)", wrong.Error, StringComparison.Ordinal);
    }

    /// <summary>The content's links resolve against the xml:base in scope of the content element
    /// (feed, entry and content each add theirs), as feedparser resolves them; its entry link
    /// says nothing about them.</summary>
    /// <summary>Many Chinese and Korean outlets declare no language: their times without a zone
    /// are read in the zone of the script they write in, not as UTC.</summary>
    [Theory]
    [InlineData("习近平会见韩国总统，双方就中韩关系交换意见。", "2025-09-05T07:20:00Z")]
    [InlineData("한중 정상회담이 베이징에서 열렸다. 양국은 협력을 확대하기로 했다.", "2025-09-05T06:20:00Z")]
    [InlineData("日中韓首脳会談が東京で開かれ、三か国の協力について話し合った。", "2025-09-05T06:20:00Z")]
    [InlineData("Leaders of South Korea and China met in Beijing on Friday.", "2025-09-05T15:20:00Z")]
    [InlineData("Xi spoke of 一带一路 and 人类命运共同体 when the leaders of South Korea and China met.", "2025-09-05T15:20:00Z")] // quoted, not written in
    [InlineData("Spring Boot에서 JPA N+1 problem: fetch join and @EntityGraph compared with batch size settings in Hibernate.", "2025-09-05T06:20:00Z")] // Korean with much Latin
    public void Times_without_a_zone_in_a_feed_without_a_language_are_in_its_script_s_zone(string text, string expected)
    {
        var rss = $"""<rss version="2.0"><channel><title>T</title><item><title>{text[..10]}</title><guid>1</guid><pubDate>2025-09-05 15:20:00</pubDate><description>{text}</description></item></channel></rss>""";
        var json = $$"""{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","title":"{{text[..10]}}","content_text":"{{text}}","date_published":"2025-09-05T15:20:00"}]}""";
        var atom = $"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>t</id><updated>2025-09-05T15:20:00</updated><entry><id>1</id><title>{text[..10]}</title><published>2025年9月5日 15:20</published><updated>2025-09-05T15:20:00</updated><content>{text}</content></entry></feed>""";

        foreach (var body in new[] { rss, json, atom })
        {
            var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(body)).Feed!;
            Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), feed.Entries.Single().Published);
            Assert.Null(feed.Language); // the declared language, as feedparser reports it, stays none
        }
    }

    /// <summary>Written as character references or JSON escapes, Korean is still Korean.</summary>
    [Fact]
    public void The_zone_follows_the_decoded_text_not_its_escapes()
    {
        var korean = "한중 정상회담이 베이징에서 열렸다. 양국은 협력을 확대하기로 했다.";
        static string References(string text) => string.Concat(text.Select(c => c < 128 ? c.ToString() : $"&#x{(int)c:X};"));
        static string Escapes(string text) => string.Concat(text.Select(c => c < 128 ? c.ToString() : $"\\u{(int)c:x4}"));
        var rss = $"""<rss version="2.0"><channel><title>T</title><item><title>{References(korean[..6])}</title><guid>1</guid><pubDate>2025-09-05 15:20:00</pubDate><description>{References(korean)}</description></item></channel></rss>""";
        var json = $$"""{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","title":"{{Escapes(korean[..6])}}","content_text":"{{Escapes(korean)}}","date_published":"2025-09-05T15:20:00"}]}""";

        foreach (var body in new[] { rss, json })
            Assert.Equal(new DateTime(2025, 9, 5, 6, 20, 0, DateTimeKind.Utc), FeedParser.Parse(Encoding.UTF8.GetBytes(body)).Feed!.Entries.Single().Published);
    }

    /// <summary>A feed with no entries is healthy however much was repaired in it, when the
    /// &lt;item&gt; in it is text: in a CDATA section or a comment.</summary>
    [Theory]
    [InlineData("<description><![CDATA[How to add an <item> to a feed]]> &nbsp;</description>")]
    [InlineData("<!-- <item><title>template</title></item> --><description>Q&A</description>")]
    public void An_empty_feed_mentioning_items_in_text_is_not_failed(string channel)
    {
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes($"<rss version=\"2.0\"><channel><title>T</title>{channel}</channel></rss>")).Feed!;
        Assert.True(feed.Bozo);
        Assert.Null(feed.Unreadable);
    }

    [Fact]
    public void A_ttl_past_the_range_of_an_int_asks_for_a_very_long_wait_rather_than_none()
    {
        var feed = FeedParser.Parse("<rss version=\"2.0\"><channel><title>T</title><ttl>2147483648</ttl></channel></rss>"u8.ToArray()).Feed!;
        Assert.True(feed.MinimumInterval > TimeSpan.FromDays(365 * 100), $"{feed.MinimumInterval}");
    }

    [Fact]
    public void Links_inside_content_resolve_against_the_xml_base_of_the_element_they_came_from()
    {
        var feed = FeedParser.Parse(File.ReadAllBytes(RepoPaths.TestData("feeds", "atom10_xml_base_in_content.xml"))).Feed!;
        var entry = Assert.Single(feed.Entries);

        Assert.Equal("http://example.org/news/2025/story.html", entry.Link);
        Assert.Contains("href=\"http://example.org/news/2025/sub/rel.html\"", entry.Content!.Value, StringComparison.Ordinal);
        Assert.Contains("src=\"http://example.org/img/a.png\"", entry.Content.Value, StringComparison.Ordinal);
        Assert.Contains("href=\"http://example.org/news/2025/sum.html\"", entry.Summary!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_cannot_crash_the_process()
    {
        const int depth = 200_000;
        var xml = new StringBuilder("<rss version=\"2.0\"><channel><title>Deep</title><item><title>Nested</title><description>");
        for (var i = 0; i < depth; i++) xml.Append("<div>");
        for (var i = 0; i < depth; i++) xml.Append("</div>");
        xml.Append("</description></item></channel></rss>");

        var result = FeedParser.Parse(Encoding.UTF8.GetBytes(xml.ToString()));

        Assert.Equal("Deep", result.Feed!.Title?.Plain);
        Assert.Contains(result.Feed.Problems, p => p.Contains("nested deeper than 256 levels", StringComparison.Ordinal));
    }

    [Fact]
    public void Entity_expansion_stays_bounded()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = FeedParser.Parse(File.ReadAllBytes(RepoPaths.TestData("feeds", "billion_laughs.xml")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(result.Feed!.Title!.Plain.Length < 100, "no entity was expanded");
    }

    [Theory]
    [InlineData("", "the document is empty")]
    [InlineData("<html><body>hi</body></html>", "not a feed")]
    [InlineData("<opml version=\"2.0\"><body/></opml>", "not a feed: the root element is <opml>")]
    [InlineData("{\"title\": \"x\"}", "not a feed: JSON without a jsonfeed.org version")]
    [InlineData("<<<", "not well-formed XML at line 1")]
    [InlineData("Service Unavailable. Please try again later.\n", "not a feed: plain text, not XML or JSON (it begins \"Service Unavailable. Please try again later.\")")]
    public void Unreadable_input_says_what_it_is(string body, string message)
    {
        var result = FeedParser.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Null(result.Feed);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    /// <summary>Unescaped HTML rewritten as an HTML parser reads it, only where an XML parser stops.</summary>
    [Theory]
    [InlineData("<d><b>x</d>", "<d><b>x</b></d>")]
    [InlineData("<d>x</p> y</d>", "<d>x y</d>")]
    [InlineData("<description>a<br>b<img src=\"i.png\">c</description>", "<description>a<br/>b<img src=\"i.png\"/>c</description>")]
    [InlineData("<item><meta>kept</meta><b>x</item>", "<item><meta>kept</meta><b>x</b></item>")]
    [InlineData("<d><font size=2 face='x'>y</font></d>", "<d><font size=\"2\" face=\"x\">y</font></d>")]
    [InlineData("<d><td nowrap>y</td></d>", "<d><td nowrap=\"nowrap\">y</td></d>")]
    [InlineData("<d><a href=\"1\" href=\"2\">y</a></d>", "<d><a href=\"1\">y</a></d>")]
    [InlineData("<d><P>y</p></d>", "<d><P>y</P></d>")]
    [InlineData("<d title=\"x > y\"><b>z</d>", "<d title=\"x > y\"><b>z</b></d>")]
    [InlineData("<i><t>a</t><d><b>x</i><i><t>b</t></i>", "<i><t>a</t><d><b>x</b></d></i><i><t>b</t></i>")]
    [InlineData("<title><img alt=\"<사진> 회담\" src=\"a.jpg\"> x</title>", "<title><img alt=\"&lt;사진> 회담\" src=\"a.jpg\"/> x</title>")]
    [InlineData("<d>a <!-- old -- text --> b<!-- fine --></d>", "<d>a  b<!-- fine --></d>")]
    [InlineData("<d>a</d>\n<?xml version=\"1.0\"?><e/>", "<d>a</d>\n<e/>")]
    [InlineData("<c><item><t>a</t><item><t>b</t></item></c>", "<c><item><t>a</t></item><item><t>b</t></item></c>")] // an entry never holds another
    [InlineData("<c><entry><p>a<entry>b</entry></c>", "<c><entry><p>a</p></entry><entry>b</entry></c>")]
    [InlineData("<d><!DOCTYPE html><p>x</p></d>", "<d><p>x</p></d>")]
    [InlineData("<d><o:p xmlns:o=\"\">x</o:p></d>", "<d><o:p>x</o:p></d>")]
    public void Unbalanced_html_is_closed_where_an_html_parser_closes_it(string broken, string balanced)
    {
        var (text, repairs) = RetryRepairs.BalanceTags(broken);
        Assert.NotEqual(RetryRepairs.TagRepairs.None, repairs);
        Assert.Equal(balanced, text);
    }

    [Theory]
    [InlineData("<d><![CDATA[<b>x</p>]]></d>")]
    [InlineData("<d><!-- <b> --><x/></d>")]
    [InlineData("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>a</title></item></channel></rss>")]
    [InlineData("<d><b>cut off")]
    public void Markup_an_xml_parser_reads_is_left_as_it_is(string text) =>
        Assert.Equal((text, RetryRepairs.TagRepairs.None), RetryRepairs.BalanceTags(text));

    /// <summary>`parse --json` gives a web page's advertised feeds as a field, for scripts.</summary>
    [Fact]
    public void The_json_record_of_a_web_page_lists_its_advertised_feeds()
    {
        var result = FeedParser.Parse(File.ReadAllBytes(RepoPaths.TestData("feeds", "html_page_with_alternates.html")));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            ConformanceRecord.Write(writer, "page.html", result);
        var record = JsonDocument.Parse(buffer.ToArray()).RootElement;
        Assert.Equal(result.Alternates, record.GetProperty("alternates").EnumerateArray().Select(a => a.GetString()));
        Assert.NotEmpty(result.Alternates);
    }

    /// <summary>RFC 4287 §4.1.3.3: the div wrapping xhtml content is not part of it, whichever reader reads it.</summary>
    [Fact]
    public void Xhtml_content_comes_without_its_wrapping_div_and_keeps_the_spaces_between_its_elements()
    {
        const string atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>tag:x,2024:f</id><updated>2024-03-05T09:00:00Z</updated>
            <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Talks <b>resume</b></div></title><id>tag:x,2024:1</id><updated>2024-03-05T09:00:00Z</updated>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="https://x.example/1">link</a> <a href="https://x.example/2">[42 comments]</a></div></content></entry></feed>
            """;
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(atom)).Feed!;

        Assert.Equal("syndication", feed.Reader);
        var entry = feed.Entries.Single();
        Assert.DoesNotContain("<div", entry.Content!.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("<div", entry.Title!.Value, StringComparison.Ordinal);
        Assert.Equal("link [42 comments]", entry.Content.Plain);
    }

    /// <summary>An Atom entry without an author is the source's or the feed's (RFC 4287 §4.2.1): the
    /// stored byline says so, while the parser's record keeps what the entry itself says, as feedparser.</summary>
    [Fact]
    public void An_atom_entry_without_an_author_is_stored_under_its_source_s_or_its_feed_s()
    {
        const string atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Planet</title><id>tag:x,2024:f</id><updated>2024-03-05T09:00:00Z</updated><author><name>The Planet</name></author>
            <entry><title>From a member blog</title><id>tag:x,2024:1</id><updated>2024-03-05T09:00:00Z</updated><summary>One.</summary>
              <source><id>tag:alice,2024:f</id><title>Alice</title><author><name>Alice</name></author></source></entry>
            <entry><title>From the planet itself</title><id>tag:x,2024:2</id><updated>2024-03-05T09:00:00Z</updated><summary>Two.</summary></entry>
            <entry><title>Signed</title><id>tag:x,2024:3</id><updated>2024-03-05T09:00:00Z</updated><author><name>Bob</name></author><summary>Three.</summary></entry></feed>
            """;
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(atom)).Feed!;

        Assert.Equal([null, null, "Bob"], feed.Entries.Select(e => e.Author));
        Assert.Equal(["Alice", "The Planet", "Bob"], feed.Entries.Select(e => Aggregator.Ingestion.FeedIngestor.Article(e, feed)!.Value.Article.Author));
    }

    /// <summary>A photo post or a podcast episode with no title and no text is kept under its
    /// address, as Miniflux titles it, not dropped; only an entry with nothing at all is.</summary>
    [Fact]
    public void An_entry_without_title_or_text_is_named_by_its_address()
    {
        const string json = """
            {"version":"https://jsonfeed.org/version/1.1","title":"M","items":[
             {"id":"p1","url":"https://m.example/p1","content_html":"<img src=\"https://m.example/a.jpg\">"},
             {"id":"p2","attachments":[{"url":"https://m.example/episode.mp3","mime_type":"audio/mpeg"}]},
             {"id":"p3"}]}
            """;
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(json)).Feed!;

        var articles = feed.Entries.Select(e => Aggregator.Ingestion.FeedIngestor.Article(e, feed)).ToList();
        Assert.Equal(["https://m.example/p1", "https://m.example/episode.mp3", null], articles.Select(a => a?.Article.Title));
    }

    /// <summary>A feed that republishes other outlets' entries (Google News, a planet) names each
    /// one's source: that is the outlet stored, and its name is cut from the headline and from a
    /// summary that is only the headline ("… - The Korea Herald": no evidence of Korea).</summary>
    [Fact]
    public void An_aggregating_feed_names_each_entrys_outlet()
    {
        const string rss = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>"China Korea" - Google News</title><link>https://news.google.com</link><description>Google News</description>
            <item><title>China's EV makers court European buyers - The Korea Herald</title><link>https://news.google.com/rss/articles/a1</link>
              <guid isPermaLink="false">a1</guid><pubDate>Mon, 24 Nov 2025 08:00:00 GMT</pubDate>
              <description>&lt;a href="https://news.google.com/rss/articles/a1"&gt;China's EV makers court European buyers&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;The Korea Herald&lt;/font&gt;</description>
              <source url="https://www.koreaherald.com">The Korea Herald</source></item>
            <item><title>Seoul and Beijing to resume talks</title><link>https://example.org/b</link><description>Officials said the talks would resume.</description></item>
            </channel></rss>
            """;
        var feed = FeedParser.Parse(Encoding.UTF8.GetBytes(rss)).Feed!;
        var articles = feed.Entries.Select(e => Aggregator.Ingestion.FeedIngestor.Article(e, feed)!.Value.Article).ToList();
        Assert.Equal(["The Korea Herald", "\"China Korea\" - Google News"], articles.Select(a => a.Outlet));
        Assert.Equal(["China's EV makers court European buyers", "Seoul and Beijing to resume talks"], articles.Select(a => a.Title));
        Assert.Equal("China's EV makers court European buyers", articles[0].Body);

        const string atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Planet Korea</title><id>urn:p</id><updated>2025-11-24T08:00:00Z</updated>
            <entry><id>urn:e1</id><title>Busan port volumes rise</title><updated>2025-11-24T08:00:00Z</updated><content>Volumes rose 4%.</content>
              <source><id>urn:s</id><title type="html">Busan &amp;amp; Ports Weekly</title></source></entry></feed>
            """;
        var planet = FeedParser.Parse(Encoding.UTF8.GetBytes(atom)).Feed!;
        Assert.Equal("Busan & Ports Weekly", Aggregator.Ingestion.FeedIngestor.Article(planet.Entries[0], planet)!.Value.Article.Outlet);
    }

    private static void Check(JsonElement want, string name, string? actual)
    {
        if (want.TryGetProperty(name, out var value))
            Assert.True(value.ValueKind == JsonValueKind.Null ? actual is null : value.GetString() == actual, $"{name}: expected {value}, got {actual ?? "null"}");
    }

    private static string? Iso(DateTime? d) => d?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static List<JsonElement> Expected() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("feeds", "expected.json"))).RootElement.EnumerateArray().ToList();
}
