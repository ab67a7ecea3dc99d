using System.Xml.Linq;
using Aggregator.Sources;
using Aggregator.Storage;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Sources;

/// <summary>Subscription lists as other readers write them, read and written back.</summary>
public sealed class OpmlTests
{
    /// <summary>Tiny Tiny RSS and Thunderbird nest folders: "Korea/Politics" and "China/Politics"
    /// are two folders, read as paths and written back nested.</summary>
    [Fact]
    public async Task Nested_folders_are_kept_as_paths_and_written_back_nested()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "ttrss.opml");
        await File.WriteAllTextAsync(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="1.0"><head><title>Tiny Tiny RSS Feed Export</title></head><body>
            <outline text="Korea"><outline text="Politics"><outline text="Yonhap" xmlUrl="http://kr.example/politics.xml"/></outline>
              <outline text="Economy" xmlUrl="http://kr.example/economy.xml"/></outline>
            <outline text="China"><outline title="Politics"><outline text="Xinhua" xmlUrl="http://cn.example/politics.xml"/></outline></outline>
            <outline text="Loose" xmlUrl="http://example.org/loose.xml"/>
            <outline text="Korea/China"><outline text="Bilateral" xmlUrl="http://example.org/bilateral.xml"/></outline>
            </body></opml>
            """, TestContext.Current.CancellationToken);

        var feeds = Opml.Read(path).Feeds;

        Assert.Equal(["Korea/Politics", "Korea", "China/Politics", null, "Korea\u2215China"], feeds.Select(f => f.Folder));
        var written = XDocument.Parse(Opml.Write(feeds.Select(f => new FeedRow { Url = f.Url, CustomTitle = f.Title, Title = f.FeedTitle, Folder = f.Folder }), "export", null));
        var body = written.Root!.Element("body")!;
        Assert.Equal(["Loose", "China", "Korea", "Korea/China"], body.Elements("outline").Select(o => (string?)o.Attribute("text"))); // a slash in a name is no level
        Assert.Equal("http://cn.example/politics.xml", (string?)body.Elements().ElementAt(1).Element("outline")!.Element("outline")!.Attribute("xmlUrl"));
        var korea = body.Elements().ElementAt(2);
        Assert.Equal(["Economy", "Politics"], korea.Elements("outline").Select(o => (string?)o.Attribute("text")));
        File.WriteAllText(path, written.ToString());
        Assert.Equal(feeds.Select(f => (f.Url, f.Folder)).OrderBy(f => f.Url), Opml.Read(path).Feeds.Select(f => (f.Url, f.Folder)).OrderBy(f => f.Url));
    }

    /// <summary>fetchOriginal="true" (ours) says a feed is read from its entries' own pages; it is
    /// written back, and a value that is neither yes nor no costs that outline alone, named.</summary>
    [Fact]
    public async Task Fetching_entries_pages_is_read_from_a_list_and_written_back()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "list.opml");
        await File.WriteAllTextAsync(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="2.0"><body>
            <outline text="Summaries" xmlUrl="http://example.org/short.xml" fetchOriginal="true"/>
            <outline text="Whole" xmlUrl="http://example.org/whole.xml"/>
            <outline text="Off" xmlUrl="http://example.org/off.xml" fetchOriginal="no"/>
            <outline text="Typo" xmlUrl="http://example.org/typo.xml" fetchOriginal="sometimes"/>
            <outline text="Where" xmlUrl="http://example.org/where.xml" fetchOriginal="true" articleSelector="div#articleText, .article-body"/>
            <outline text="Broken" xmlUrl="http://example.org/broken.xml" fetchOriginal="true" articleSelector="div[["/>
            </body></opml>
            """, TestContext.Current.CancellationToken);

        var list = Opml.Read(path);

        Assert.Equal([("http://example.org/short.xml", true), ("http://example.org/whole.xml", false), ("http://example.org/off.xml", false), ("http://example.org/where.xml", true)],
            list.Feeds.Select(f => (f.Url, f.FetchOriginal)));
        Assert.Equal("div#articleText, .article-body", list.Feeds[^1].ArticleSelector);
        Assert.Equal(2, list.Problems.Count);
        var problem = list.Problems[0];
        Assert.Contains("line 6", problem, StringComparison.Ordinal);
        Assert.Contains("articleSelector on http://example.org/broken.xml: \"div[[\" is not a CSS selector", list.Problems[1], StringComparison.Ordinal);
        Assert.Contains("fetchOriginal=\"sometimes\" on http://example.org/typo.xml must be true or false", problem, StringComparison.Ordinal);
        var written = XDocument.Parse(Opml.Write(list.Feeds.Select(f => new FeedRow { Url = f.Url, FetchOriginal = f.FetchOriginal, ArticleSelector = f.ArticleSelector }), "export", null));
        var outlines = written.Root!.Element("body")!.Elements("outline").ToList();
        Assert.Equal(["true", null, null, "true"], outlines.Select(o => (string?)o.Attribute("fetchOriginal")));
        Assert.Equal("div#articleText, .article-body", (string?)outlines[^1].Attribute("articleSelector"));
    }

    /// <summary>blockRules and keepRules (ours) carry a feed's rules one per line; an export writes
    /// the line breaks as character references, which survive being read back. A line break typed
    /// into the attribute is read as a space (XML's attribute normalisation): two rules run together
    /// are refused, saying how to separate them, as is a rule that cannot be used.</summary>
    [Fact]
    public async Task Rules_for_entries_are_read_from_a_list_and_written_back()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "list.opml");
        await File.WriteAllTextAsync(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="2.0"><body>
            <outline text="Wire" xmlUrl="http://example.org/wire.xml" blockRules="category:^(스포츠|sports)$&#10;title:^\[포토\]" keepRules="china|중국"/>
            <outline text="Typed" xmlUrl="http://example.org/typed.xml" blockRules="category:sports
              title:weather"/>
            <outline text="Broken" xmlUrl="http://example.org/broken.xml" keepRules="text:(\w+) \1"/>
            <outline text="Plain" xmlUrl="http://example.org/plain.xml" blockRules=""/>
            </body></opml>
            """, TestContext.Current.CancellationToken);

        var list = Opml.Read(path);

        Assert.Equal(["http://example.org/wire.xml", "http://example.org/plain.xml"], list.Feeds.Select(f => f.Url));
        Assert.Equal("category:^(스포츠|sports)$\ntitle:^\\[포토\\]", list.Feeds[0].BlockRules);
        Assert.Equal("china|중국", list.Feeds[0].KeepRules);
        Assert.Equal((null, null), (list.Feeds[1].BlockRules, list.Feeds[1].KeepRules));
        Assert.Equal(2, list.Problems.Count);
        Assert.Contains("line 4: blockRules on http://example.org/typed.xml: \"category:sports   title:weather\" holds a second rule (\"title:\"); separate rules with &#10;",
            list.Problems[0], StringComparison.Ordinal);
        Assert.Contains("keepRules on http://example.org/broken.xml: \"text:(\\w+) \\1\": rules cannot use", list.Problems[1], StringComparison.Ordinal);

        var written = Opml.Write(list.Feeds.Select(f => new FeedRow { Url = f.Url, BlockRules = f.BlockRules, KeepRules = f.KeepRules }), "export", null);
        await File.WriteAllTextAsync(path, written, TestContext.Current.CancellationToken);
        var again = Opml.Read(path);
        Assert.Empty(again.Problems);
        Assert.Equal(list.Feeds.Select(f => (f.BlockRules, f.KeepRules)), again.Feeds.Select(f => (f.BlockRules, f.KeepRules)));
    }

    /// <summary>Lists are decoded as feeds are: the labels Korean, Chinese and Japanese tools
    /// write (Python's ElementTree writes cp949), and a byte order mark over a wrong label.</summary>
    [Theory]
    [InlineData("cp949", "ks_c_5601-1987", "조선일보 똠방각하")] // code page 949: 똠 is beyond EUC-KR
    [InlineData("MS949", "euc-kr", "조선일보")]
    [InlineData("windows-31j", "shift_jis", "日本経済新聞")]
    [InlineData("cp936", "gb18030", "人民日报")]
    public void Lists_in_the_encodings_feeds_are_read_in_are_read(string label, string encoding, string name)
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "list.opml");
        File.WriteAllBytes(path, System.Text.Encoding.GetEncoding(encoding).GetBytes(
            $"""<?xml version="1.0" encoding="{label}"?><opml version="2.0"><body><outline text="{name}" xmlUrl="http://example.org/a.xml"/></body></opml>"""));

        Assert.Equal(name, Opml.Read(path).Feeds.Single().Title ?? Opml.Read(path).Feeds.Single().FeedTitle);
    }

    [Fact]
    public void A_byte_order_mark_wins_over_a_wrong_declaration()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "notepad.opml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(
            """<?xml version="1.0" encoding="EUC-KR"?><opml version="2.0"><body><outline text="조선일보" xmlUrl="http://example.org/a.xml"/></body></opml>""")]);

        Assert.Equal("조선일보", Opml.Read(path).Feeds.Single().FeedTitle);
    }

    /// <summary>An outline that says it is a feed but has no address is a subscription lost in
    /// someone's export: said, with its line. A folder (outlines inside) is not one.</summary>
    [Fact]
    public void Feed_outlines_without_an_address_are_reported_and_names_are_one_line()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "inoreader.opml");
        File.WriteAllText(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="1.0"><body>
            <outline text="Korea" type="rss"><outline text="Yonhap&#10;연합뉴스" type="rss" xmlUrl="http://kr.example/a.xml"/></outline>
            <outline text="Herald" type="rss" htmlUrl="http://herald.example/"/>
            <outline text="Empty" xmlUrl=""/>
            <outline text="Just a folder"/>
            </body></opml>
            """);

        var list = Opml.Read(path);

        Assert.Equal(("Yonhap 연합뉴스", "Korea"), (list.Feeds.Single().FeedTitle, list.Feeds.Single().Folder));
        Assert.Equal(2, list.Problems.Count);
        Assert.Equal($"{path}, line 4: outline \"Herald\" is a feed with only a web site address (http://herald.example/) but has no xmlUrl; this feed was left out (`aggregator feeds add` finds a site's feed)", list.Problems[0]);
        Assert.StartsWith($"{path}, line 5: outline \"Empty\" is a feed but has no xmlUrl", list.Problems[1], StringComparison.Ordinal);
    }
}
