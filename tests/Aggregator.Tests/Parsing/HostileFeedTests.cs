using System.Text;
using Aggregator.Parsing.Feeds;

namespace Aggregator.Tests.Parsing;

/// <summary>Bodies within the size limit built to cost time or memory out of proportion, or to
/// lose more than their own broken part: each is read in about linear time, and keeps what can
/// be kept. The timeouts only stop a test that would otherwise run for hours.</summary>
public sealed class HostileFeedTests
{
    private static string Rss(string items) => $"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>http://x.example/</link>{items}</channel></rss>";

    private static FeedParseResult Parse(string text) => FeedParser.Parse(Encoding.UTF8.GetBytes(text), new Uri("http://x.example/feed"));

    /// <summary>Parsed on the pool, given up when the test's time is out.</summary>
    private static Task<FeedParseResult> ParseInTimeAsync(string text, CancellationToken ct) => Task.Run(() => Parse(text), ct).WaitAsync(ct);

    /// <summary>A million unclosed tags and a million stray end tags (7 MB): the repair that
    /// balances them walked every open tag for each end tag, hours for this body.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Many_tags_left_open_then_closed_wrongly_are_balanced_in_linear_time()
    {
        const int n = 1_000_000;
        var result = await ParseInTimeAsync(Rss($"<item><title>Kept</title><description>{string.Concat(Enumerable.Repeat("<a>", n))}{string.Concat(Enumerable.Repeat("</b>", n))}</description></item>"
            + "<item><title>After</title></item>"), TestContext.Current.CancellationToken);

        Assert.Equal(["Kept", "After"], result.Feed!.Entries.Select(e => e.Title?.Plain));
        Assert.Contains(result.Feed.Problems, p => p.Contains("nested deeper than 256 levels were left out", StringComparison.Ordinal));
    }

    /// <summary>One description nested past the depth bound: that subtree goes, not its entry
    /// and every entry after it.</summary>
    [Fact]
    public void Nesting_past_the_bound_costs_that_subtree_only()
    {
        var deep = string.Concat(Enumerable.Repeat("<div>", 1000)) + "deep" + string.Concat(Enumerable.Repeat("</div>", 1000));
        var result = Parse(Rss($"<item><title>One</title><description>{deep}</description></item><item><title>Two</title></item><item><title>Three</title></item>"));

        Assert.Equal(["One", "Two", "Three"], result.Feed!.Entries.Select(e => e.Title?.Plain));
        Assert.Null(result.Feed.BrokenAt);
        Assert.Contains("elements nested deeper than 256 levels were left out (from line 1", string.Join("; ", result.Feed.Problems), StringComparison.Ordinal);
    }

    /// <summary>400,000 attributes on one element: each was checked against all before it.</summary>
    [Fact(Timeout = 120_000)]
    public async Task An_element_with_many_attributes_is_read_in_linear_time()
    {
        var attributes = string.Concat(Enumerable.Range(0, 400_000).Select(i => $" a{i}=\"1\""));
        var result = await ParseInTimeAsync(Rss($"<item><title>Wide</title><category{attributes}>news</category></item>"), TestContext.Current.CancellationToken);

        Assert.Equal("Wide", Assert.Single(result.Feed!.Entries).Title?.Plain);
        Assert.Contains("attributes after the first 256 of an element were left out (from line 1)", result.Feed.Problems.Single(), StringComparison.Ordinal);
    }

    /// <summary>HTML content nested 100,000 deep under xml:base: resolving its links parsed it
    /// as HTML, in time that grows faster than its size; it is left as it is.</summary>
    [Fact(Timeout = 120_000)]
    public async Task Deep_html_under_xml_base_is_left_as_it_is()
    {
        var html = System.Security.SecurityElement.Escape(string.Concat(Enumerable.Repeat("<div>", 100_000)) + "<a href=\"x\">x</a>" + string.Concat(Enumerable.Repeat("</div>", 100_000)));
        var atom = $"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://x.example/"><title>T</title><entry><title>Deep</title><id>urn:d</id><content type="html">{html}</content></entry></feed>""";

        var entry = Assert.Single((await ParseInTimeAsync(atom, TestContext.Current.CancellationToken)).Feed!.Entries);

        Assert.StartsWith("<div><div>", entry.Content!.Value, StringComparison.Ordinal);
        Assert.Contains("<a href=\"x\">", entry.Content.Value, StringComparison.Ordinal); // not resolved, not rebuilt
    }

    [Fact]
    public void Entries_past_ten_thousand_are_left_out_and_said_so()
    {
        var rss = Parse(Rss(string.Concat(Enumerable.Range(0, 12_000).Select(i => $"<item><guid>g{i}</guid><title>E{i}</title></item>"))));
        var json = Parse("""{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[""" + string.Join(",", Enumerable.Range(0, 12_000).Select(i => $$"""{"id":"j{{i}}","content_text":"x"}""")) + "]}");

        Assert.Equal(FeedXml.MaxEntries, rss.Feed!.Entries.Count);
        Assert.Equal("E9999", rss.Feed.Entries[^1].Title?.Plain);
        Assert.Contains("12,000 entries; those after the first 10,000 were left out", rss.Feed.Problems);
        Assert.Equal(FeedXml.MaxEntries, json.Feed!.Entries.Count);
        Assert.Contains("12,000 entries; those after the first 10,000 were left out", json.Feed.Problems);
    }

    [Fact]
    public void A_json_error_is_placed_as_people_count()
    {
        var result = Parse("{\"version\":\"https://jsonfeed.org/version/1.1\",\n \"items\": [}");

        Assert.StartsWith("not valid JSON at line 2, byte 12 of that line: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>Bytes that say one encoding and are another: the text is what was written.</summary>
public sealed class MislabelledEncodingTests
{
    private static string Korean(string encoding, string last) => $"<?xml version=\"1.0\" encoding=\"{encoding}\"?><rss version=\"2.0\"><channel><title>한국 뉴스</title><language>ko</language>"
        + "<item><title>한중 정상회담</title><description>중국과 한국의 정상이 베이징에서 만났다. 양국은 교역 확대에 합의했다.</description></item>"
        + $"<item><title>서울 北京 {last}</title></item></channel></rss>";

    /// <summary>What .NET writes through a StringWriter into a UTF-8 file: "utf-16" declared on
    /// bytes that begin "&lt;?xm" one byte a character, which UTF-16 cannot be.</summary>
    [Fact]
    public void Utf16_declared_on_utf8_bytes_is_read_as_utf8()
    {
        var result = FeedParser.Parse(Encoding.UTF8.GetBytes(Korean("utf-16", "")));

        Assert.Equal("한국 뉴스", result.Feed!.Title?.Plain);
        Assert.Contains("declared utf-16, but the document is written one byte a character; read as UTF-8", result.Feed.Problems);
    }

    /// <summary>A summary cut inside a character by a CMS: the damage is replaced, the rest of the
    /// feed is still Korean, not windows-1252 mojibake throughout.</summary>
    [Fact]
    public void A_few_invalid_bytes_in_utf8_cost_only_themselves()
    {
        var bytes = Encoding.UTF8.GetBytes(Korean("UTF-8", "끝")).ToList();
        var cut = bytes.LastIndexOf(0xEB); // the first byte of 끝, whose other two are dropped
        bytes.RemoveRange(cut + 1, 2);

        var result = FeedParser.Parse([.. bytes]);

        Assert.Equal("한국 뉴스", result.Feed!.Title?.Plain);
        Assert.Equal("한중 정상회담", result.Feed.Entries[0].Title?.Plain);
        Assert.Equal("서울 北京 \uFFFD", result.Feed.Entries[1].Title?.Plain);
        Assert.Contains("1 byte sequence(s) are not valid UTF-8 and were replaced (U+FFFD); read as UTF-8", result.Feed.Problems);
    }

    /// <summary>One stray byte in English text with no other non-ASCII: windows-1252's, as
    /// feedparser reads it; too little to call it UTF-8.</summary>
    [Fact]
    public void A_stray_byte_with_nothing_else_to_go_by_is_windows_1252()
    {
        var bytes = Encoding.ASCII.GetBytes("<rss version=\"2.0\"><channel><title>Price</title><item><title>Costs 5 X</title></item></channel></rss>");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xA3; // £ in windows-1252

        Assert.Equal("Costs 5 £", FeedParser.Parse(bytes).Feed!.Entries[0].Title?.Plain);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Utf32_without_a_byte_order_mark_is_told_by_its_first_bytes(bool bigEndian)
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-32\"?><rss version=\"2.0\"><channel><title>서울</title></channel></rss>";
        var bytes = new UTF32Encoding(bigEndian, byteOrderMark: false).GetBytes(text);

        Assert.Equal("서울", FeedParser.Parse(bytes).Feed!.Title?.Plain);
    }
}
