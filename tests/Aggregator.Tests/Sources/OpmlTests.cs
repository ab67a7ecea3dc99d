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
}
